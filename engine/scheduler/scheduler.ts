/**
 * The scheduler: ticks the engine, asks when the next tick has work, and sleeps on the clock
 * until then. On a simulated clock it jumps straight to that time (`runUntil`), so a 30-day wait
 * costs one tick; on the real clock it sleeps on the clock's one timer, waking early when told
 * new work arrived (`nudge`) and at most `idleMs` apart so events written by other processes
 * are picked up (one indexed query per run, never a scan of customers).
 */
import type { SchedulerClock } from '../clock/clock.ts'
import type { Engine, TickReport } from '../executor/engine.ts'

/** Totals of a scheduler session. */
export interface SchedulerReport {
  ticks: number
  entered: number
  batches: number
  customers: number
  sends: number
  delivered: number
  /** The clock time of the last tick. */
  lastTickAt: number | null
}

export interface SchedulerOptions {
  /** Real clock: the longest sleep between ticks (event pick-up latency). Default 1 s. */
  idleMs?: number
  /** Called after every tick (progress output, tests). */
  onTick?(report: TickReport): void
}

/** Drives an engine on a clock. */
export class Scheduler {
  #wake: AbortController | null = null
  /** A nudge arrived since the current tick began: the next tick runs without sleeping. */
  #nudged = false

  constructor(
    private readonly engine: Engine,
    private readonly clock: SchedulerClock,
    private readonly options: SchedulerOptions = {},
  ) {}

  /**
   * Ticks from the clock's time through every time that has work before `until` (exclusive),
   * jumping between them; for simulated clocks. Returns when nothing is due before `until`.
   */
  async runUntil(until: number): Promise<SchedulerReport> {
    const report: SchedulerReport = { ticks: 0, entered: 0, batches: 0, customers: 0, sends: 0, delivered: 0, lastTickAt: null }
    while (this.clock.now() < until) {
      const tick = await this.#tick(report)
      const next = await this.engine.nextWakeAt()
      if (next === null || next >= until) break
      if (next <= this.clock.now()) {
        // Work due at the same instant (a `whole` cohort gathered this tick); a tick that did
        // nothing while work is due would repeat forever, so that is a bug to surface.
        if (!tick.progress) throw new Error(`scheduler: work is due at ${next} but the tick at ${tick.now} made no progress`)
        continue
      }
      await this.clock.sleepUntil(next)
    }
    return report
  }

  /** Ticks until `signal` aborts, sleeping between ticks until the next due time (at most `idleMs`). */
  async runForever(signal: AbortSignal): Promise<SchedulerReport> {
    const report: SchedulerReport = { ticks: 0, entered: 0, batches: 0, customers: 0, sends: 0, delivered: 0, lastTickAt: null }
    const idleMs = this.options.idleMs ?? 1_000
    while (!signal.aborted) {
      this.#nudged = false
      await this.#tick(report)
      // Events written while the tick ran (after its event read) would otherwise wait up to idleMs.
      if (this.#nudged) continue
      const next = await this.engine.nextWakeAt()
      const wakeAt = Math.min(next ?? Number.POSITIVE_INFINITY, this.clock.now() + idleMs)
      const wake = new AbortController()
      this.#wake = wake
      const stop = () => wake.abort()
      signal.addEventListener('abort', stop, { once: true })
      try {
        await this.clock.sleepUntil(wakeAt, wake.signal)
      } finally {
        signal.removeEventListener('abort', stop)
        this.#wake = null
      }
    }
    return report
  }

  /**
   * New work arrived (an in-process ingest wrote events, a publish): the next tick runs now. Ends
   * the current sleep; during a tick, the scheduler ticks again at once instead of sleeping, so
   * a nudge is never lost between the tick's event read and its sleep.
   */
  nudge(): void {
    this.#nudged = true
    this.#wake?.abort()
  }

  async #tick(report: SchedulerReport): Promise<TickReport> {
    const tick = await this.engine.tick()
    report.ticks++
    report.entered += tick.entered
    report.batches += tick.batches
    report.customers += tick.customers
    report.sends += tick.sends
    report.delivered += tick.delivered
    report.lastTickAt = tick.now
    this.options.onTick?.(tick)
    return tick
  }
}
