/**
 * The measure report of a run: how many customers entered, were sent to, opened, clicked and
 * reached the goal, the revenue, and the uplift over the holdout (uplift.ts) — for the whole
 * flow, per node, per channel and per segment (a customer attribute or tag).
 *
 * The goal is the flow's measure node (the first node declaring `measures`, or `options.node`), else its
 * `settings.goal` anchored on entry. Each customer is measured once, on one pass through the
 * flow (measured-pass.ts): with a measure node, the pass in which they first reached it (treated
 * and held out alike: the holdout passes every node, only its sends are withheld, so selection
 * before it is the same for both groups); with `settings.goal`, their first entry. Only closed
 * windows are compared: a window still open at the report's `now` is counted as `open` and left
 * out of customers, conversions and uplift, since its conversions are not all in yet.
 * Conversions are computed in SQL on the store (`measureGoal`: the measured customers and their
 * anchor times joined to their events), with the flow and segment totals aggregated there too.
 * The node and channel breakdowns need to know who arrived where and whose send was held back on
 * which channel, in the measured pass: that is in the journal's packed keys, decoded here once
 * per report, and the outbox; only customers with an outcome or an open window come back from
 * SQL one by one.
 */
import { NotFoundError, UserError } from '../errors.ts'
import { flowSchema, type Flow } from '../flow/schema.ts'
import { unpackKeys } from '../journal/packed-keys.ts'
import { inPass, readMeasuredPasses, type MeasuredPass } from './measured-pass.ts'
import type { EngineTables, GoalAnswer, GoalGroup, GoalOutcome, GoalQuery } from '../ports/engine-store.ts'
import type { Channel } from '../ports/store.ts'
import { measuredGoals } from '../registry/node-facts.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { MIN_CUSTOMERS, MIN_OUTCOMES, rate, uplift, type NotEnoughData, type Uplift } from './uplift.ts'

const DAY = 86_400_000
const PAGE = 2_000

export interface MeasureReportOptions {
  /** The node types of the flow: the goal is what a node declares it measures (`measures(config)`), never read from a type's config. */
  registry: NodeRegistry
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
  /** Measured customers whose window has closed (the ones compared). */
  customers: number
  converted: number
  /** converted / customers (0 for none). */
  rate: number
  revenue: number
  opened: number
  clicked: number
  /** Measured customers whose window is still open at the report's `now`, not in the other figures (flow and segment rows only). */
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
  ci95: 'Newcombe hybrid score: uplift − √((p1−l1)² + (u2−p2)²) to uplift + √((u1−p1)² + (p2−l2)²), [li, ui] the 95 % Wilson score interval of each rate',
  pValue: 'two-sided pooled two-proportion z-test: 2·(1 − Φ(|z|)), z = uplift / √(p(1−p)(1/n1 + 1/n2)), p = pooled rate',
  minimum: `not enough data below ${MIN_CUSTOMERS} customers in either group, or ${MIN_OUTCOMES} expected conversions or non-conversions in either group at the pooled rate`,
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
  // Who is measured, on which pass, and from when (see measured-pass.ts).
  const passes = await readMeasuredPasses(store, runId, { entryNodes: entryNodes(flow), ...(measureNode === undefined ? {} : { measureNode }), anchor: goal.anchor })
  const opens = options.opens ?? 'email_open'
  const clicks = options.clicks ?? 'email_click'
  const query: GoalQuery = {
    event: goal.event,
    ...(goal.where ? { where: goal.where } : {}),
    withinMs: goal.withinDays * DAY,
    now: options.now,
    revenue: goal.revenue,
    engagement: [opens, clicks],
    anchors: [...passes].map(([key, pass]) => ({ key, at: pass.anchor })),
  }
  const answer = await store.measureGoal(runId, query)
  const by = options.by ?? options.byTag
  const segmented = by === undefined ? undefined : await store.measureGoal(runId, { ...query, by: options.by !== undefined ? { attribute: options.by } : { tag: by } })

  const journal = await readJournalSets(store, runId, passes)
  const outbox = await readOutbox(store, runId, passes)
  const sets = new KeySets(answer, passes)

  const overall = fromGroups(answer.groups)
  overall.treated.sent = outbox.total.sent
  overall.treated.delivered = outbox.total.delivered
  overall.holdout.held = journal.heldTotal

  const nodes: Record<string, Comparison> = {}
  for (const node of journeyOrder(flow)) {
    const arrivals = journal.arrived.get(node.id)
    const comparison = sets.compare(arrivals?.all ?? [], arrivals?.measured ?? [])
    const sent = outbox.byNode.get(node.id)
    if (sent) Object.assign(comparison.treated, { sent: sent.sent, delivered: sent.delivered })
    nodes[node.id] = comparison
  }

