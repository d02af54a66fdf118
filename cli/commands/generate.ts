/**
 * `sluice generate --customers N --seed S [--as-of DATE]`: a deterministic synthetic data set,
 * into the store (one transaction) or, with --out, into files for `sluice import`.
 */
import { performance } from 'node:perf_hooks'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { exportGenerated } from '../../demo/export-generated.ts'
import { generateIntoStore, MAX_GENERATED_CUSTOMERS } from '../../demo/generate.ts'
import { detectFormat } from '../../import/record-reader.ts'
import { addStoreOptions, describeStore, withStore } from '../store-options.ts'
import type { StoreOptionValues } from '../store-options.ts'
import { formatAsOf, parseAsOf } from './shared/as-of.ts'
import { createProgress } from './shared/progress.ts'
import { parseWholeNumber } from './shared/whole-number.ts'

interface GenerateFlags extends StoreOptionValues {
  customers: string
  seed: string
  asOf?: string
  out?: string
  eventsOut?: string
  format?: string
  json?: boolean
}

/** Registers `generate`. */
export function register(program: Command): void {
  const command = program
    .command('generate')
    .description('Generate a synthetic telco-like data set (customers, addresses, consents, 12 months of events); the same arguments always give the same data')
    .requiredOption('--customers <n>', 'how many customers')
    .requiredOption('--seed <seed>', 'seed of the generator')
    .option('--as-of <date>', 'events fall in the 12 months before this date (default: today, UTC)')
    .option('--out <file>', 'write customers to this file instead of the store')
    .option('--events-out <file>', 'with --out: also write the events to this file')
    .option('--format <format>', 'with --out: csv or jsonl (default: from the extension)')
    .option('--json', 'print the summary as JSON')
  addStoreOptions(command).action(async (flags: GenerateFlags) => {
    const customers = parseWholeNumber('--customers', flags.customers, 1, MAX_GENERATED_CUSTOMERS)
    const asOf = parseAsOf(flags.asOf, Date.now())
    const progress = createProgress(flags.json)
    const started = performance.now()
    progress.start('generating', customers, 'customers')
    const onProgress = (done: number) => progress.update(done)
    try {
      if (flags.out) {
        const summary = await exportGenerated({
          customers, seed: flags.seed, asOf, onProgress,
          customersPath: flags.out,
          customersFormat: detectFormat(flags.out, flags.format),
          ...(flags.eventsOut ? { eventsPath: flags.eventsOut, eventsFormat: detectFormat(flags.eventsOut, flags.format) } : {}),
        })
        progress.stop()
        report(flags, { ...summary, seed: flags.seed, asOf: formatAsOf(asOf) }, [
          `Generated ${summary.customers.toLocaleString('en-US')} customers into ${summary.customersPath}` +
            (summary.eventsPath ? ` and ${summary.events.toLocaleString('en-US')} events into ${summary.eventsPath}` : ''),
        ], started)
        return
      }
      if (flags.eventsOut || flags.format) throw new UserError('cli.out', '--events-out and --format apply only with --out')
      const summary = await withStore(flags, (store) => generateIntoStore(store, { customers, seed: flags.seed, asOf, onProgress }), { create: true })
      progress.stop()
      report(flags, { ...summary, asOf: formatAsOf(asOf), store: describeStore(flags) }, [
        `Generated ${summary.customers.toLocaleString('en-US')} customers (seed ${summary.seed}, as of ${formatAsOf(asOf)}) into ${describeStore(flags)}`,
        `  customers inserted ${summary.customersInserted.toLocaleString('en-US')}, updated ${summary.customersUpdated.toLocaleString('en-US')}; consents ${summary.consents.toLocaleString('en-US')}; events inserted ${summary.eventsInserted.toLocaleString('en-US')}, already present ${summary.eventDuplicates.toLocaleString('en-US')}`,
        ...(summary.eventConflicts > 0 ? [`  ${summary.eventConflicts.toLocaleString('en-US')} of the events already present differ from the stored ones (another --seed or --as-of?): the stored events were kept; generate into a new store for a consistent data set`] : []),
      ], started)
    } finally {
      progress.stop()
    }
  })
}

function report(flags: { json?: boolean }, summary: object, lines: string[], started: number): void {
  const durationMs = Math.round(performance.now() - started)
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...summary, durationMs }, null, 2)}\n`)
  else process.stdout.write(`${[...lines, `  ${(durationMs / 1000).toFixed(2)} s`].join('\n')}\n`)
}
