/**
 * Peak resident set size of one phase. `process.resourceUsage().maxRSS` is the peak of the
 * whole process (it would include earlier phases), so each phase samples
 * `process.memoryUsage.rss()` every 100 ms and whenever the caller calls `sample()` (after each
 * engine batch: synchronous SQLite work blocks the timer, the batch hook does not miss it).
 */
export class RssSampler {
  #peak = 0
  #timer: NodeJS.Timeout | undefined

  start(): void {
    this.sample()
    this.#timer ??= setInterval(() => this.sample(), 100).unref()
  }

  sample(): void {
    const rss = process.memoryUsage.rss()
    if (rss > this.#peak) this.#peak = rss
  }

  /** Stops sampling (idempotent: a second call takes no sample). */
  stop(): void {
    if (!this.#timer) return
    clearInterval(this.#timer)
    this.#timer = undefined
    this.sample()
  }

  /** The peak in MiB, one decimal. */
  peakMb(): number {
    return Math.round((this.#peak / 1_048_576) * 10) / 10
  }
}
