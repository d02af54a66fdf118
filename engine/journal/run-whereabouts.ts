/**
 * "Where is everyone" in a run, as an operator asks it: per node, how many customers are waiting
 * and until when (earliest and latest due, a histogram by UTC day), held (parked at a
 * contact-policy gate: deferred by a cap, quiet hours, capacity or priority), errored (with the
 * messages grouped), done (per last output) and cancelled; and the customers at a node, paged,
 * each with why they are there. One implementation for `sluice runs show|customers`, the API's
 * `GET /api/runs/{id}/whereabouts` and `/customers`, and the editor's run view.
 *
 * Counts are grouped SQL over the run's positions (store/positions `whereabouts`), never a row per
 * customer. A page's reasons read only the journal's park details journalled when its parked
 * customers were parked (`parkDetails`), worded by the node type's `explain` as the journey trace
 * words them (journey-trace.ts `explainStep`).
 */
import type { CompiledFlow } from '../compiler/compile-flow.ts'
import { NotFoundError } from '../errors.ts'
import { readRunOptions } from '../executor/run-options.ts'
import type { EngineStore, PositionRow, RunRow, Whereabout, WhereaboutsFilter, WhereaboutsGroup } from '../ports/engine-store.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { policyGates } from '../registry/node-facts.ts'
import { readDetails } from './batch-journal.ts'
import { compiledVersion, explainStep } from './journey-trace.ts'

export const WHEREABOUTS = ['waiting', 'held', 'error', 'done', 'cancelled'] as const satisfies readonly Whereabout[]

/** Day buckets a node's histogram shows; customers due later are summed in `later`. */
export const HISTOGRAM_DAYS = 14

const DAY_MS = 86_400_000

/** Customers due, per UTC day. */
export interface DueDay {
  /** YYYY-MM-DD (UTC). */
  day: string
  count: number
}

/** Active customers (waiting or held) of a node and when they are due. */
export interface DueSummary {
  count: number
  /** Of them, waiting for an event as well as a time (the due time is the timeout). */
  forEvent: number
  earliestDue: string | null
  latestDue: string | null
  /** The first HISTOGRAM_DAYS days with customers due, in order. */
  byDay: DueDay[]
  /** Customers due after the last day of `byDay`. */
  later: number
}

export interface NodeWhereabouts {
  nodeId: string
  /** The node's type and title as the run's pinned flow version has them; null when it is not in it. */
  nodeType: string | null
  nodeTitle: string | null
  /** Whether the node is a contact-policy gate (its parked customers are held). */
  gate: boolean
  waiting: DueSummary
  held: DueSummary
  error: { count: number; messages: { message: string; count: number }[] }
  done: { count: number; byOutput: Record<string, number> }
  cancelled: number
}

export interface RunWhereabouts {
  runId: string
  flowId: string
  flowVersion: number
  runState: RunRow['state']
  totals: Record<Whereabout, number>
  /** Nodes with customers, in the flow's node order (nodes no longer in the flow last). */
  nodes: NodeWhereabouts[]
}

/** A customer of a run and why they are where they are. */
export interface WhereaboutsCustomer {
  customerId: string
  customerKey: number
  nodeId: string
  whereabout: Whereabout
  /** Waiting and held: when the node takes them up again. */
  dueAt: string | null
  /** Waiting for this event type (with `dueAt` as the timeout). */
  waitingFor: string | null
  holdout: boolean
  enteredAt: string
  arrivedAt: string
  lastOutput: string | null
  error: string | null
  /** Why they are there, in words. */
  reason: string
  /** The reason code the node journalled when it parked them, when it gave one (e.g. `cap:sms:week`). */
  reasonCode: string | null
}

export interface WhereaboutsPage {
  customers: WhereaboutsCustomer[]
  /** Cursor for the next page (`afterKey`), null on the last. */
  next: number | null
}

