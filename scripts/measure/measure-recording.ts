/**
 * What recording inputs for replay costs (decisions §30): the reference campaign of the bench
 * (bench/reference.ts) run on copies of one data set with recording on and off, alternating
 * (on, off, off, on, … so a load change on the shared machine hits both alike; after a warm-up run
 * that is not counted, since a process's first run is slower whatever it does), then on the last
 * recorded copy the bytes per customer of the recorded inputs and of the journal (SQLite's dbstat
 * pages and the payload lengths) and the exact replay's time against the run's.
 *
 *   npx tsx scripts/measure/measure-recording.ts [--customers 50000] [--rounds 2] [--dir bench/tmp] [--batch-size 5000] [--no-warmup] [--keep FILE] [--json]
 *
 * `--keep FILE` keeps the last recorded copy (e.g. to profile `sluice replay RUN --db FILE`).
 */
import { renameSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { copyDataset, ensureDataset } from '../../bench/dataset.ts'
import { benchRegistry, loadReferenceFlow, runReference, type ReferenceResult } from '../../bench/reference.ts'
import { replayRun } from '../../engine/replay/replay-run.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts'

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '2' }, dir: { type: 'string', default: 'bench/tmp' },
    'batch-size': { type: 'string' }, 'no-warmup': { type: 'boolean', default: false }, keep: { type: 'string' }, json: { type: 'boolean', default: false },
  },
})
const customers = Number(values.customers)
const rounds = Number(values.rounds)
const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size'])
const registry = await benchRegistry()
const flow = await loadReferenceFlow(registry)
const dataset = await ensureDataset({ customers, seed: 'bench', dir: values.dir })
const load = [loadavg()[0]]

interface Sample { recording: boolean; result: ReferenceResult; file: string; cpuSeconds: number }
/** CPU seconds of the whole process (the main thread and SQLite's checkpoint worker) while `work` runs: load on the shared machine stretches wall time, not this. */
async function cpu<T>(work: () => Promise<T>): Promise<[T, number]> {
  const before = process.cpuUsage()
  const result = await work()
  const used = process.cpuUsage(before)
  return [result, Math.round((used.user + used.system) / 10_000) / 100]
}
const samples: Sample[] = []
if (!values['no-warmup']) {
  // The first run of a process is slower whatever it does (file cache, JIT): not counted.
  const file = path.join(values.dir, 'measure-recording-warmup.db')
  copyDataset(dataset, file)
  const result = await runReference({ file, registry, flow, recordInputs: false, ...(batchSize ? { batchSize } : {}) })
  process.stderr.write(`warm-up (not counted): ${result.seconds} s\n`)
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
}
for (let round = 0; round < rounds; round++) {
  for (const recording of round % 2 === 0 ? [true, false] : [false, true]) {
    const file = path.join(values.dir, `measure-recording-${recording ? 'on' : 'off'}-${round}.db`)
    copyDataset(dataset, file)
    // The bench's own replay is left out here: it is timed below, once.
    const [result, cpuSeconds] = await cpu(() => runReference({ file, registry, flow, recordInputs: recording, replay: false, ...(batchSize ? { batchSize } : {}) }))
    samples.push({ recording, result, file, cpuSeconds })
    process.stderr.write(`round ${round} recording ${recording ? 'on ' : 'off'}: ${result.seconds} s (CPU ${cpuSeconds} s), ${result.customersPerSecond.toLocaleString('en-US')} customers/s (load ${loadavg()[0]?.toFixed(1)})\n`)
  }
}
load.push(loadavg()[0])

// Recording must not change a decision: every run's counts are the same.
const counts = samples.map((s) => JSON.stringify({ nodes: s.result.nodes, sends: s.result.sends, held: s.result.held, positions: s.result.positions }))
const sameCounts = counts.every((c) => c === counts[0])

