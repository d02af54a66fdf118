/**
 * A forecast: what a flow would do over the next `days` days if it were published now, on the
 * real store, sending nothing. What `sluice forecast` and `POST /api/flows/{id}/forecast` (the
 * editor's publish dialog) both call.
 *
 * The flow runs alone (live runs set aside) on a simulated clock from `now`, against the store
 * as it is: today's customers, attributes, consents and contact history (so caps count what
 * other campaigns already sent). The future has no events yet, so the last `days` days of
 * events are replayed as the coming days' arrivals (each moved `days` days later, every type:
 * entries, purchases that wake waits, response events). Everything happens in one transaction
 * that is rolled back (docs/decisions.md §21): the store keeps not one row of it.
 *
 * Besides the counts per node and edge, it reports sends per channel and UTC day, the holdout's
 * size, and which caps and capacities bound how many customers, as each node names them through
 * its declaration's `limits` (read from the run's journal, so no code here knows a node type).
 */
import { allChannelsThrough } from '../channels/channel-port.ts'
import { createLogChannel } from '../channels/log-channel.ts'
import { SimulatedClock } from '../clock/simulated-clock.ts'
import { formatAsOf } from '../clock/utc-day.ts'
import { compileFlow } from '../compiler/compile-flow.ts'
import { Engine } from '../executor/engine.ts'
import { flowDefinitionText } from '../executor/run-control.ts'
import type { RunErrorGroup, RunSummary } from '../executor/run-summary.ts'
import type { Flow } from '../flow/schema.ts'
import { readDetails } from '../journal/batch-journal.ts'
import { sendTimeline } from '../measure/send-timeline.ts'
import type { EngineEvent, EngineStore } from '../ports/engine-store.ts'
import type { Channel } from '../ports/store.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { Scheduler } from '../scheduler/scheduler.ts'
import type { NodeSecrets } from '../sdk/types.ts'
import { rolledBack, setLiveRunsAside } from './simulate-flow.ts'

const DAY = 86_400_000
const PAGE = 5_000
/** Replayed events get this id prefix, so they never collide with (or de-duplicate against) a stored event. */
export const FORECAST_EVENT_PREFIX = 'forecast:'

/** The default forecast horizon. */
export const FORECAST_DEFAULT_DAYS = 7
/** The longest horizon: a forecast holds one store transaction while it runs, so it is bounded. */
export const FORECAST_MAX_DAYS = 90

export interface ForecastOptions {
  flow: Flow
  registry: NodeRegistry
  /** Where the forecast starts (the caller's clock). */
  now: number
  days: number
  contactPolicy?: ContactPolicy
  secrets?: NodeSecrets
  publicUrl?: string
  /** Called as the simulated clock advances (progress bars). */
  onProgress?(simulatedNow: number, until: number): void
}

/** A cap or capacity that bound customers at a node. */
export interface BindingLimit {
  nodeId: string
  /** The node's code for it, e.g. `cap:sms:week`, `capacity:email`. */
  limit: string
  description: string
  /** Distinct customers it held back, deferred or moved to another channel. */
  customers: number
}

export interface ForecastReport {
  flow: { id: string; version: number }
  /** The simulated window [from, until). */
  from: string
  until: string
  days: number
  /** Events of the last `days` days replayed as the coming days' arrivals. */
  replayedEvents: number
  nodes: RunSummary['nodes']
  edges: { from: string; output: string; to: string; customers: number }[]
  /** Send intents per channel (holdout excluded). */
  sends: RunSummary['sends']
  /** Send intents per UTC day and channel, ordered by day then channel. */
  sendsPerDay: { day: string; channel: Channel; sends: number }[]
  /** Sends held back for the holdout, per channel. */
  held: RunSummary['held']
  holdout: { percent: number; customers: number; entered: number }
  /** Binding caps and capacities, most customers first. */
  limits: BindingLimit[]
  positions: RunSummary['positions']
  errors: RunErrorGroup[]
}