export interface WhereaboutsEnv {
  store: EngineStore
  registry: NodeRegistry
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const dayText = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

interface RunContext {
  run: RunRow
  compiled: CompiledFlow | undefined
  gates: string[]
}

async function runContext(env: WhereaboutsEnv, runId: string): Promise<RunContext> {
  const run = await env.store.getRun(runId)
  if (!run) throw new NotFoundError('run', runId)
  const compiled = await compiledVersion(env, run)
  // The gates stored with the run at publish; runs stored before them: the pinned version's.
  const stored = readRunOptions(run.options).gates
  const gates = (stored ?? (compiled ? policyGates(compiled.flow, env.registry) : [])).map((g) => g.nodeId)
  return { run, compiled, gates }
}

function emptyDue(): DueSummary {
  return { count: 0, forEvent: 0, earliestDue: null, latestDue: null, byDay: [], later: 0 }
}

function addDue(summary: DueSummary, group: WhereaboutsGroup): void {
  summary.count += group.count
  summary.forEvent += group.forEvent
  // Groups come in due-day order, so the first bounds the earliest and the last the latest.
  if (summary.earliestDue === null) summary.earliestDue = iso(group.earliestDue)
  summary.latestDue = iso(group.latestDue)
  if (group.dueDay === null) return
  if (summary.byDay.length < HISTOGRAM_DAYS) summary.byDay.push({ day: dayText(group.dueDay), count: group.count })
  else summary.later += group.count
}

/** Per node of the run: waiting (until when), held, errored (messages grouped), done (per output) and cancelled. */
export async function runWhereabouts(env: WhereaboutsEnv, runId: string): Promise<RunWhereabouts> {
  const { run, compiled, gates } = await runContext(env, runId)
  const [groups, errors] = await Promise.all([env.store.whereabouts(run.id, gates), env.store.positionErrors(run.id)])
  const gateSet = new Set(gates)
  const byNode = new Map<string, NodeWhereabouts>()
  const nodeOf = (nodeId: string): NodeWhereabouts => {
    let node = byNode.get(nodeId)
    if (!node) {
      const compiledNode = compiled?.nodes.get(nodeId)
      const flowNode = compiled?.flow.nodes.find((n) => n.id === nodeId)
      node = {
        nodeId, nodeType: compiledNode?.definition.type ?? flowNode?.type ?? null, nodeTitle: flowNode?.title ?? compiledNode?.definition.title ?? null,
        gate: gateSet.has(nodeId), waiting: emptyDue(), held: emptyDue(), error: { count: 0, messages: [] }, done: { count: 0, byOutput: {} }, cancelled: 0,
      }
      byNode.set(nodeId, node)
    }
    return node
  }
  const totals: Record<Whereabout, number> = { waiting: 0, held: 0, error: 0, done: 0, cancelled: 0 }
  for (const group of groups) {
    const node = nodeOf(group.nodeId)
    totals[group.whereabout] += group.count
    switch (group.whereabout) {
      case 'waiting':
      case 'held':
        addDue(node[group.whereabout], group)
        break
      case 'error':
        node.error.count += group.count
        break
      case 'done':
        node.done.count += group.count
        node.done.byOutput[group.lastOutput ?? ''] = (node.done.byOutput[group.lastOutput ?? ''] ?? 0) + group.count
        break
      case 'cancelled':
        node.cancelled += group.count
        break
    }
  }
  for (const e of errors) nodeOf(e.nodeId).error.messages.push({ message: e.message, count: e.count })
  const order = new Map((compiled?.flow.nodes ?? []).map((n, i) => [n.id, i]))
  const nodes = [...byNode.values()].sort((a, b) => (order.get(a.nodeId) ?? Infinity) - (order.get(b.nodeId) ?? Infinity) || a.nodeId.localeCompare(b.nodeId))
  return { runId: run.id, flowId: run.flowId, flowVersion: run.flowVersion, runState: run.state, totals, nodes }
}

/** Customers of the run at a node and/or by whereabout, in customer-key order after `afterKey`, each with the reason they are there. */
export async function whereaboutsCustomers(
  env: WhereaboutsEnv,
  runId: string,
  filter: Omit<WhereaboutsFilter, 'gates'>,
): Promise<WhereaboutsPage> {
  const { run, compiled, gates } = await runContext(env, runId)
  const rows = await env.store.whereaboutsPage(run.id, { ...filter, gates })
  const parkReasons = await parkDetailsOf(env.store, run.id, rows)
  const customers = rows.map((row): WhereaboutsCustomer => {
    const detail = row.phase === 'parked' && row.state === 'active' ? parkReasons.get(row.customerKey) : undefined
    return {
      customerId: row.customerId, customerKey: row.customerKey, nodeId: row.nodeId, whereabout: row.whereabout,
      dueAt: row.state === 'active' ? iso(row.dueAt) : null, waitingFor: row.state === 'active' ? row.wakeType : null, holdout: row.holdout,
      enteredAt: iso(row.enteredAt) as string, arrivedAt: iso(row.arrivedAt) as string, lastOutput: row.lastOutput, error: row.error,
      reason: reasonOf(row, compiled, detail), reasonCode: detail?.reason ?? null,
    }
  })
  return { customers, next: rows.length === filter.limit ? (rows.at(-1)?.customerKey ?? null) : null }
}

type ParkDetail = { reason?: string; values?: Record<string, unknown> }

/** The journalled reasons of the page's parked customers: one read per node, of the park details written when they were parked. */
async function parkDetailsOf(store: EngineStore, runId: string, rows: readonly PositionRow[]): Promise<Map<number, ParkDetail>> {
  const parkedAt = new Map<string, { ats: number[]; keys: Set<string> }>()
  for (const row of rows) {
    if (row.state !== 'active' || row.phase !== 'parked') continue
    let node = parkedAt.get(row.nodeId)
    if (!node) parkedAt.set(row.nodeId, (node = { ats: [], keys: new Set() }))
    node.ats.push(row.updatedAt)
    node.keys.add(`${row.customerKey}@${row.updatedAt}`)
  }
  const found = new Map<number, ParkDetail>()
  await Promise.all([...parkedAt].map(async ([nodeId, { ats, keys }]) => {
    for (const d of readDetails(await store.parkDetails(runId, nodeId, ats))) {
      if (keys.has(`${d.customerKey}@${d.at}`)) found.set(d.customerKey, d.detail)
    }
  }))
  return found
}

function reasonOf(row: PositionRow & { customerId: string; whereabout: Whereabout }, compiled: CompiledFlow | undefined, detail: ParkDetail | undefined): string {
  const node = compiled?.nodes.get(row.nodeId)
  const due = iso(row.dueAt) ?? ''
  switch (row.whereabout) {
    case 'held': {
      const why = explainStep(node, row.customerId, row.updatedAt, null, detail)
      return `${why} (next check ${due})`
    }
    case 'waiting': {
      // Parked: the node holds them (an event wait, a deferral of a node that is no gate). Arriving
      // later: a wait upstream routed them here at that time. Woken: an event came, due now.
      const until = row.phase === 'parked'
        ? `waiting here until ${due}${row.wakeType === null ? '' : ` unless "${row.wakeType}" happens first`}`
        : row.phase === 'woken' ? `woken by an event, taken up at ${due}` : `waiting until ${due}, then taken up here`
      return `${until}${detail ? `: ${explainStep(node, row.customerId, row.updatedAt, null, detail)}` : ''}`
    }
    case 'error':
      return `the node failed: ${row.error ?? 'no message'}`
    case 'done':
      return row.lastOutput === null ? 'finished the journey' : `finished the journey on "${row.lastOutput}"`
    case 'cancelled':
      return 'left the run (cancelled or evicted)'
  }
}
