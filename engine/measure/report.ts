/**
 * The measure report of a run: how many customers entered, were sent to, opened, clicked and
 * reached the goal, the revenue, and the uplift over the holdout (uplift.ts) — for the whole
 * flow, per node, per channel and per segment (a customer attribute or tag).
 *
 * The goal is the flow's measure node (the first one, or `options.node`), else its
 * `settings.goal` anchored on entry. With a measure node, the customers measured are those who
 * reached it (treated and held out alike: the holdout passes every node, only its sends are
 * withheld), so selection before it (a segment, a score, a channel found or not) is the same for
 * both groups; with `settings.goal`, everyone who entered. Conversions are computed in SQL on the store
 * (`measureGoal`: the run's customers and their anchor times joined to their events), with the
 * flow and segment totals aggregated there too. The node and channel breakdowns need to know who
 * arrived where and whose send was held back on which channel: that is in the journal's packed
 * keys, decoded here once per report, and the outbox; only customers with an outcome come back
 * from SQL one by one.
 */
import { NotFoundError, UserError } from '../errors.ts'
import { flowSchema, type Flow } from '../flow/schema.ts'
import { unpackKeys } from '../journal/packed-keys.ts'
import type { EngineTables, GoalAnswer, GoalGroup, GoalOutcome, GoalQuery } from '../ports/engine-store.ts'
import type { Channel } from '../ports/store.ts'
import { MIN_CUSTOMERS, MIN_OUTCOMES, rate, uplift, type NotEnoughData, type Uplift } from './uplift.ts'

const DAY = 86_400_000
const PAGE = 2_000

/** The node type whose config is a goal (nodes/measure). */
export const MEASURE_NODE_TYPE = 'measure'

export interface MeasureReportOptions {
  /** The report's "as of" (epoch ms): events after it are not seen; windows still open are counted as `open`. */
  now: number
  /** Which measure node's goal (default: the flow's first measure node, else settings.goal). */
  node?: string
  /** Break down by this customer attribute (e.g. member_tier)… */
  by?: string
  /** …or by this tag (e.g. the score node's RFM cell tag). */
  byTag?: string
  /** Numeric goal-event property summed as revenue (default: the measure node's `revenue`, else `amount`). */
  revenue?: string
  /** Event types counted as opens and clicks (default email_open, email_click). */
  opens?: string
  clicks?: string
}

/** The goal the report measures. */
export interface ReportGoal {
  /** `node:<id>` or `settings.goal`. */
  source: string
  event: string
  where?: Record<string, string | number | boolean>
  withinDays: number
  anchor: 'entry' | { node: string }
  revenue: string
}

/** One group's figures. */
export interface ArmFigures {
  customers: number
  converted: number
  /** converted / customers (0 for none). */
  rate: number
  revenue: number
  opened: number
  clicked: number
  /** Customers whose window is still open at the report's `now` (flow and segment rows only). */
  open?: number
  /** Node and channel rows: every customer of the row, measured or not (`customers` counts the measured ones). */
  entered?: number
}

/** Treated against holdout. */
export interface Comparison {
  treated: ArmFigures & { sent?: number; delivered?: number }
  holdout: ArmFigures & { held?: number }
  uplift: Uplift | NotEnoughData
}

export interface MeasureReport {
  runId: string
  flow: { id: string; version: number }
  asOf: number
  goal: ReportGoal
  method: { uplift: string; ci95: string; pValue: string; minimum: string }
  overall: Comparison
  /** Customers who arrived at each node (and were measured), in flow order. */
  nodes: Record<string, Comparison>
  /** Treated: customers sent a message on the channel; holdout: customers whose message on it was held back. */
  channels: Partial<Record<Channel, Comparison>>
  segments?: { by: string; values: Record<string, Comparison> }
}

export const METHOD: MeasureReport['method'] = {
  uplift: 'treated conversion rate − holdout conversion rate',
  ci95: 'unpooled Wald: uplift ± z0.975 · √(p1(1−p1)/n1 + p2(1−p2)/n2)',
  pValue: 'two-sided pooled two-proportion z-test: 2·(1 − Φ(|z|)), z = uplift / √(p(1−p)(1/n1 + 1/n2)), p = pooled rate',
  minimum: `not enough data below ${MIN_CUSTOMERS} customers, ${MIN_OUTCOMES} conversions or ${MIN_OUTCOMES} non-conversions in either group`,
}

