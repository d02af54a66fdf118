/**
 * The engine never spins: a loop that verification accepts (it goes through a wait) but whose
 * wait lets customers through at once (a date already past) moves them round within one
 * instant. Past the guard's limit each such customer goes to the error state with a message
 * naming the loop; the others finish, and the simulation ends.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { INSTANT_LAP_LIMIT } from '../engine/executor/instant-loop-guard.ts'
import { verifyFlow } from '../engine/flow/verify.ts'
import { Scheduler } from '../engine/scheduler/scheduler.ts'
import { attributeFilter, DAY, engineHarness, flowOf, HOUR, sendNode, T0, type EngineHarness } from './engine-harness.ts'

describe('a loop through a wait that resolves to no delay', () => {
  let h: EngineHarness | undefined
  afterEach(() => h?.close())

  const flow = flowOf(
    'zero-wait-loop',
    [
      { id: 'start', type: 'trigger', config: { event: { type: 'signup' } } },
      { id: 'seg', type: 'attribute-filter', config: { attribute: 'tier', equals: 'gold' } },
      // Already past at every tick: the wait lets everyone through at once.
      { id: 'again', type: 'wait', config: { until: '2025-01-01T00:00:00Z' } },
      { id: 'mail', type: 'send', config: { channel: 'email', template: 'welcome' } },
    ],
    [
      { from: 'start', output: 'entered', to: 'seg' },
      { from: 'seg', output: 'match', to: 'mail' },
      { from: 'seg', output: 'no match', to: 'again' },
      { from: 'again', output: 'done', to: 'seg' },
    ],
  )

  it('passes verification (the cycle holds a node that waits)', async () => {
    h = await engineHarness({ nodes: [attributeFilter(), sendNode()] })
    expect(verifyFlow(flow, h.registry).filter((i) => i.severity === 'error')).toEqual([])
  })

  it('puts the looping customers in error, naming the loop, and finishes everyone else', async () => {
    const filterCalls = { count: 0 }
    h = await engineHarness({ nodes: [attributeFilter(filterCalls), sendNode()] })
    await h.store.upsertCustomers([
      { id: 'ann', attributes: { tier: 'gold' } },
      { id: 'bob', attributes: { tier: 'silver' } },
      { id: 'cat', attributes: { tier: 'bronze' } },
    ])
    await h.store.insertEvents([
      { id: 'e1', customerId: 'ann', type: 'signup', at: T0 + HOUR, properties: {} },
      { id: 'e2', customerId: 'bob', type: 'signup', at: T0 + HOUR, properties: {} },
      { id: 'e3', customerId: 'cat', type: 'signup', at: T0 + 2 * HOUR, properties: {} },
    ])
    const run = await h.engine.publish(flow)
    // Before the guard the customers who do not match went round at every tick, forever (and
    // starved the test's own timeout): stop at a generous tick count instead.
    let ticks = 0
    const onTick = () => {
      if (++ticks > 20 * INSTANT_LAP_LIMIT) throw new Error(`still ticking after ${ticks} ticks: the engine spins`)
    }
    await new Scheduler(h.engine, h.clock, { onTick }).runUntil(T0 + DAY)

    const summary = await h.engine.summary(run.id)
    expect(summary.positions).toEqual({ active: 0, done: 1, error: 2, cancelled: 0 })
    expect(summary.nodes.seg?.failed).toBe(2)
    expect(summary.sends).toEqual({ email: 1 })
    const errors = await h.engineStore.listPositions(run.id, { state: 'error', limit: 10 })
    expect(errors.map((p) => [p.customerId, p.nodeId])).toEqual([['bob', 'seg'], ['cat', 'seg']])
    for (const position of errors) {
      expect(position.error).toBe(
        `looped ${INSTANT_LAP_LIMIT} times through "seg" → "again" → "seg" without time passing: a node that waits on this loop let the customer through at once (a wait until a past date, a throttle with room); make one hold customers for a while`,
      )
    }
    // The filter ran once per lap (bob and cat entered at different times: their laps are separate batches), and no more.
    expect(filterCalls.count).toBeLessThanOrEqual(2 * (INSTANT_LAP_LIMIT + 2))
    expect(filterCalls.count).toBeGreaterThan(INSTANT_LAP_LIMIT)
  })
})
