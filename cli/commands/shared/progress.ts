/**
 * A progress bar on stderr when it is a terminal, and nothing otherwise (pipes, CI, tests), so
 * logs and `--json` output on stdout stay clean.
 */
import cliProgress from 'cli-progress'

/** What a command reports progress through. */
export interface Progress {
  /** Starts (or restarts, for a new phase) the bar. */
  start(label: string, total: number, unit: 'bytes' | 'customers'): void
  update(value: number): void
  stop(): void
}

const silent: Progress = { start() {}, update() {}, stop() {} }

function formatAmount(value: number, unit: 'bytes' | 'customers'): string {
  return unit === 'bytes' ? `${(value / 1_048_576).toFixed(1)} MB` : value.toLocaleString('en-US')
}

/** A bar when stderr is a TTY (and `quiet` is not set), else a progress that prints nothing. */
export function createProgress(quiet = false): Progress {
  if (quiet || !process.stderr.isTTY) return silent
  let bar: cliProgress.SingleBar | undefined
  let unit: 'bytes' | 'customers' = 'bytes'
  let total = 0
  return {
    start(label, newTotal, newUnit) {
      bar?.stop()
      unit = newUnit
      total = newTotal
      bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: `${label.padEnd(10)} [{bar}] {percentage}% | {amount} of {totalAmount} | {eta_formatted}`, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
      bar.start(total, 0, { amount: formatAmount(0, unit), totalAmount: formatAmount(total, unit) })
    },
    update(value) {
      bar?.update(value, { amount: formatAmount(value, unit), totalAmount: formatAmount(total, unit) })
    },
    stop() {
      bar?.stop()
      bar = undefined
    },
  }
}