/** The report of run `runId` as of `options.now`. Throws a UserError when the flow has no goal. */
export async function measureReport(store: EngineTables, runId: string, options: MeasureReportOptions): Promise<MeasureReport> {
  const run = await store.getRun(runId)
  if (!run) throw new NotFoundError('run', runId)
  const version = await store.getFlowVersion(run.flowId, run.flowVersion)
  if (!version) throw new NotFoundError('flow version', `${run.flowId} v${run.flowVersion}`)
  const flow = flowSchema.parse(JSON.parse(version.definition))
  const goal = goalOf(flow, options)
  if (options.by !== undefined && options.byTag !== undefined) throw new UserError('measure.by', 'break the report down by an attribute or by a tag, not both')

  const measureNode = goal.source.startsWith('node:') ? goal.source.slice('node:'.length) : undefined
  const journal = await readJournalSets(store, runId, goal.anchor === 'entry' ? undefined : goal.anchor.node, measureNode)
  // The measured customers and their anchors: everyone (flow entry, in SQL), or the measure
  // node's arrivals anchored on entry (null: SQL takes it) or on their last passage of the anchor node.
  const anchors = measureNode === undefined
    ? undefined
    : [...journal.reached].map(([key, arrivedAt]) => ({ key, at: goal.anchor === 'entry' ? null : (journal.passed.get(key) ?? arrivedAt) }))
  const opens = options.opens ?? 'email_open'
  const clicks = options.clicks ?? 'email_click'
  const query: GoalQuery = {
    event: goal.event,
    ...(goal.where ? { where: goal.where } : {}),
    withinMs: goal.withinDays * DAY,
    now: options.now,
    revenue: goal.revenue,
    engagement: [opens, clicks],
    ...(anchors ? { anchors } : {}),
  }
  const answer = await store.measureGoal(runId, query)
  const by = options.by ?? options.byTag
  const segmented = by === undefined ? undefined : await store.measureGoal(runId, { ...query, by: options.by !== undefined ? { attribute: options.by } : { tag: by } })

  const measured = anchors ? new Set(journal.reached.keys()) : undefined
  const outbox = await readOutbox(store, runId)
  const sets = new KeySets(answer, measured)

  const overall = fromGroups(answer.groups)
  overall.treated.sent = outbox.total.sent
  overall.treated.delivered = outbox.total.delivered
  overall.holdout.held = [...journal.held.values()].reduce((n, byChannel) => n + [...byChannel.values()].reduce((m, keys) => m + keys.length, 0), 0)

  const nodes: Record<string, Comparison> = {}
  for (const node of journeyOrder(flow)) {
    const comparison = sets.compare(journal.arrived.get(node.id) ?? [])
    const sent = outbox.byNode.get(node.id)
    if (sent) Object.assign(comparison.treated, { sent: sent.sent, delivered: sent.delivered })
    nodes[node.id] = comparison
  }

  const channels: Partial<Record<Channel, Comparison>> = {}
  const heldByChannel = new Map<Channel, number[]>()
  for (const byChannel of journal.held.values()) {
    for (const [channel, keys] of byChannel) append(heldByChannel, channel, keys)
  }
  for (const channel of [...new Set([...outbox.byChannel.keys(), ...heldByChannel.keys()])].sort()) {
    const sent = outbox.byChannel.get(channel)
    const comparison = sets.compare([...(sent?.customers ?? []), ...(heldByChannel.get(channel) ?? [])])
    comparison.treated.sent = sent?.sent ?? 0
    comparison.treated.delivered = sent?.delivered ?? 0
    comparison.holdout.held = heldByChannel.get(channel)?.length ?? 0
    channels[channel] = comparison
  }

  const report: MeasureReport = { runId, flow: { id: flow.id, version: flow.version }, asOf: options.now, goal, method: METHOD, overall, nodes, channels }
  if (segmented && by !== undefined) {
    const values: Record<string, Comparison> = {}
    const keys = [...new Set(segmented.groups.map((g) => g.segment ?? '(none)'))].sort()
    for (const key of keys) values[key] = fromGroups(segmented.groups.filter((g) => (g.segment ?? '(none)') === key))
    report.segments = { by: options.by !== undefined ? options.by : `tag:${by}`, values }
  }
  return report
}