  const channels: Partial<Record<Channel, Comparison>> = {}
  for (const channel of [...new Set([...outbox.byChannel.keys(), ...journal.held.keys()])].sort()) {
    const sent = outbox.byChannel.get(channel)
    const held = journal.held.get(channel)
    const comparison = sets.compare([...(sent?.customers ?? []), ...(held?.all ?? [])], [...(sent?.measured ?? []), ...(held?.measured ?? [])])
    comparison.treated.sent = sent?.sent ?? 0
    comparison.treated.delivered = sent?.delivered ?? 0
    comparison.holdout.held = held?.all.length ?? 0
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
  // The goals the flow's nodes declare (measures(config)), on their configs as the engine runs them.
  const measures = measuredGoals(flow, options.registry)
  const node = options.node === undefined ? measures[0] : measures.find((n) => n.nodeId === options.node)
  if (options.node !== undefined && !node) {
    throw new UserError('measure.node', `flow "${flow.id}" has no measure node "${options.node}"${measures.length > 0 ? ` (its measure nodes: ${measures.map((n) => n.nodeId).join(', ')})` : ''}`)
  }
  if (node) {
    const { fact: measured } = node
    return {
      source: `node:${node.nodeId}`, event: measured.event, ...(measured.where ? { where: { ...measured.where } } : {}), withinDays: measured.withinDays,
      anchor: measured.anchor ?? 'entry', revenue: options.revenue ?? measured.revenue ?? 'amount',
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

/** The nodes customers enter the flow at: those no edge leads to (a trigger has no inputs). */
function entryNodes(flow: Flow): string[] {
  const targets = new Set(flow.edges.map((e) => e.to))
  return flow.nodes.filter((n) => !targets.has(n.id)).map((n) => n.id)
}

/** Customer keys of a row: everyone (any pass, measured or not), and the measured customers in their measured pass. */
interface RowKeys {
  all: number[]
  measured: number[]
}

function rowKeys<K>(map: Map<K, RowKeys>, key: K): RowKeys {
  let keys = map.get(key)
  if (!keys) map.set(key, (keys = { all: [], measured: [] }))
  return keys
}

/** Arrivals per node and held sends per channel (the journal's group rows, with their batch times). */
async function readJournalSets(store: EngineTables, runId: string, passes: ReadonlyMap<number, MeasuredPass>) {
  const arrived = new Map<string, RowKeys>()
  const held = new Map<Channel, RowKeys>()
  let heldTotal = 0
  let afterId = 0
  for (;;) {
    // Group rows only: the per-customer detail rows (most of a journal) are not needed here.
    const rows = await store.readJournal(runId, { afterId, limit: PAGE, kinds: ['arrive', 'held'] })
    for (const row of rows) {
      if (row.keys === null || (row.kind === 'held' && row.output === null)) continue
      const keys = unpackKeys(row.keys)
      const target = row.kind === 'arrive' ? rowKeys(arrived, row.nodeId) : rowKeys(held, row.output as Channel)
      if (row.kind === 'held') heldTotal += keys.length
      for (const key of keys) {
        target.all.push(key)
        if (inPass(passes.get(key), row.at)) target.measured.push(key)
      }
    }
    if (rows.length < PAGE) break
    afterId = (rows.at(-1) as { id: number }).id
  }
  return { arrived, held, heldTotal }
}

interface SendCounts {
  sent: number
  delivered: number
  customers: Set<number>
  /** Measured customers sent to in their measured pass. */
  measured: Set<number>
}

/** Send intents of the run per node and per channel: intents, delivered ones, distinct customers. */
async function readOutbox(store: EngineTables, runId: string, passes: ReadonlyMap<number, MeasuredPass>) {
  const byNode = new Map<string, SendCounts>()
  const byChannel = new Map<Channel, SendCounts>()
  const total = { sent: 0, delivered: 0 }
  const add = <K>(map: Map<K, SendCounts>, key: K, customer: number, delivered: boolean, measured: boolean) => {
    const counts = map.get(key) ?? { sent: 0, delivered: 0, customers: new Set<number>(), measured: new Set<number>() }
    counts.sent++
    if (delivered) counts.delivered++
    counts.customers.add(customer)
    if (measured) counts.measured.add(customer)
    map.set(key, counts)
  }
  let afterId = 0
  for (;;) {
    const rows = await store.listOutbox({ runId, afterId, limit: PAGE })
    for (const row of rows) {
      const delivered = row.state === 'sent'
      const measured = inPass(passes.get(row.customerKey), row.createdAt)
      add(byNode, row.nodeId, row.customerKey, delivered, measured)
      add(byChannel, row.channel, row.customerKey, delivered, measured)
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
  readonly #open: Set<number>

  constructor(
    answer: GoalAnswer,
    private readonly passes: ReadonlyMap<number, MeasuredPass>,
  ) {
    this.#holdout = new Set(answer.holdout)
    this.#outcomes = new Map(answer.outcomes.map((o) => [o.key, o]))
    this.#open = new Set(answer.openKeys)
  }

  /** `entered`: everyone of the row (any pass); `measured`: the measured customers of the row, in their measured pass. */
  compare(entered: Iterable<number>, measured: Iterable<number>): Comparison {
    const treated = emptyArm()
    const holdout = emptyArm()
    const counts = { treated: 0, holdout: 0 }
    for (const key of new Set(entered)) {
      if (this.#holdout.has(key)) counts.holdout++
      else counts.treated++
    }
    for (const key of new Set(measured)) {
      // Open windows are not compared (their conversions are not all in yet).
      if (!this.passes.has(key) || this.#open.has(key)) continue
      const arm = this.#holdout.has(key) ? holdout : treated
      arm.customers++
      const outcome = this.#outcomes.get(key)
      if (!outcome) continue
      if (outcome.converted) arm.converted++
      arm.revenue += outcome.revenue
      if (outcome.engaged[0]) arm.opened++
      if (outcome.engaged[1]) arm.clicked++
    }
    return withUplift({ ...treated, entered: counts.treated }, { ...holdout, entered: counts.holdout })
  }
}
