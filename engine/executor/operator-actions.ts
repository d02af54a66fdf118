/**
 * Operators' hands on a run (issue 15, part 7): evict customers (by id or by segment), move
 * customers to another node of the run's version, and re-drive failed or dead-lettered sends.
 * Each action is one transaction (all or nothing), reads and writes customers in batches, and is
 * journalled as a `note` row per node it touched: the customers packed in `keys`, and in `data`
 * the action, its parameters and who did it (`control`, `by`), so the journey trace shows it
 * and replay can take it as a recorded input.
 *
 * What is refused, and why:
 * - any action on an unknown run (404), and evict/move on a run that is completed or cancelled
 *   (nobody is in it); re-drive on a cancelled run (its sends were dead-lettered by the cancel:
 *   re-driving them would contact customers who were taken out).
 * - evict/move of a customer id that is not a customer, or not in the run (no active or errored
 *   position): the whole action is refused, naming them, so an operator's list is never half done.
 * - move to a node that is not in the run's version (the version pins the graph), or to its
 *   trigger (customers enter through it: moving someone there would enter them twice).
 * - re-drive of a dead send whose fallback channel already took over (that would contact the
 *   customer twice): it is left as it is and counted apart.
 */
import { NotFoundError, UserError } from '../errors.ts'
import { packKeys } from '../journal/packed-keys.ts'
import type { CustomerRef, EngineStore, JournalRow, OutboxRow, OutboxUpdate, PositionRow, RunRow } from '../ports/engine-store.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import type { Segment } from '../segment/schema.ts'
import { loadRunRuntime } from './run-runtime.ts'

/** Who did it: the API's user (or token) and role, or the CLI's OS user (or `--as`). */
export interface Operator {
  name: string
  /** The role the action was allowed under (`cli` from the command line, which acts on the store directly). */
  role: string
}

export interface OperatorEnv {
  store: EngineStore
  registry: NodeRegistry
  now(): number
}

/** Whom an action is for: external customer ids, or everyone of the run a segment matches now. */
export type CustomerSelection = { customers: readonly string[] } | { segment: Segment }

export interface EvictResult {
  runId: string
  /** Customers taken out of the run, per node they were at. */
  evicted: number
  byNode: Record<string, number>
  /** Their sends still waiting in the outbox, dead-lettered (as a cancel does), so nobody out of the run is contacted. */
  sendsStopped: number
}

export interface MoveResult {
  runId: string
  toNode: string
  moved: number
  /** Where the moved customers were, per node. */
  fromNodes: Record<string, number>
}

export interface RedriveResult {
  runId: string
  /** Sends made due again now. */
  redriven: number
  /** Dead sends left as they are because their fallback channel already took over. */
  skippedFallenBack: number
}

const PAGE = 5_000
/** Positions an operator can act on: customers still in the run. */
const IN_RUN: readonly PositionRow['state'][] = ['active', 'error']
const FINISHED_RUN: readonly RunRow['state'][] = ['completed', 'cancelled']

/** Takes the selected customers out of the run: their positions become `cancelled` and their pending sends are dead-lettered; nothing more happens to them in it. */
export async function evictCustomers(env: OperatorEnv, runId: string, selection: CustomerSelection, by: Operator): Promise<EvictResult> {
  const now = env.now()
  return env.store.transaction(async (tx) => {
    const run = await requireLiveRun(tx, runId, 'evict customers from')
    const positions = await selectedPositions(tx, run, selection, now)
    const evicted = positions.map((p) => ({ ...p, state: 'cancelled' as const, dueAt: null, wakeType: null, wakeWhere: null, updatedAt: now }))
    await tx.writePositions(evicted)
    const sendsStopped = await stopPendingSends(tx, run.id, new Set(positions.map((p) => p.customerKey)), `evicted by ${by.name}`)
    const byNode = countByNode(positions)
    await journal(tx, run.id, now, groupKeys(positions), (nodeId, count) => ({ message: `${count} customer(s) evicted by ${by.name} (${by.role})`, control: 'evict', by, ...('segment' in selection ? { segment: selection.segment } : {}) }))
    return { runId: run.id, evicted: positions.length, byNode, sendsStopped }
  })
}

/**
 * Moves the selected customers to `toNode` of the run's version: they arrive there now, as if an
 * edge had led them (a fresh arrival, no wake-up pending, attempts reset, errors cleared).
 */
