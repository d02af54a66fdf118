/**
 * The outbox dispatcher in a loop of its own, beside the scheduler: it delivers what is due,
 * then sleeps on the clock until the next intent's attempt time (`nextOutboxAt`), a nudge (a
 * tick queued sends), or `idleMs` (intents queued by another process), and goes round again.
 * A slow SMTP server then slows delivery only, never a tick: the engine's ticks queue intents
 * and go on, and one dispatch at a time delivers them, so an intent is never handed to two
 * deliveries at once. The live server runs it (Engine `dispatch: 'separate'`); `sluice run` and
 * tests dispatch inline in the tick on the simulated clock.
 */
import type { SchedulerClock } from '../clock/clock.ts'
import type { DispatchOutcome } from './dispatch-outbox.ts'

/** What the loop dispatches from: the engine. */
export interface OutboxSource {
  /** Delivers every intent due at the clock's time. */
  dispatchOutbox(): Promise<DispatchOutcome>
  /** When the next pending intent is due (epoch ms), or null when none is. */
  nextOutboxAt(): Promise<number | null>
}

export interface OutboxLoopOptions {
  /** Longest sleep between dispatches (pick-up of intents other processes queue). Default 1 s. */
  idleMs?: number
  /** Pause after a failed dispatch (the store went away) before trying again. Default 5 s. */
  errorPauseMs?: number
  /** Called after every dispatch that did something. */
  onDispatch?(outcome: DispatchOutcome): void
  /** A dispatch failed; the loop goes on after `errorPauseMs`. */
  onError?(error: unknown): void
}

/** Totals of a loop session. */
export interface OutboxLoopReport extends DispatchOutcome {
  dispatches: number
}

export class OutboxLoop {
  #wake: AbortController | null = null
  /** A nudge arrived during a dispatch: go round again without sleeping. */
  #nudged = false

  constructor(
    private readonly source: OutboxSource,
    private readonly clock: SchedulerClock,
    private readonly options: OutboxLoopOptions = {},
  ) {}

  /** New intents were queued: dispatch now instead of at the next due time. */
  nudge(): void {
    this.#nudged = true
    this.#wake?.abort()
  }

  /** Dispatches until `signal` aborts; resolves after the dispatch in progress has been recorded. */
  async runForever(signal: AbortSignal): Promise<OutboxLoopReport> {
    const report: OutboxLoopReport = { dispatches: 0, sent: 0, retried: 0, dead: 0 }
    const idleMs = this.options.idleMs ?? 1_000
    while (!signal.aborted) {
      this.#nudged = false
      let wakeAt: number
      try {
        const outcome = await this.source.dispatchOutbox()
        report.dispatches++
        report.sent += outcome.sent
        report.retried += outcome.retried
        report.dead += outcome.dead
        if (outcome.sent + outcome.retried + outcome.dead > 0) this.options.onDispatch?.(outcome)
        if (this.#nudged) continue
        const next = await this.source.nextOutboxAt()
        wakeAt = Math.min(next ?? Number.POSITIVE_INFINITY, this.clock.now() + idleMs)
      } catch (error) {
        this.options.onError?.(error)
        wakeAt = this.clock.now() + (this.options.errorPauseMs ?? 5_000)
      }
      await this.#sleepUntil(wakeAt, signal)
    }
    return report
  }

  async #sleepUntil(at: number, signal: AbortSignal): Promise<void> {
    // A nudge that came while nextOutboxAt was read must not wait for the idle time.
    if (this.#nudged) return
    const wake = new AbortController()
    this.#wake = wake
    const stop = () => wake.abort()
    signal.addEventListener('abort', stop, { once: true })
    try {
      await this.clock.sleepUntil(at, wake.signal)
    } finally {
      signal.removeEventListener('abort', stop)
      this.#wake = null
    }
  }
}
