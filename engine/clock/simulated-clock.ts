/**
 * A clock that only moves when told to. The scheduler on a simulated clock jumps from one due time
 * to the next, so a 30-day wait passes in milliseconds and every run with the same inputs sees the
 * same times.
 */
import type { SchedulerClock } from './clock.ts'

/** A manually driven clock (epoch ms). */
export class SimulatedClock implements SchedulerClock {
  readonly simulated = true
  #now: number

  constructor(start: number) {
    if (!Number.isFinite(start)) throw new RangeError(`simulated clock: start must be a finite epoch-ms number, got ${start}`)
    this.#now = start
  }

  /** The simulated current time. */
  now(): number {
    return this.#now
  }

  /** Moves the clock forward to `at`; never backwards (time in a run only increases). */
  advanceTo(at: number): void {
    if (!Number.isFinite(at)) throw new RangeError(`simulated clock: cannot move to ${at}`)
    if (at > this.#now) this.#now = at
  }

  /** Moves the clock forward by `ms`. */
  advanceBy(ms: number): void {
    this.advanceTo(this.#now + ms)
  }

  /** Jumps straight to `at` (unless aborted first): nothing else happens in between in a simulation. */
  async sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return
    this.advanceTo(at)
  }
}
