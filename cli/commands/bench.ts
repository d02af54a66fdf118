/**
 * `sluice bench [--customers N] [--json] [--sample N] [--only part,...] [--db DIR] [--out FILE]`:
 * the benchmark suite (bench/): the reference campaign on our engine and on a naive
 * actor-per-customer engine, segment count previews and event ingest, over a generated data
 * set of N customers (default 1,000,000; cached in DIR). Prints a table with the targets, or
 * the results as JSON, and writes them to bench/results.json.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { DEFAULT_BENCH_DIR } from '../../bench/dataset.ts'
import { createBenchProgress } from '../../bench/progress.ts'
import { formatReport } from '../../bench/report.ts'
import { BENCH_PARTS, NAIVE_SECONDS, runBench, type BenchPart } from '../../bench/run-bench.ts'
import { parseWholeNumber } from './shared/whole-number.ts'

const DEFAULT_RESULTS = fileURLToPath(new URL('../../bench/results.json', import.meta.url))

interface BenchFlags {
  customers: string
  sample?: string
  only?: string
  db: string
  out: string
  seed: string
  batchSize?: string
  ingestSeconds?: string
  naiveSeconds?: string
  json?: boolean
}

/** Registers `bench`. */
export function register(program: Command): void {
  program
    .command('bench')
    .description('Benchmark: the reference campaign on our engine and a naive one, segment previews, event ingest (see README "Performance")')
    .option('--customers <n>', 'customers in the generated data set', '1000000')
    .option('--sample <n>', 'naive engine: at most this many customers, spread over the data set (default: all up to 20,000)')
    .option('--only <parts>', `comma-separated parts to run: ${BENCH_PARTS.join(', ')} (default: all)`)
    .option('--db <dir>', 'folder for the cached data set and working copies', DEFAULT_BENCH_DIR)
    .option('--out <file>', 'where to write the results JSON', DEFAULT_RESULTS)
    .option('--seed <seed>', 'seed of the generated data set', 'bench')
    .option('--batch-size <n>', 'engine batch size (default 5000)')
    .option('--naive-seconds <n>', 'naive engine: stop letting customers in after this many seconds of per-customer work', String(NAIVE_SECONDS))
    .option('--ingest-seconds <n>', 'duration of the steady-rate ingest phase', '10')
    .option('--json', 'print the results as JSON instead of the table')
    .action(async (flags: BenchFlags) => {
      const customers = parseWholeNumber('--customers', flags.customers, 1, 5_000_000)
      const results = await runBench({
        customers,
        seed: flags.seed,
        dir: flags.db,
        parts: parseParts(flags.only),
        ...(flags.sample === undefined ? {} : { sample: parseWholeNumber('--sample', flags.sample, 1, customers) }),
        ...(flags.batchSize === undefined ? {} : { batchSize: parseWholeNumber('--batch-size', flags.batchSize, 1, 100_000) }),
        ingestSeconds: parseWholeNumber('--ingest-seconds', flags.ingestSeconds ?? '10', 1, 600),
        naiveSeconds: parseWholeNumber('--naive-seconds', flags.naiveSeconds ?? String(NAIVE_SECONDS), 1, 3_600),
        progress: createBenchProgress(),
      })
      await writeFile(flags.out, `${JSON.stringify(results, null, 2)}\n`)
      process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : formatReport(results))
    })
}

function parseParts(text: string | undefined): BenchPart[] | undefined {
  if (text === undefined) return undefined
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '')
  const unknown = parts.filter((p) => !(BENCH_PARTS as readonly string[]).includes(p))
  if (parts.length === 0 || unknown.length > 0) {
    throw new UserError('cli.bench', `--only: expected parts among ${BENCH_PARTS.join(', ')}, got "${text}"`)
  }
  return parts as BenchPart[]
}