function goalOf(flow: Flow, options: MeasureReportOptions): ReportGoal {
  const measures = flow.nodes.filter((n) => n.type === MEASURE_NODE_TYPE)
  const node = options.node === undefined ? measures[0] : measures.find((n) => n.id === options.node)
  if (options.node !== undefined && !node) {
    throw new UserError('measure.node', `flow "${flow.id}" has no measure node "${options.node}"${measures.length > 0 ? ` (its measure nodes: ${measures.map((n) => n.id).join(', ')})` : ''}`)
  }
  if (node) {
    // The config was verified against the node's declaration when the version was published.
    const config = node.config as { event: string; where?: Record<string, string | number | boolean>; withinDays: number; anchor?: 'entry' | { node: string }; revenue?: string }
    return {
      source: `node:${node.id}`, event: config.event, ...(config.where ? { where: config.where } : {}), withinDays: config.withinDays,
      anchor: config.anchor ?? 'entry', revenue: options.revenue ?? config.revenue ?? 'amount',
    }
  }
  const goal = flow.settings.goal
  if (!goal) throw new UserError('measure.no-goal', `flow "${flow.id}" has no measure node and no settings.goal: there is nothing to measure`)
  return { source: 'settings.goal', event: goal.event, ...(goal.where ? { where: goal.where } : {}), withinDays: goal.withinDays, anchor: 'entry', revenue: options.revenue ?? 'amount' }
}

/** Nodes in the order customers meet them: breadth-first from the nodes nothing leads to, along the edges; then any others. */
function journeyOrder(flow: Flow): Flow['nodes'] {
  const targets = new Set(flow.edges.map((e) => e.to))
  const order = flow.nodes.filter((n) => !targets.has(n.id)).map((n) => n.id)
  for (let i = 0; i < order.length; i++) {
    for (const edge of flow.edges) if (edge.from === order[i] && !order.includes(edge.to)) order.push(edge.to)
  }
  for (const node of flow.nodes) if (!order.includes(node.id)) order.push(node.id)
  return order.map((id) => flow.nodes.find((n) => n.id === id) as Flow['nodes'][number])
}

/**
 * Arrivals per node, held sends per node and channel, the latest passage of the anchor node and
 * the latest arrival at the measure node per customer (the journal's batch times).
 */
async function readJournalSets(store: EngineTables, runId: string, anchorNode: string | undefined, measureNode: string | undefined) {
  const arrived = new Map<string, number[]>()
  const held = new Map<string, Map<Channel, number[]>>()
  const passed = new Map<number, number>()
  const reached = new Map<number, number>()
  let afterId = 0
  for (;;) {
    // Group rows only: the per-customer detail rows (most of a journal) are not needed here.
    const rows = await store.readJournal(runId, { afterId, limit: PAGE, kinds: ['arrive', 'route', 'held'] })
    for (const row of rows) {
      if (row.keys === null) continue
      if (row.kind === 'arrive') {
        const keys = unpackKeys(row.keys)
        append(arrived, row.nodeId, keys)
        if (row.nodeId === measureNode) for (const key of keys) reached.set(key, Math.max(reached.get(key) ?? row.at, row.at))
      }
      else if (row.kind === 'held' && row.output !== null) {
        const byChannel = held.get(row.nodeId) ?? new Map<Channel, number[]>()
        append(byChannel, row.output as Channel, unpackKeys(row.keys))
        held.set(row.nodeId, byChannel)
      } else if (row.kind === 'route' && row.nodeId === anchorNode) {
        for (const key of unpackKeys(row.keys)) passed.set(key, Math.max(passed.get(key) ?? row.at, row.at))
      }
    }
    if (rows.length < PAGE) break
    afterId = (rows.at(-1) as { id: number }).id
  }
  return { arrived, held, passed, reached }
}

