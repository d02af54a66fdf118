/**
 * Clocks the engine runs on. Engine and node code read time only through a clock; the scheduler
 * also sleeps on it. Two implementations: real-clock.ts (the one module that reads the wall clock
 * and owns the one timer) and simulated-clock.ts (tests and `sluice run`: days pass in
 * milliseconds, and the same inputs give the same run).
 */
import type { Clock } from '../sdk/context.ts'

export type { Clock } from '../sdk/context.ts'

/** A clock the scheduler can wait on. */
export interface SchedulerClock extends Clock {
  /** True for a simulated clock: the scheduler then never waits for the outside world. */
  readonly simulated: boolean
  /**
   * Resolves once `now() >= at`, or earlier when `signal` aborts (new work arrived). A simulated
   * clock jumps to `at` at once; the real clock sets one timer.
   */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>
}