const recorded = samples.filter((s) => s.recording).at(-1) as Sample
const store = await openStore({ db: recorded.file })
let sizes: { inputsRows: number; inputsPayload: number; inputsPages: number; journalRows: number; journalPayload: number; journalPages: number }
let replay: { ms: number; cpuSeconds: number; identical: boolean; batches: number; decisions: number; divergence?: string }
try {
  const db = (store as SqliteStore).database
  const engine = openEngineStore(store)
  const [run] = await engine.listRuns()
  const runId = (run as { id: string }).id
  const one = (sql: string) => Number(db.prepare(sql).pluck().get(runId) ?? 0)
  const pages = (table: string) => {
    try {
      return Number(db.prepare('SELECT sum(pgsize) FROM dbstat WHERE name = ?').pluck().get(table) ?? 0)
    } catch {
      return -1
    }
  }
  sizes = {
    inputsRows: one('SELECT count(*) FROM run_inputs WHERE run_id = ?'),
    inputsPayload: one('SELECT sum(length(data) + length(keys) + length(node_id)) FROM run_inputs WHERE run_id = ?'),
    inputsPages: pages('run_inputs'),
    journalRows: one('SELECT count(*) FROM journal WHERE run_id = ?'),
    journalPayload: one('SELECT sum(length(node_id) + length(kind) + coalesce(length(output), 0) + coalesce(length(keys), 0) + coalesce(length(data), 0)) FROM journal WHERE run_id = ?'),
    journalPages: pages('journal') + pages('journal_run') + pages('journal_customer'),
  }
  const started = performance.now()
  const [result, cpuSeconds] = await cpu(() => replayRun({ source: engine, registry, elapsed: () => performance.now() }, runId))
  replay = { ms: Math.round(performance.now() - started), cpuSeconds, identical: result.identical, batches: result.summary.batches, decisions: result.summary.decisions, ...(result.identical ? {} : { divergence: result.divergence.message }) }
} finally {
  await store.close()
}
if (values.keep) renameSync(recorded.file, values.keep)
for (const s of samples) for (const suffix of ['', '-wal', '-shm']) rmSync(`${s.file}${suffix}`, { force: true })

const entered = recorded.result.entered
const mean = (recording: boolean) => {
  const picked = samples.filter((s) => s.recording === recording).map((s) => s.result.customersPerSecond)
  return Math.round(picked.reduce((a, b) => a + b, 0) / picked.length)
}
const meanOf = (recording: boolean, value: (s: Sample) => number) => {
  const picked = samples.filter((s) => s.recording === recording).map(value)
  return Math.round((picked.reduce((a, b) => a + b, 0) / picked.length) * 100) / 100
}
const report = {
  customers: entered,
  batchSize: recorded.result.batchSize,
  loadAverage: load,
  runs: samples.map((s) => ({ recording: s.recording, seconds: s.result.seconds, cpuSeconds: s.cpuSeconds, customersPerSecond: s.result.customersPerSecond })),
  cpuSeconds: { on: meanOf(true, (s) => s.cpuSeconds), off: meanOf(false, (s) => s.cpuSeconds) },
  customersPerSecond: { on: mean(true), off: mean(false), cost: `${(((mean(false) - mean(true)) / mean(false)) * 100).toFixed(1)} %` },
  sameCounts,
  bytesPerCustomer: {
    inputsPayload: Math.round(sizes.inputsPayload / entered), inputsPages: Math.round(sizes.inputsPages / entered),
    journalPayload: Math.round(sizes.journalPayload / entered), journalPages: Math.round(sizes.journalPages / entered),
  },
  sizes,
  replay: {
    ...replay, runSeconds: recorded.result.seconds, runCpuSeconds: recorded.cpuSeconds,
    ratio: Math.round((replay.ms / 1000 / recorded.result.seconds) * 100) / 100, cpuRatio: Math.round((replay.cpuSeconds / recorded.cpuSeconds) * 100) / 100,
  },
}
process.stdout.write(`${JSON.stringify(report, null, values.json ? 0 : 2)}\n`)
