import { describe, expect, it } from 'vitest'
import { RealClock } from '../clock/real-clock.ts'
import type { DispatchOutcome } from './dispatch-outbox.ts'
import { OutboxLoop, type OutboxSource } from './outbox-loop.ts'

const NOTHING: DispatchOutcome = { sent: 0, retried: 0, dead: 0 }

/** A source whose answers the test scripts, recording when it was asked. */
function scripted(dispatches: (() => Promise<DispatchOutcome>)[], next: () => Promise<number | null> = () => Promise.resolve(null)) {
  const calls: number[] = []
  const source: OutboxSource = {
    dispatchOutbox: () => {
      calls.push(Date.now())
      return (dispatches.shift() ?? (() => Promise.resolve(NOTHING)))()
    },
    nextOutboxAt: next,
  }
  return { source, calls }
}

describe('OutboxLoop', () => {
  it('sleeps until the next due intent, wakes early on a nudge, and stops when aborted', async () => {
    const clock = new RealClock()
    const { source, calls } = scripted([], () => Promise.resolve(null))
    const loop = new OutboxLoop(source, clock, { idleMs: 10_000 })
    const abort = new AbortController()
    const running = loop.runForever(abort.signal)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(calls).toHaveLength(1)
    loop.nudge()
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(calls).toHaveLength(2)
    abort.abort()
    expect(await running).toEqual({ dispatches: 2, sent: 0, retried: 0, dead: 0 })
  })

  it('does not lose a nudge that arrives while the next due time is being read', async () => {
    const clock = new RealClock()
    const nudgeDuringRead: { loop?: OutboxLoop } = {}
    let reads = 0
    const { source, calls } = scripted([], async () => {
      if (++reads === 1) nudgeDuringRead.loop?.nudge()
      return null
    })
    const loop = new OutboxLoop(source, clock, { idleMs: 10_000 })
    nudgeDuringRead.loop = loop
    const abort = new AbortController()
    const running = loop.runForever(abort.signal)
    await new Promise((resolve) => setTimeout(resolve, 40))
    abort.abort()
    await running
    expect(calls).toHaveLength(2)
  })

  it('reports a failed dispatch, pauses, and goes on', async () => {
    const clock = new RealClock()
    const errors: unknown[] = []
    const outcomes: DispatchOutcome[] = []
    const { source, calls } = scripted([() => Promise.reject(new Error('store unavailable')), () => Promise.resolve({ sent: 2, retried: 1, dead: 0 })])
    const loop = new OutboxLoop(source, clock, { idleMs: 10_000, errorPauseMs: 40, onError: (e) => errors.push(e), onDispatch: (o) => outcomes.push(o) })
    const abort = new AbortController()
    const running = loop.runForever(abort.signal)
    await new Promise((resolve) => setTimeout(resolve, 100))
    abort.abort()
    const report = await running
    expect((errors[0] as Error).message).toBe('store unavailable')
    expect(calls).toHaveLength(2)
    expect((calls[1] as number) - (calls[0] as number)).toBeGreaterThanOrEqual(35)
    expect(outcomes).toEqual([{ sent: 2, retried: 1, dead: 0 }])
    expect(report).toEqual({ dispatches: 1, sent: 2, retried: 1, dead: 0 })
  })
})