export async function moveCustomers(env: OperatorEnv, runId: string, selection: CustomerSelection, toNode: string, by: Operator): Promise<MoveResult> {
  const now = env.now()
  return env.store.transaction(async (tx) => {
    const run = await requireLiveRun(tx, runId, 'move customers in')
    const { compiled } = await loadRunRuntime(tx, env.registry, run)
    if (!compiled.nodes.has(toNode)) {
      throw new UserError('control.move-target', `cannot move customers of run "${run.id}" to node "${toNode}": version ${run.flowVersion} of flow "${run.flowId}" has no such node (its nodes: ${[...compiled.nodes.keys()].sort().join(', ')})`)
    }
    if (toNode === compiled.triggerId) {
      throw new UserError('control.move-target', `cannot move customers of run "${run.id}" to node "${toNode}": it is the flow's trigger, where customers enter; moving them there would enter them twice`)
    }
    const positions = await selectedPositions(tx, run, selection, now)
    const moved: PositionRow[] = positions.map((p) => ({
      ...p, nodeId: toNode, state: 'active', dueAt: now, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0, seq: p.seq + 1,
      arrivedAt: now, lastOutput: null, error: null, updatedAt: now,
    }))
    await tx.writePositions(moved)
    await journal(tx, run.id, now, groupKeys(positions), (nodeId, count) => ({ message: `${count} customer(s) moved from "${nodeId}" to "${toNode}" by ${by.name} (${by.role})`, control: 'move', to: toNode, by }))
    return { runId: run.id, toNode, moved: positions.length, fromNodes: countByNode(positions) }
  })
}

/**
 * Makes the run's dead-lettered sends, and those failing and waiting for a retry, due again now
 * with a fresh attempt count; optionally only those of some customers.
 */
export async function redriveSends(env: OperatorEnv, runId: string, options: { customers?: readonly string[] }, by: Operator): Promise<RedriveResult> {
  const now = env.now()
  return env.store.transaction(async (tx) => {
    const run = await tx.getRun(runId)
    if (!run) throw new NotFoundError('run', runId)
    if (run.state === 'cancelled') throw new UserError('run.conflict', `cannot re-drive sends of run "${run.id}": it was cancelled, which dead-lettered its sends; re-driving them would contact customers who were taken out`)
    const only = options.customers === undefined ? undefined : new Set((await knownCustomers(tx, options.customers)).map((c) => c.key))
    const failed: OutboxRow[] = []
    const fallenBack = new Set<string>()
    for (let afterId = 0; ;) {
      const page = await tx.listOutbox({ runId: run.id, afterId, limit: PAGE })
      for (const row of page) {
        // A fallback intent's key is its dead parent's key, '>', and the channel.
        const parent = row.key.lastIndexOf('>')
        if (parent > 0) fallenBack.add(row.key.slice(0, parent))
        if (only && !only.has(row.customerKey)) continue
        if (row.state === 'dead' || (row.state === 'pending' && row.attempts > 0)) failed.push(row)
      }
      if (page.length < PAGE) break
      afterId = (page.at(-1) as OutboxRow).id
    }
    const redo = failed.filter((row) => !(row.state === 'dead' && fallenBack.has(row.key)))
    const updates: OutboxUpdate[] = redo.map((row) => ({ id: row.id, state: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, sentAt: null }))
    await tx.updateOutbox(updates)
    const byNode = new Map<string, number[]>()
    for (const row of redo) addTo(byNode, row.nodeId, row.customerKey)
    const sendsAt = countBy(redo.map((row) => row.nodeId))
    await journal(tx, run.id, now, byNode, (nodeId, count) => ({ message: `${sendsAt[nodeId] ?? 0} send(s) of ${count} customer(s) re-driven by ${by.name} (${by.role})`, control: 'redrive', sends: sendsAt[nodeId] ?? 0, by }))
    return { runId: run.id, redriven: redo.length, skippedFallenBack: failed.length - redo.length }
  })
}

/** Dead-letters the run's pending sends to these customers; returns how many. */
async function stopPendingSends(tx: EngineStore, runId: string, keys: ReadonlySet<number>, reason: string): Promise<number> {
  if (keys.size === 0) return 0
  const updates: OutboxUpdate[] = []
  for (let afterId = 0; ;) {
    const page = await tx.listOutbox({ runId, afterId, limit: PAGE })
    for (const row of page) {
      if (row.state === 'pending' && keys.has(row.customerKey)) updates.push({ id: row.id, state: 'dead', attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, lastError: reason, sentAt: null })
    }
    if (page.length < PAGE) break
    afterId = (page.at(-1) as OutboxRow).id
  }
  await tx.updateOutbox(updates)
  return updates.length
}

