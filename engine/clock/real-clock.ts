/**
 * The wall clock: the one module of engine/ allowed to read Date.now() and to set a timer (ESLint
 * exempts this file). The scheduler sleeps here until the next due time; there is never more
 * than the one timer of the current sleep, however many customers wait.
 */
import type { SchedulerClock } from './clock.ts'

/** setTimeout's largest delay (~24.8 days); longer sleeps are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** The real clock. */
export class RealClock implements SchedulerClock {
  readonly simulated = false

  /** Epoch ms from the system clock. */
  now(): number {
    return Date.now()
  }

  /** Sleeps until `at` with one timer (re-armed when the delay exceeds setTimeout's limit), or until `signal` aborts. */
  async sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted && Date.now() < at) {
      const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()))
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', done)
          resolve()
        }
        const timer = setTimeout(done, delay)
        signal?.addEventListener('abort', done, { once: true })
      })
    }
  }
}
