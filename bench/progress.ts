/**
 * Progress of the benchmark's phases on stderr: a cli-progress bar per phase when stderr is a
 * terminal, otherwise one line when a phase starts and one when it ends (logs, CI, pipes), so
 * stdout stays clean for the table or `--json`.
 */
import cliProgress from 'cli-progress'

/** What the phases report through. */
export interface BenchProgress {
  /** A phase starts; `total` units of `unit` (0: no bar, just the line). */
  phase(label: string, total: number, unit: string): void
  update(done: number, detail?: string): void
  /** The phase ended; `summary` is printed after its time. */
  done(summary: string): void
}

/** Prints nothing (tests). */
export const silentProgress: BenchProgress = { phase() {}, update() {}, done() {} }

/** Bars on a TTY, lines otherwise. */
export function createBenchProgress(stream: NodeJS.WriteStream = process.stderr): BenchProgress {
  let bar: cliProgress.SingleBar | undefined
  let label = ''
  let started = 0
  const tty = stream.isTTY === true
  return {
    phase(name, total, unit) {
      bar?.stop()
      bar = undefined
      label = name
      started = performance.now()
      if (tty && total > 0) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${name.padEnd(18)} [{bar}] {percentage}% | {value}/{total} ${unit} | {detail}`, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
        bar.start(total, 0, { detail: '' })
      } else {
        stream.write(`${name}…\n`)
      }
    },
    update(value, detail = '') {
      bar?.update(value, { detail })
    },
    done(summary) {
      bar?.stop()
      bar = undefined
      stream.write(`${label}: ${summary} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`)
    },
  }
}