async function requireLiveRun(tx: EngineStore, runId: string, what: string): Promise<RunRow> {
  const run = await tx.getRun(runId)
  if (!run) throw new NotFoundError('run', runId)
  if (FINISHED_RUN.includes(run.state)) throw new UserError('run.conflict', `cannot ${what} run "${run.id}": it is ${run.state}, nobody is in it any more`)
  return run
}

/** The customers with these ids; every unknown id is named. */
async function knownCustomers(tx: EngineStore, ids: readonly string[]): Promise<CustomerRef[]> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) throw new UserError('control.customers', 'no customers given: name at least one customer id, or a segment')
  const found: CustomerRef[] = []
  for (let i = 0; i < unique.length; i += PAGE) found.push(...(await tx.customersByIds(unique.slice(i, i + PAGE))))
  if (found.length < unique.length) {
    const known = new Set(found.map((c) => c.id))
    const unknown = unique.filter((id) => !known.has(id))
    throw new UserError('control.customers', `${unknown.length} of the given ids are not customers: ${listed(unknown)}`)
  }
  return found
}

/**
 * The positions in the run (active or errored) of the selection. Named customers must all be
 * in it, or the action is refused naming those who are not; a segment takes whoever of the run
 * it matches now.
 */
async function selectedPositions(tx: EngineStore, run: RunRow, selection: CustomerSelection, now: number): Promise<PositionRow[]> {
  let refs: CustomerRef[] | undefined
  let keys: number[]
  if ('customers' in selection) {
    refs = await knownCustomers(tx, selection.customers)
    keys = refs.map((c) => c.key)
  } else {
    keys = [...(await tx.customers.matchSegment(selection.segment, { now }))].sort((a, b) => a - b)
  }
  const positions: PositionRow[] = []
  for (let i = 0; i < keys.length; i += PAGE) {
    for (const p of await tx.getPositions(run.id, keys.slice(i, i + PAGE))) if (IN_RUN.includes(p.state)) positions.push(p)
  }
  if (refs && positions.length < refs.length) {
    const inRun = new Set(positions.map((p) => p.customerKey))
    const outside = refs.filter((c) => !inRun.has(c.key)).map((c) => c.id)
    throw new UserError('control.customers', `${outside.length} of the given customers are not in run "${run.id}" (never entered, finished or already taken out): ${listed(outside)}`)
  }
  return positions
}

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, 10).map((id) => `"${id}"`).join(', ')
  return ids.length > 10 ? `${shown} and ${ids.length - 10} more` : shown
}

function countBy(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1
  return counts
}

function countByNode(positions: readonly PositionRow[]): Record<string, number> {
  return countBy(positions.map((p) => p.nodeId))
}

function addTo(groups: Map<string, number[]>, nodeId: string, key: number): void {
  const keys = groups.get(nodeId)
  if (keys) keys.push(key)
  else groups.set(nodeId, [key])
}

function groupKeys(positions: readonly PositionRow[]): Map<string, number[]> {
  const groups = new Map<string, number[]>()
  for (const p of positions) addTo(groups, p.nodeId, p.customerKey)
  return groups
}

/** One `note` row per node: the customers packed, the action and who did it in `data`, after the run's last batch. */
async function journal(tx: EngineStore, runId: string, now: number, groups: ReadonlyMap<string, number[]>, describe: (nodeId: string, count: number) => Record<string, unknown> & { message: string }): Promise<void> {
  if (groups.size === 0) return
  const batch = (await tx.lastBatch(runId)) + 1
  const rows: JournalRow[] = [...groups].map(([nodeId, keys]) => {
    const sorted = [...new Set(keys)].sort((a, b) => a - b)
    const { message, ...data } = describe(nodeId, sorted.length)
    return { runId, batch, nodeId, kind: 'note', output: null, at: now, count: sorted.length, keys: packKeys(sorted), customerKey: null, data: JSON.stringify({ message, level: 'info', data }) }
  })
  await tx.appendJournal(rows)
}
