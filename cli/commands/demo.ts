/**
 * `sluice demo [--as-of DATE]`: loads the real telco customers plus seeded synthetic additions
 * and events (see demo/README.md for what is real and what is not).
 */
import { performance } from 'node:perf_hooks'
import type { Command } from 'commander'
import { loadDemo } from '../../demo/load-demo.ts'
import { addStoreOptions, describeStore, withStore } from '../store-options.ts'
import type { StoreOptionValues } from '../store-options.ts'
import { formatAsOf, parseAsOf } from './shared/as-of.ts'
import { createProgress } from './shared/progress.ts'

/** Registers `demo`. */
export function register(program: Command): void {
  const command = program
    .command('demo')
    .description('Load the demo data: 7,043 real telco customers plus synthetic contact data and 12 months of events (seed 42)')
    .option('--as-of <date>', 'events fall in the 12 months before this date (default: today, UTC)')
    .option('--json', 'print the summary as JSON')
  addStoreOptions(command).action(async (flags: StoreOptionValues & { asOf?: string; json?: boolean }) => {
    const asOf = parseAsOf(flags.asOf, Date.now())
    const progress = createProgress(flags.json)
    const started = performance.now()
    let phase: string | undefined
    let summary
    try {
      summary = await withStore(flags, (store) =>
        loadDemo(store, {
          asOf,
          onProgress: ({ phase: current, done, total }) => {
            if (current !== phase) {
              phase = current
              progress.start(current === 'scan' ? 'scanning' : current === 'import' ? 'importing' : 'events', total, current === 'synthesize' ? 'customers' : 'bytes')
            }
            progress.update(done)
          },
        }),
        { create: true },
      )
    } finally {
      progress.stop()
    }
    const durationMs = Math.round(performance.now() - started)
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ...summary, asOf: formatAsOf(asOf), store: describeStore(flags), durationMs }, null, 2)}\n`)
      return
    }
    const n = (value: number) => value.toLocaleString('en-US')
    process.stdout.write(
      [
        `Loaded the demo into ${describeStore(flags)} (as of ${formatAsOf(asOf)}, seed ${summary.seed})`,
        `  real customers from ${summary.import.file}: ${n(summary.import.rows)} (inserted ${n(summary.import.inserted)}, updated ${n(summary.import.updated)})`,
        `  synthetic: ${n(summary.synthetic.consents)} consents, ${n(summary.synthetic.eventsInserted)} events inserted (${n(summary.synthetic.eventDuplicates)} already present)`,
        ...(summary.synthetic.eventConflicts > 0 ? [`  ${n(summary.synthetic.eventConflicts)} of the events already present differ from the stored ones (another --as-of?): the stored events were kept; load the demo into a new store for a consistent data set`] : []),
        `  ${(durationMs / 1000).toFixed(2)} s`,
      ].join('\n') + '\n',
    )
  })
}
