/**
 * A back-test: publish a flow and run it on a simulated clock from `start` to `until` against
 * the store (sends through the `log` channel: outbox and contact history only). Events already
 * in the store whose time falls in [start, until) arrive at their time, and nodes see the store
 * as of the simulated now. What `sluice run` and the editor's simulate mode
 * (`POST /api/flows/{id}/simulate`) both call.
 *
 * The simulation runs in one transaction that is rolled back at the end, so the store is left
 * as it was and the same arguments over the same data give the same counts; `keep` commits the
 * run instead. For a flow with a measure node or a `settings.goal`, the measure report is taken
 * inside the simulation, before the roll-back.
 */
import { allChannelsThrough } from '../channels/channel-port.ts'
import { createLogChannel } from '../channels/log-channel.ts'
import { SimulatedClock } from '../clock/simulated-clock.ts'
import { formatAsOf } from '../clock/utc-day.ts'
import { Engine } from '../executor/engine.ts'
import type { RunErrorGroup, RunSummary } from '../executor/run-summary.ts'
import type { Flow } from '../flow/schema.ts'
import { catalogueWarnings, type FlowIssue } from '../flow/verify.ts'
import { measureReport, type MeasureReport } from '../measure/report.ts'
import { measuresAGoal } from '../registry/node-facts.ts'
import type { EngineStore, RunRow } from '../ports/engine-store.ts'
import type { AttributeDef } from '../ports/store.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { Scheduler, type SchedulerReport } from '../scheduler/scheduler.ts'
import type { NodeSecrets } from '../sdk/types.ts'
import { closest } from '../sdk/zod-issues.ts'

/** The report of a back-test (what `sluice run --json` prints). */
export interface RunReport {
  runId: string
  flow: { id: string; version: number }
  start: string
  until: string
  kept: boolean
  ticks: number
  /**
   * Names the flow or the options use that the store's attribute catalogue does not know (a
   * filter on `member_teir`, `{{first_name}}` in a message, `--by member_teir`), with "did you mean".
   */
  warnings: FlowIssue[]
  nodes: Record<string, { entered: number; outputs: Record<string, number>; parked: number; failed: number }>
  sends: RunSummary['sends']
  held: RunSummary['held']
  delivery: RunSummary['delivery']
  positions: RunSummary['positions']
  /** Customers in error per node and message (the node's exception, a loop that took no time), largest groups first. */
  errors: RunErrorGroup[]
  /** The measure report, for flows with a measure node or settings.goal. */
  measure?: MeasureReport
}

/** What {@link backtestFlow} runs. */
export interface SimulateOptions {
  flow: Flow
  registry: NodeRegistry
  start: number
  /** Exclusive. */
  until: number
  /** Commit the run instead of rolling it back. */
  keep: boolean
  seed?: string
  batchSize?: number
  contactPolicy?: ContactPolicy
  /** The project's secrets (ctx.secrets), e.g. the one choose-channel signs unsubscribe links with. */
  secrets?: NodeSecrets
  /** The server's public URL (ctx.publicUrl) for links in messages. */
  publicUrl?: string
  /** Measure report breakdown by a customer attribute or a tag. */
  by?: string
  byTag?: string
  /**
   * Back-test the flow on its own: the store's live runs (scheduled, running, paused) are set
   * aside inside the rolled-back transaction, so the simulated engine ticks only this flow's run
   * and a flow that is live starts afresh at `start` instead of continuing its live run's event
   * cursor. The server's simulate mode needs this; the store's history (contacts, events) stays.
   */
  alone?: boolean
}

const LIVE_STATES: RunRow['state'][] = ['scheduled', 'running', 'paused']

/** Thrown inside the simulation's transaction to roll it back once the report is taken. */
class RollBack extends Error {}

/** Whether the flow has a goal to report on: settings.goal, or a node that declares it measures one. */
export function measured(flow: Flow, registry: NodeRegistry): boolean {
  return flow.settings.goal !== undefined || measuresAGoal(flow, registry)
}

/** Runs `options.flow` on a simulated clock against `store`; rolled back unless `keep`. */
export async function backtestFlow(store: EngineStore, options: SimulateOptions): Promise<RunReport> {
  const { flow, registry, start, until, contactPolicy } = options
  const warnings = unknownNames(flow, registry, await store.customers.listAttributes(), options.by)
  const clock = new SimulatedClock(start)
  const engine = new Engine({
    store, registry, clock, channels: allChannelsThrough(createLogChannel()), ...(contactPolicy ? { contactPolicy } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  })
  const simulate = async () => {
    if (options.alone) await setLiveRunsAside(store, start)
    const run = await engine.publish(flow, { ...(options.seed ? { seed: options.seed } : {}), ...(options.batchSize ? { options: { batchSize: options.batchSize } } : {}) })
    const session = await new Scheduler(engine, clock).runUntil(until)
    const report = toReport(await engine.summary(run.id), session, start, until, options.keep, warnings)
    if (measured(flow, registry)) {
      // As of the last simulated instant: later events in the store were not seen by the run either.
      report.measure = await measureReport(store, run.id, { registry, now: until - 1, ...(options.by ? { by: options.by } : {}), ...(options.byTag ? { byTag: options.byTag } : {}) })
    }
    return report
  }
  return options.keep ? simulate() : rolledBack(store, simulate)
}

/**
 * Marks every live run completed and closed to entries. Only ever called inside the rolled-back
 * transaction of a simulation, so the live runs are untouched once it ends; it bypasses the run
 * lifecycle on purpose (nothing of it survives).
 */
export async function setLiveRunsAside(store: EngineStore, now: number): Promise<void> {
  for (const run of await store.listRuns({ states: LIVE_STATES })) await store.updateRun(run.id, { state: 'completed', accepting: false, updatedAt: now })
}

/** Runs `work` inside one transaction and rolls it back, returning what it returned. */
export async function rolledBack<T>(store: EngineStore, work: () => Promise<T>): Promise<T> {
  let result: T | undefined
  try {
    await store.transaction(async () => {
      result = await work()
      throw new RollBack('simulation rolled back')
    })
  } catch (error) {
    if (!(error instanceof RollBack)) throw error
  }
  return result as T
}

/** What the catalogue says of the flow's attribute names and of `by`: warnings, the run goes ahead. */
function unknownNames(flow: Flow, registry: NodeRegistry, attributes: readonly AttributeDef[], by: string | undefined): FlowIssue[] {
  const warnings = catalogueWarnings(flow, registry, attributes)
  if (by !== undefined && attributes.length > 0 && !attributes.some((a) => a.name === by)) {
    const hint = closest(by, attributes.map((a) => a.name))
    warnings.push({
      code: 'run.unknown-attribute', severity: 'warning', path: '--by',
      message: `attribute "${by}" is not in the catalogue${hint ? ` (did you mean "${hint}"?)` : ''}; every customer falls in one "(none)" row`,
    })
  }
  return warnings
}

function toReport(summary: RunSummary, session: SchedulerReport, start: number, until: number, kept: boolean, warnings: FlowIssue[]): RunReport {
  return {
    runId: summary.runId,
    flow: summary.flow,
    start: formatAsOf(start),
    until: formatAsOf(until),
    kept,
    ticks: session.ticks,
    warnings,
    nodes: summary.nodes,
    sends: summary.sends,
    held: summary.held,
    delivery: summary.delivery,
    positions: summary.positions,
    errors: summary.errors,
  }
}