/** Forecasts `options.flow` over the next `options.days` days on `store`; nothing is kept. */
export async function forecastFlow(store: EngineStore, options: ForecastOptions): Promise<ForecastReport> {
  const { flow, registry, now, days } = options
  const until = now + days * DAY
  const compiled = compileFlow(flow, registry)
  const clock = new SimulatedClock(now)
  const engine = new Engine({
    store, registry, clock, channels: allChannelsThrough(createLogChannel()),
    ...(options.contactPolicy ? { contactPolicy: options.contactPolicy } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  })
  return rolledBack(store, async () => {
    await setLiveRunsAside(store, now)
    const replayedEvents = await replayRecentEvents(store, now, days * DAY)
    const version = await forecastVersion(store, flow)
    const run = await engine.publish({ ...flow, version })
    await new Scheduler(engine, clock, { onTick: (tick) => options.onProgress?.(tick.now, until) }).runUntil(until)
    const summary = await engine.summary(run.id)
    const timeline = await sendTimeline(store, run.id)
    return {
      flow: { id: flow.id, version },
      from: formatAsOf(now),
      until: formatAsOf(until),
      days,
      replayedEvents,
      nodes: summary.nodes,
      edges: flow.edges.map((edge) => ({ ...edge, customers: summary.nodes[edge.from]?.outputs[edge.output] ?? 0 })),
      sends: summary.sends,
      sendsPerDay: timeline.map(({ day, channel, sent }) => ({ day, channel, sends: sent })),
      held: summary.held,
      holdout: { percent: flow.settings.holdout.percent, ...(await holdoutSize(store, run.id)) },
      limits: await bindingLimits(store, run.id, compiled.nodes),
      positions: summary.positions,
      errors: summary.errors,
    }
  })
}

/**
 * Copies the events of [now − window, now) to [now, now + window), in pages: the expected
 * arrivals of the coming days. Only ever called inside the forecast's rolled-back transaction.
 */
async function replayRecentEvents(store: EngineStore, now: number, window: number): Promise<number> {
  const types = (await store.customers.stats()).eventTypes.map((t) => t.type)
  if (types.length === 0) return 0
  let cursor: { at: number; key: number } | null = { at: now - window - 1, key: Number.MAX_SAFE_INTEGER }
  let copied = 0
  for (;;) {
    const page: EngineEvent[] = await store.eventsAfter(types, cursor, now - 1, PAGE)
    if (page.length === 0) return copied
    await store.customers.insertEvents(page.map((e) => ({ id: `${FORECAST_EVENT_PREFIX}${e.id}`, customerId: e.customerId, type: e.type, at: e.at + window, properties: e.properties })))
    copied += page.length
    const last = page.at(-1) as EngineEvent
    cursor = { at: last.at, key: last.key }
    if (page.length < PAGE) return copied
  }
}

/** The number publishing would give the flow: the latest version's when the logic is the same, else the next. */
async function forecastVersion(store: EngineStore, flow: Flow): Promise<number> {
  const [latest] = await store.listFlowVersions(flow.id)
  if (!latest) return flow.version
  return latest.definition === flowDefinitionText({ ...flow, version: latest.version }) ? latest.version : latest.version + 1
}

/** Customers of the run and how many of them are in the holdout, paged by key. */
async function holdoutSize(store: EngineStore, runId: string): Promise<{ customers: number; entered: number }> {
  let customers = 0
  let entered = 0
  for (let afterKey = -1; ;) {
    const page = await store.listPositions(runId, { afterKey, limit: PAGE })
    entered += page.length
    customers += page.filter((p) => p.holdout).length
    if (page.length < PAGE) return { customers, entered }
    afterKey = (page.at(-1) as { customerKey: number }).customerKey
  }
}

/** Each declared limit hit in the run's journal details, with the distinct customers it bound. */
async function bindingLimits(store: EngineStore, runId: string, nodes: ReturnType<typeof compileFlow>['nodes']): Promise<BindingLimit[]> {
  const found = new Map<string, { nodeId: string; limit: string; description: string; keys: Set<number> }>()
  for (const node of nodes.values()) {
    const limits = node.definition.limits
    if (!limits) continue
    for (let afterId = 0; ;) {
      const rows = await store.readJournal(runId, { nodeId: node.id, kinds: ['detail'], afterId, limit: PAGE })
      for (const { customerKey, output, detail } of readDetails(rows)) {
        for (const hit of limits({ output, ...detail }, node.config)) {
          const id = `${node.id}\u0000${hit.limit}`
          const entry = found.get(id) ?? { nodeId: node.id, limit: hit.limit, description: hit.description, keys: new Set<number>() }
          entry.keys.add(customerKey)
          found.set(id, entry)
        }
      }
      if (rows.length < PAGE) break
      afterId = (rows.at(-1) as { id: number }).id
    }
  }
  return [...found.values()]
    .map(({ keys, ...rest }) => ({ ...rest, customers: keys.size }))
    .sort((a, b) => b.customers - a.customers || a.nodeId.localeCompare(b.nodeId) || a.limit.localeCompare(b.limit))
}
