import { describe, expect, it } from 'vitest'
import { INSTANT_LAP_LIMIT, InstantLoopGuard } from './instant-loop-guard.ts'

const edge = (from: string, to: string, output = 'out') => ({ from, output, to })

describe('InstantLoopGuard', () => {
  // start → a → b → a is a loop; a → c → d and b → d meet at d without one.
  const guard = () => new InstantLoopGuard(['start', 'a', 'b', 'c', 'd'], [edge('start', 'a'), edge('a', 'b'), edge('b', 'a', 'back'), edge('a', 'c', 'side'), edge('c', 'd'), edge('b', 'd', 'on')])

  it('knows which nodes lie on a cycle', () => {
    const g = guard()
    expect(['start', 'a', 'b', 'c', 'd'].filter((id) => g.onCycle(id))).toEqual(['a', 'b'])
    expect(new InstantLoopGuard(['x'], [edge('x', 'x')]).onCycle('x')).toBe(true)
  })

  it('trips after the limit of laps at one arrival time, per customer', () => {
    const g = guard()
    for (let lap = 1; lap <= INSTANT_LAP_LIMIT; lap++) {
      g.nextTick()
      expect(g.lap(7, 1_000)).toBe(false)
      expect(g.lap(8, 1_000)).toBe(false)
    }
    g.nextTick()
    expect(g.lap(7, 1_000)).toBe(true)
  })

  it('starts again when time passed for the customer (a later arrival)', () => {
    const g = guard()
    for (let lap = 1; lap <= INSTANT_LAP_LIMIT; lap++) g.lap(7, 1_000)
    expect(g.lap(7, 1_001)).toBe(false)
    for (let lap = 2; lap <= INSTANT_LAP_LIMIT; lap++) expect(g.lap(7, 1_001)).toBe(false)
    expect(g.lap(7, 1_001)).toBe(true)
  })

  it('forgets a customer not moved for a whole tick (it left the loop)', () => {
    const g = guard()
    for (let lap = 1; lap <= INSTANT_LAP_LIMIT; lap++) g.lap(7, 1_000)
    g.nextTick()
    g.nextTick()
    expect(g.lap(7, 1_000)).toBe(false)
  })

  it('allows at least one lap per node in flows larger than the limit', () => {
    const ids = Array.from({ length: INSTANT_LAP_LIMIT + 50 }, (_, i) => `n${i}`)
    expect(new InstantLoopGuard(ids, []).limit).toBe(INSTANT_LAP_LIMIT + 50)
  })

  it('names the loop the customers came round, through the nodes their batch ran', () => {
    const g = new InstantLoopGuard(['s', 'a', 'b', 'c'], [edge('s', 'a'), edge('a', 'b'), edge('b', 'a'), edge('a', 'c', 'x'), edge('c', 'a')])
    expect(g.message('a', new Set(['a', 'c']))).toMatch(/^looped 100 times through "a" → "c" → "a" without time passing/)
    expect(g.message('a', new Set(['a', 'b']))).toMatch(/through "a" → "b" → "a"/)
  })
})
