import { describe, expect, it } from 'vitest'
import { RealClock } from '../clock/real-clock.ts'
import { SimulatedClock } from '../clock/simulated-clock.ts'
import type { Engine, TickReport } from '../executor/engine.ts'
import { Scheduler } from './scheduler.ts'

const T0 = Date.UTC(2025, 0, 1)

/** An engine stand-in whose work is a list of due times: each tick consumes the ones that have come. */
function fakeEngine(clock: SimulatedClock, due: number[]): Engine & { ticks: number[] } {
  const ticks: number[] = []
  return {
    ticks,
    async tick(): Promise<TickReport> {
      const now = clock.now()
      ticks.push(now)
      const before = due.length
      due.splice(0, due.length, ...due.filter((t) => t > now))
      return { now, progress: due.length < before } as TickReport
    },
    async nextWakeAt() {
      return due.length === 0 ? null : Math.min(...due)
    },
  } as unknown as Engine & { ticks: number[] }
}

describe('Scheduler', () => {
  it('ticks only at the times that have work, jumping between them, and stops before `until`', async () => {
    const clock = new SimulatedClock(T0)
    const engine = fakeEngine(clock, [T0 + 5_000, T0 + 30 * 86_400_000, T0 + 90 * 86_400_000])
    const report = await new Scheduler(engine, clock).runUntil(T0 + 60 * 86_400_000)
    expect(engine.ticks).toEqual([T0, T0 + 5_000, T0 + 30 * 86_400_000])
    expect(report.ticks).toBe(3)
  })

  it('refuses to spin when work is due now but a tick makes no progress', async () => {
    const clock = new SimulatedClock(T0)
    const stuck = { tick: async () => ({ now: clock.now(), progress: false }) as TickReport, nextWakeAt: async () => T0 } as unknown as Engine
    await expect(new Scheduler(stuck, clock).runUntil(T0 + 1000)).rejects.toThrow(/made no progress/)
  })

  it('runs until told to stop, and a nudge ends a sleep', async () => {
    const clock = new SimulatedClock(T0)
    const engine = fakeEngine(clock, [])
    const stop = new AbortController()
    const scheduler = new Scheduler(engine, clock, { idleMs: 1_000, onTick: (tick) => tick.now >= T0 + 3_000 && stop.abort() })
    await scheduler.runForever(stop.signal)
    expect(engine.ticks).toEqual([T0, T0 + 1_000, T0 + 2_000, T0 + 3_000])
    scheduler.nudge()
  })

  it('does not lose a nudge that arrives during a tick: the next tick runs without the idle sleep', async () => {
    const clock = new SimulatedClock(T0)
    const engine = fakeEngine(clock, [])
    const stop = new AbortController()
    const holder: { scheduler?: Scheduler } = {}
    const onTick = (tick: TickReport) => {
      // The first tick is "told" about new events while it runs; the second stops the loop.
      if (engine.ticks.length === 1) holder.scheduler?.nudge()
      if (tick.now > T0 || engine.ticks.length >= 2) stop.abort()
    }
    const scheduler = new Scheduler(engine, clock, { idleMs: 60_000, onTick })
    holder.scheduler = scheduler
    await scheduler.runForever(stop.signal)
    // Without the nudge the second tick would come a full idleMs (60 s simulated) later.
    expect(engine.ticks).toEqual([T0, T0])
  })
})

describe('RealClock', () => {
  it('wakes from a long sleep when its signal aborts', async () => {
    const clock = new RealClock()
    const wake = new AbortController()
    const sleeping = clock.sleepUntil(clock.now() + 3_600_000, wake.signal)
    wake.abort()
    await expect(sleeping).resolves.toBeUndefined()
  })
})