function append<K>(map: Map<K, number[]>, key: K, keys: readonly number[]): void {
  const list = map.get(key)
  if (list) for (const k of keys) list.push(k)
  else map.set(key, [...keys])
}

interface SendCounts {
  sent: number
  delivered: number
  customers: Set<number>
}

/** Send intents of the run per node and per channel: intents, delivered ones, distinct customers. */
async function readOutbox(store: EngineTables, runId: string) {
  const byNode = new Map<string, SendCounts>()
  const byChannel = new Map<Channel, SendCounts>()
  const total = { sent: 0, delivered: 0 }
  const add = <K>(map: Map<K, SendCounts>, key: K, customer: number, delivered: boolean) => {
    const counts = map.get(key) ?? { sent: 0, delivered: 0, customers: new Set<number>() }
    counts.sent++
    if (delivered) counts.delivered++
    counts.customers.add(customer)
    map.set(key, counts)
  }
  let afterId = 0
  for (;;) {
    const rows = await store.listOutbox({ runId, afterId, limit: PAGE })
    for (const row of rows) {
      const delivered = row.state === 'sent'
      add(byNode, row.nodeId, row.customerKey, delivered)
      add(byChannel, row.channel, row.customerKey, delivered)
      total.sent++
      if (delivered) total.delivered++
    }
    if (rows.length < PAGE) break
    afterId = (rows.at(-1) as { id: number }).id
  }
  return { byNode, byChannel, total }
}

function emptyArm(): ArmFigures {
  return { customers: 0, converted: 0, rate: 0, revenue: 0, opened: 0, clicked: 0 }
}

function withUplift(treated: Comparison['treated'], holdout: Comparison['holdout']): Comparison {
  treated.rate = rate(treated)
  holdout.rate = rate(holdout)
  treated.revenue = round2(treated.revenue)
  holdout.revenue = round2(holdout.revenue)
  return { treated, holdout, uplift: uplift(treated, holdout) }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

/** A comparison from SQL groups (treated and holdout rows of one segment, or of everyone). */
function fromGroups(groups: readonly GoalGroup[]): Comparison {
  const arms = { treated: { ...emptyArm(), open: 0 }, holdout: { ...emptyArm(), open: 0 } }
  for (const group of groups) {
    const arm = group.holdout ? arms.holdout : arms.treated
    arm.customers += group.customers
    arm.converted += group.converted
    arm.revenue += group.revenue
    arm.opened += group.engaged[0] ?? 0
    arm.clicked += group.engaged[1] ?? 0
    arm.open += group.open
  }
  return withUplift(arms.treated, arms.holdout)
}

/** Compares any set of customer keys (a node's arrivals, a channel's recipients) from the outcomes SQL returned. */
class KeySets {
  readonly #holdout: Set<number>
  readonly #outcomes: Map<number, GoalOutcome>

  constructor(
    answer: GoalAnswer,
    private readonly measured: ReadonlySet<number> | undefined,
  ) {
    this.#holdout = new Set(answer.holdout)
    this.#outcomes = new Map(answer.outcomes.map((o) => [o.key, o]))
  }

  compare(keys: Iterable<number>): Comparison {
    const treated = emptyArm()
    const holdout = emptyArm()
    const entered = { treated: 0, holdout: 0 }
    for (const key of new Set(keys)) {
      const inHoldout = this.#holdout.has(key)
      if (inHoldout) entered.holdout++
      else entered.treated++
      if (this.measured && !this.measured.has(key)) continue
      const arm = inHoldout ? holdout : treated
      arm.customers++
      const outcome = this.#outcomes.get(key)
      if (!outcome) continue
      if (outcome.converted) arm.converted++
      arm.revenue += outcome.revenue
      if (outcome.engaged[0]) arm.opened++
      if (outcome.engaged[1]) arm.clicked++
    }
    return withUplift({ ...treated, entered: entered.treated }, { ...holdout, entered: entered.holdout })
  }
}
