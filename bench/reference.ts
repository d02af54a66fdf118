/**
 * The reference campaign (bench/reference.flow.json) run by the engine on a copy of the data
 * set, on a simulated clock starting at the data set's "now": wall time from publish until
 * every customer is done (no active position, no pending send), peak RSS, and the counts that
 * show the work was done (entered, per-node outputs, sends by channel); then the run replayed
 * exactly from its recorded inputs (replay time against the run's, the journal's and the
 * record's bytes per customer).
 */
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { allChannelsThrough } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { SimulatedClock } from '../engine/clock/simulated-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import type { RunSummary } from '../engine/executor/run-summary.ts'
import { loadFlowFile } from '../engine/flow/files.ts'
import type { Flow } from '../engine/flow/schema.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import { triggerNodeIds } from '../engine/registry/node-facts.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { replayRun } from '../engine/replay/replay-run.ts'
import { Scheduler } from '../engine/scheduler/scheduler.ts'
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import type { SqliteStore } from '../store/sqlite/sqlite-store.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { BENCH_NOW } from './dataset.ts'
import { RssSampler } from './rss.ts'

const DAY = 86_400_000

/** The reference campaign's flow file. */
export const REFERENCE_FLOW_FILE = fileURLToPath(new URL('./reference.flow.json', import.meta.url))

/** How long the simulated clock may run: the longest deferral (7 days) plus the wait, with room. */
export const SIMULATED_DAYS = 30

/** Counts of a run, as both engines report them (from the journal and the outbox). */
export interface RunCounts {
  entered: number
  nodes: RunSummary['nodes']
  /** Send intents per channel (holdout excluded). */
  sends: RunSummary['sends']
  /** Sends not made because the customer is in the holdout, per channel. */
  held: RunSummary['held']
  delivery: RunSummary['delivery']
  positions: RunSummary['positions']
}

/** What the reference run measured. */
export interface ReferenceResult extends RunCounts {
  customers: number
  seconds: number
  customersPerSecond: number
  /** Largest resident set size seen during the run (sampled every 100 ms and after each batch). */
  peakRssMb: number
  batchSize: number
  ticks: number
  /** Simulated days from publish to the last tick. */
  simulatedDays: number
  /** True when every customer finished and every send was delivered. */
  finished: boolean
  /** The run replayed exactly from its recorded inputs (engine/replay/replay-run.ts); null when recording or the replay was off. */
  replay: ReplayFigures | null
}

/** What replaying the reference run took, and what its journal and record weigh. */
export interface ReplayFigures {
  seconds: number
  /** Replay time over the run's time (goal ≤ 1.5). */
  ratio: number
  identical: boolean
  /** The first divergence, when not identical. */
  divergence?: string
  batches: number
  decisions: number
  /** Stored text per customer: the journal's rows and the recorded inputs' rows (keys, data). */
  journalBytesPerCustomer: number
  inputsBytesPerCustomer: number
}

/** The built-in node types (plus the project's), as `sluice run` would load them. */
export function benchRegistry(): Promise<NodeRegistry> {
  return loadRegistry({ root: fileURLToPath(new URL('..', import.meta.url)) })
}

/** Loads the reference flow, validated against the registry. */
export function loadReferenceFlow(registry: NodeRegistry): Promise<Flow> {
  return loadFlowFile(REFERENCE_FLOW_FILE, registry)
}

/** Runs the reference campaign on `file` (a copy of the data set: the run writes to it). */
export async function runReference(options: {
  file: string
  registry: NodeRegistry
  flow: Flow
  batchSize?: number
  /** Record each batch's inputs for replay (default true, as the engine does). */
  recordInputs?: boolean
  /** Replay the run afterwards when it was recorded (default true). */
  replay?: boolean
  /** Customers moved so far (after each batch commit). */
  onProgress?: (moved: number) => void
}): Promise<ReferenceResult> {
  const clock = new SimulatedClock(BENCH_NOW)
  const store = await openStore({ db: options.file, now: () => clock.now() })
  const rss = new RssSampler()
  try {
    const engineStore = openEngineStore(store)
    let moved = 0
    const engine = new Engine({
      store: engineStore,
      registry: options.registry,
      clock,
      channels: allChannelsThrough(createLogChannel()),
      ...(options.recordInputs === false ? { recordInputs: false } : {}),
      hooks: {
        async beforeCommit(batch) {
          moved += batch.customers
          rss.sample()
          options.onProgress?.(moved)
        },
      },
    })
    rss.start()
    const started = performance.now()
    const run = await engine.publish(options.flow, { seed: 'bench', ...(options.batchSize ? { options: { batchSize: options.batchSize } } : {}) })
    const session = await new Scheduler(engine, clock, { onTick: () => rss.sample() }).runUntil(BENCH_NOW + SIMULATED_DAYS * DAY)
    const seconds = (performance.now() - started) / 1000
    rss.stop()
    const summary = await engine.summary(run.id)
    const counts = countsOf(summary, options.flow, options.registry)
    const replay = options.recordInputs === false || options.replay === false ? null : await replayFigures(store, engineStore, options.registry, run.id, seconds, counts.entered)
    return {
      customers: counts.entered,
      seconds: round(seconds, 2),
      customersPerSecond: Math.round(counts.entered / seconds),
      peakRssMb: rss.peakMb(),
      batchSize: options.batchSize ?? 5_000,
      ticks: session.ticks,
      simulatedDays: session.lastTickAt === null ? 0 : round((session.lastTickAt - BENCH_NOW) / DAY, 2),
      finished: counts.positions.active === 0 && counts.delivery.pending === 0,
      replay,
      ...counts,
    }
  } finally {
    rss.stop()
    await store.close()
  }
}

/** Replays the run (reading the store only) and weighs its journal and record. */
async function replayFigures(store: StorePort, engineStore: EngineStore, registry: NodeRegistry, runId: string, runSeconds: number, customers: number): Promise<ReplayFigures> {
  const started = performance.now()
  const result = await replayRun({ source: engineStore, registry }, runId)
  const seconds = (performance.now() - started) / 1000
  const db = (store as SqliteStore).database
  const bytes = (sql: string) => Number(db.prepare(sql).pluck().get(runId) ?? 0)
  const journal = bytes('SELECT sum(length(node_id) + length(kind) + coalesce(length(output), 0) + coalesce(length(keys), 0) + coalesce(length(data), 0) + 40) FROM journal WHERE run_id = ?')
  const inputs = bytes('SELECT sum(length(node_id) + length(keys) + length(data) + 24) FROM run_inputs WHERE run_id = ?')
  const perCustomer = (total: number) => (customers === 0 ? 0 : Math.round(total / customers))
  return {
    seconds: round(seconds, 2), ratio: runSeconds === 0 ? 0 : round(seconds / runSeconds, 2), identical: result.identical,
    ...(result.identical ? {} : { divergence: result.divergence.message }),
    batches: result.summary.batches, decisions: result.summary.decisions,
    journalBytesPerCustomer: perCustomer(journal), inputsBytesPerCustomer: perCustomer(inputs),
  }
}

/** The counts of a run summary; `entered` is what the trigger let in. */
export function countsOf(summary: RunSummary, flow: Flow, registry: NodeRegistry): RunCounts {
  const trigger = triggerNodeIds(flow, registry)[0] ?? ''
  return {
    entered: summary.nodes[trigger]?.entered ?? 0,
    nodes: summary.nodes,
    sends: summary.sends,
    held: summary.held,
    delivery: summary.delivery,
    positions: summary.positions,
  }
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
