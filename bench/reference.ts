/**
 * The reference campaign (bench/reference.flow.json) run by the engine on a copy of the data
 * set, on a simulated clock starting at the data set's "now": wall time from publish until
 * every customer is done (no active position, no pending send), peak RSS, and the counts that
 * show the work was done (entered, per-node outputs, sends by channel).
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
import { Scheduler } from '../engine/scheduler/scheduler.ts'
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
    return {
      customers: counts.entered,
      seconds: round(seconds, 2),
      customersPerSecond: Math.round(counts.entered / seconds),
      peakRssMb: rss.peakMb(),
      batchSize: options.batchSize ?? 5_000,
      ticks: session.ticks,
      simulatedDays: session.lastTickAt === null ? 0 : round((session.lastTickAt - BENCH_NOW) / DAY, 2),
      finished: counts.positions.active === 0 && counts.delivery.pending === 0,
      ...counts,
    }
  } finally {
    rss.stop()
    await store.close()
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
