/**
 * Exact replay of a run (issue 15, part 4): every recorded batch (batch-inputs.ts), in batch
 * order, is planned again by the executor's own loop (engine/executor/move-batch.ts
 * `planBatch`) — the node code of the run's flow version as the registry has it now, on the
 * recorded travellers, at the recorded `now`, with ctx.data answering only what the run read
 * (recorded-inputs.ts) — and every decision is compared with what the run wrote:
 * - per customer and node, from the journal: arrived, the output taken (or parked, failed,
 *   held), the reason and values;
 * - per customer, from the record: the position the batch left them at (node, state, due time,
 *   visit, attempts, wake-up);
 * - per send, from the outbox: the intent's key, node, channel, message and offer;
 * - per node, its log lines.
 * Nothing is sent and nothing is written: replay reads the store (run, flow version, journal,
 * recorded inputs, outbox) and works in memory. Operators' evictions and moves are inputs, not
 * decisions: their journal notes are counted and skipped, and what they did reaches the replay
 * as the positions later batches picked up.
 *
 * The first difference is reported: which batch, node, customer, the recorded and the replayed
 * value, and whether the CODE differs (same inputs, another decision) or the INPUT does (the
 * node asked ctx.data something the run never asked: UnrecordedReadError).
 */
import { compileFlow, type CompiledFlow } from '../compiler/compile-flow.ts'
import { NotFoundError, UserError } from '../errors.ts'
import { planBatch } from '../executor/move-batch.ts'
import { InstantLoopGuard } from '../executor/instant-loop-guard.ts'
import { readRunOptions } from '../executor/run-options.ts'
import type { RunRuntime } from '../executor/run-runtime.ts'
import { flowSchema, type Flow } from '../flow/schema.ts'
import { readDetails } from '../journal/batch-journal.ts'
import { unpackKeys } from '../journal/packed-keys.ts'
import type { EngineTables, JournalRow, OutboxIntent, OutboxRow, PositionRow, RunRow, StoredJournalRow } from '../ports/engine-store.ts'
import type { NodeDataPort } from '../ports/node-data.ts'
import type { WritePlan } from '../planner/plan-step.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import type { CohortMember, NodeSecrets } from '../sdk/types.ts'
import { decodeBatchInputs, type BatchInputs } from './batch-inputs.ts'
import { replayingNodeData, UnrecordedReadError } from './recorded-inputs.ts'

/** What replay reads: never writes. A store, or a fixture file's rows (test/fixtures/replay). */
export type ReplaySource = Pick<EngineTables, 'getRun' | 'getFlowVersion' | 'readJournal' | 'readRunInputs' | 'listOutbox'>

export interface ReplayEnv {
  source: ReplaySource
  registry: NodeRegistry
  /** Secrets handed to nodes as ctx.secrets (never recorded). */
  secrets?: NodeSecrets
  /** A monotonic clock in ms for the summary's time (the CLI passes performance.now); absent: 0. */
  elapsed?: () => number
}

export interface ReplayOptions {
  /** Run the recorded inputs through this flow instead of the run's pinned version (the counterfactual's hook). */
  flow?: Flow
}

export interface ReplaySummary {
  runId: string
  flowId: string
  flowVersion: number
  /** Batches replayed, and batches whose decisions the journal holds but no record does (recorded with recording off, or erased). */
  batches: number
  unrecordedBatches: number
  /** Customers picked up by the replayed batches (a customer counts once per batch). */
  customers: number
  nodeRuns: number
  /** Per-customer decisions compared (one per customer and node passed), positions and sends compared. */
  decisions: number
  positions: number
  sends: number
  /** Operators' actions (evict, move, re-drive) found in the journal and taken as inputs. */
  operatorActions: number
  ms: number
}

/** What was compared where the replay first differs. */
export type DivergenceField = 'read' | 'decision' | 'position' | 'send' | 'log'

export interface ReplayDivergence {
  /** `code`: the same inputs gave another decision. `input`: the node asked for data the run never read. */
  kind: 'code' | 'input'
  batch: number
  /** The batch's time, ISO. */
  at: string
  nodeId: string
  customerKey: number | null
  customerId: string | null
  field: DivergenceField
  recorded: unknown
  replayed: unknown
  message: string
}

export type ReplayResult = { identical: true; summary: ReplaySummary } | { identical: false; summary: ReplaySummary; divergence: ReplayDivergence }

/** One replayed batch: its record, what the replay planned, and what the run journalled for it. */
export interface ReplayedBatch {
  inputs: BatchInputs
  plan: WritePlan
  nodeRuns: number
  /** Nodes in the order the batch ran them. */
  order: string[]
  /** The node's question that was never recorded, if one was asked (the first). */
  unrecorded?: { error: UnrecordedReadError; members: readonly CohortMember[] }
  /** The run's journal rows of this batch, operators' notes left out. */
  journal: StoredJournalRow[]
  /** The flow the batch was replayed through. */
  compiled: CompiledFlow
}

/** Recorded batches read at a time: a 5,000-customer batch's record is a few hundred KB. */
const PAGE = 20

/** Replays run `runId` exactly and compares it with what the run did (see the file comment). */
export async function replayRun(env: ReplayEnv, runId: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const started = env.elapsed?.() ?? 0
  const context = await loadReplay(env, runId, options)
  const summary: ReplaySummary = {
    runId, flowId: context.run.flowId, flowVersion: context.compiled.flow.version, batches: 0, unrecordedBatches: 0, customers: 0, nodeRuns: 0,
    decisions: 0, positions: 0, sends: 0, operatorActions: context.operatorActions, ms: 0,
  }
  const finish = (divergence?: ReplayDivergence): ReplayResult => {
    summary.ms = Math.round((env.elapsed?.() ?? 0) - started)
    return divergence ? { identical: false, summary, divergence } : { identical: true, summary }
  }
  const outbox = new OutboxStream(env.source, runId)
  for await (const batch of replayedBatches(env, context)) {
    summary.batches++
    summary.customers += batch.inputs.travellers.length
    summary.nodeRuns += batch.nodeRuns
    const divergence = compareBatch(batch, await outbox.sendsOf(batch.inputs, new Set(batch.plan.outbox.map((i) => i.key))), summary)
    if (divergence) return finish(divergence)
  }
  summary.unrecordedBatches = [...context.journalBatches.keys()].filter((b) => !context.recordedBatches.has(b)).length
  return finish()
}

/** A run loaded for replay: its row, the compiled flow and its journal by batch (group rows: small by design). */
export interface ReplayContext {
  run: RunRow
  compiled: CompiledFlow
  runtime: RunRuntime
  journalBatches: Map<number, StoredJournalRow[]>
  recordedBatches: Set<number>
  operatorActions: number
}

/** Reads what replaying `runId` needs; a run without a single recorded batch is a UserError. */
export async function loadReplay(env: ReplayEnv, runId: string, options: ReplayOptions = {}): Promise<ReplayContext> {
  const run = await env.source.getRun(runId)
  if (!run) throw new NotFoundError('run', runId)
  let flow = options.flow
  if (!flow) {
    const version = await env.source.getFlowVersion(run.flowId, run.flowVersion)
    if (!version) throw new UserError('replay.flow-version', `run "${run.id}" pins version ${run.flowVersion} of flow "${run.flowId}", which is not published`)
    flow = flowSchema.parse(JSON.parse(version.definition))
  }
  const compiled = compileFlow(flow, env.registry)
  const { options: runOptions } = readRunOptions(run.options)
  const loopGuard = new InstantLoopGuard([...compiled.nodes.keys()], compiled.flow.edges)
  const runtime: RunRuntime = { run, compiled, options: runOptions, loopGuard, nextBatch: () => { throw new Error('replay numbers batches from the record') } }

  const journalBatches = new Map<number, StoredJournalRow[]>()
  let operatorActions = 0
  for (let afterId = 0; ; ) {
    const page = await env.source.readJournal(runId, { afterId, limit: 5_000 })
    if (page.length === 0) break
    afterId = (page.at(-1) as StoredJournalRow).id
    for (const row of page) {
      if (isOperatorNote(row)) {
        operatorActions++
        continue
      }
      const rows = journalBatches.get(row.batch)
      if (rows) rows.push(row)
      else journalBatches.set(row.batch, [row])
    }
  }
  // A batch of notes only (a skipped schedule fire, a failed entry) made no decision to replay.
  for (const [batch, rows] of journalBatches) if (rows.every((r) => r.kind === 'note')) journalBatches.delete(batch)

  // A run that decided nothing yet replays identical with no batch; one that did, without a record, cannot be replayed.
  const first = await env.source.readRunInputs(runId, { limit: 1 })
  if (first.length === 0 && journalBatches.size > 0) {
    throw new UserError('replay.unrecorded', `run "${run.id}" has no recorded inputs: it ran before inputs were recorded or with recording off (recordInputs: false), so it cannot be replayed`)
  }
  return { run, compiled, runtime, journalBatches, recordedBatches: new Set(), operatorActions }
}

/** Each recorded batch of the run planned again, in batch order, with the run's journal of it. */
export async function* replayedBatches(env: ReplayEnv, context: ReplayContext): AsyncGenerator<ReplayedBatch> {
  const { runtime } = context
  for (let afterBatch = 0; ; ) {
    const rows = await env.source.readRunInputs(context.run.id, { afterBatch, limit: PAGE })
    if (rows.length === 0) return
    afterBatch = (rows.at(-1) as { batch: number }).batch
    for (const row of rows) {
      const inputs = decodeBatchInputs(row)
      context.recordedBatches.add(inputs.batch)
      let unrecorded: ReplayedBatch['unrecorded']
      const data = (nodeId: string): NodeDataPort => catching(replayingNodeData(inputs.reads, nodeId), (error, members) => {
        unrecorded ??= { error, members }
      })
      const { plan, nodeRuns, order } = await planBatch({
        runtime, batch: inputs.batch, startNodeId: inputs.nodeId, travellers: inputs.travellers, now: inputs.at, data,
        settings: { ...inputs.settings, ...(env.secrets ? { secrets: env.secrets } : {}) },
        cohort: inputs.settings.contactPolicy ? { contactPolicy: inputs.settings.contactPolicy } : {},
      })
      yield { inputs, plan, nodeRuns, order, ...(unrecorded ? { unrecorded } : {}), journal: context.journalBatches.get(inputs.batch) ?? [], compiled: context.compiled }
    }
  }
}

/** The port, telling `onUnrecorded` about a question the run never asked (the node sees the error as it would). */
function catching(port: NodeDataPort, onUnrecorded: (error: UnrecordedReadError, members: readonly CohortMember[]) => void): NodeDataPort {
  const wrapped = {} as Record<string, unknown>
  for (const method of Object.keys(port) as (keyof NodeDataPort)[]) {
    wrapped[method] = async (members: readonly CohortMember[], ...rest: unknown[]) => {
      try {
        return await (port[method] as (m: readonly CohortMember[], ...r: unknown[]) => Promise<unknown>)(members, ...rest)
      } catch (error) {
        if (error instanceof UnrecordedReadError) onUnrecorded(error, members)
        throw error
      }
    }
  }
  return wrapped as unknown as NodeDataPort
}

/**
 * The run's outbox in id order, read a page at a time rather than held whole (a 1M-customer run
 * has about as many sends). A batch writes its intents in its own transaction, so they come
 * next in id order, as many as its record says it wrote. Fallbacks
 * (`key>channel`) are the outbox loop's, made when an intent died, not a batch decision: the
 * fallback channels are part of the intent's message, which is compared.
 */
class OutboxStream {
  #page: OutboxRow[] = []
  #index = 0
  #afterId = 0
  #done = false

  constructor(
    readonly source: ReplaySource,
    readonly runId: string,
  ) {}

  /**
   * The stored intents of the batch: the next `inputs.sends` rows, skipping those of earlier
   * (unrecorded) batches. A record made before the count was kept takes the rows at the batch's
   * time that the replay made (`replayed` keys), so a send the run made and the replay did not
   * goes unnoticed there.
   */
  async sendsOf(inputs: BatchInputs, replayed: ReadonlySet<string>): Promise<OutboxRow[]> {
    const customers = new Set(inputs.travellers.map((t) => t.member.key))
    const rows: OutboxRow[] = []
    for (let row = await this.#peek(); row !== undefined; row = await this.#peek()) {
      if (inputs.sends !== undefined && rows.length >= inputs.sends) break
      if (row.createdAt > inputs.at) break
      if (row.createdAt === inputs.at && inputs.sends === undefined && !replayed.has(row.key)) break
      this.#index++
      // A batch sends to its own customers only: another customer's intent at this time is an unrecorded (erased) batch's.
      if (row.createdAt === inputs.at && customers.has(row.customerKey)) rows.push(row)
    }
    return rows
  }

  async #peek(): Promise<OutboxRow | undefined> {
    for (;;) {
      while (this.#index < this.#page.length) {
        const row = this.#page[this.#index] as OutboxRow
        if (!row.key.includes('>')) return row
        this.#index++
      }
      if (this.#done) return undefined
      this.#page = await this.source.listOutbox({ runId: this.runId, afterId: this.#afterId, limit: 5_000 })
      this.#index = 0
      if (this.#page.length === 0) {
        this.#done = true
        return undefined
      }
      this.#afterId = (this.#page.at(-1) as OutboxRow).id
    }
  }
}

/** An operator's evict / move / re-drive note (operator-actions.ts): an input of the run, not a decision. */
function isOperatorNote(row: JournalRow): boolean {
  if (row.kind !== 'note' || row.data === null) return false
  const data = JSON.parse(row.data) as { data?: { control?: unknown } }
  return typeof data.data?.control === 'string'
}

/** What a node decided for one customer in one batch, as the journal says it. */
export interface CustomerDecision {
  arrived: boolean
  /** The output taken (`route`), or `parked`, or `error: retry|failed`. */
  outcome: string | null
  reason?: string
  values?: Record<string, unknown>
  /** Channels whose send was held back (holdout). */
  held?: string[]
  /** The error message of a failed run. */
  error?: string
}

/** Per (node, customer) decisions of a batch's journal rows, and each node's log lines. */
export function decisionsOf(rows: readonly JournalRow[]): { decisions: Map<string, Map<number, CustomerDecision>>; logs: Map<string, string[]> } {
  const decisions = new Map<string, Map<number, CustomerDecision>>()
  const logs = new Map<string, string[]>()
  const of = (nodeId: string, key: number): CustomerDecision => {
    let node = decisions.get(nodeId)
    if (!node) decisions.set(nodeId, (node = new Map()))
    let decision = node.get(key)
    if (!decision) node.set(key, (decision = { arrived: false, outcome: null }))
    return decision
  }
  for (const row of rows) {
    if (row.kind === 'note') {
      const lines = logs.get(row.nodeId)
      const line = `${row.customerKey ?? ''} ${row.data ?? ''}`
      if (lines) lines.push(line)
      else logs.set(row.nodeId, [line])
      continue
    }
    if (row.kind === 'detail') continue
    const keys = row.keys === null ? (row.customerKey === null ? [] : [row.customerKey]) : unpackKeys(row.keys)
    for (const key of keys) {
      const decision = of(row.nodeId, key)
      if (row.kind === 'arrive') decision.arrived = true
      else if (row.kind === 'route') decision.outcome = row.output
      else if (row.kind === 'park') decision.outcome = 'parked'
      else if (row.kind === 'error') {
        decision.outcome = `error: ${row.output ?? ''}`
        decision.error = (JSON.parse(row.data ?? '{}') as { message?: string }).message ?? ''
      } else if (row.kind === 'held') (decision.held ??= []).push(row.output ?? '')
    }
  }
  for (const d of readDetails(rows)) {
    const decision = of(d.nodeId, d.customerKey)
    if (d.detail.reason !== undefined) decision.reason = d.detail.reason
    if (d.detail.values !== undefined) decision.values = d.detail.values
  }
  for (const node of decisions.values()) for (const decision of node.values()) decision.held?.sort()
  return { decisions, logs }
}

/** The first difference between a replayed batch and what the run wrote, counting what was compared. */
function compareBatch(batch: ReplayedBatch, stored: readonly OutboxRow[], summary: ReplaySummary): ReplayDivergence | undefined {
  const { inputs, plan } = batch
  const ids = new Map<number, string>()
  for (const t of inputs.travellers) ids.set(t.member.key, t.member.id)
  const diverge = (field: DivergenceField, nodeId: string, customerKey: number | null, recorded: unknown, replayed: unknown, what: string): ReplayDivergence => {
    const kind = batch.unrecorded ? 'input' : 'code'
    const customerId = customerKey === null ? null : (ids.get(customerKey) ?? null)
    const who = customerKey === null ? '' : ` for customer ${customerId ?? `#${customerKey}`}`
    const recordedType = inputs.nodeTypes?.[nodeId]
    const node = batch.compiled.nodes.get(nodeId)
    const nowType = node ? `${node.definition.type}@${node.definition.version}` : undefined
    const typeChanged = recordedType !== undefined && nowType !== undefined && recordedType !== nowType ? ` (node type ${recordedType} at the run, ${nowType} now)` : ''
    const because = kind === 'input' ? ` — the inputs differ: ${(batch.unrecorded as { error: Error }).error.message}` : ` — the code differs: the same recorded inputs gave another decision${typeChanged}`
    return {
      kind, batch: inputs.batch, at: new Date(inputs.at).toISOString(), nodeId, customerKey, customerId, field, recorded, replayed,
      message: `batch ${inputs.batch} (${new Date(inputs.at).toISOString()}), node ${nodeId}${who}: ${what}: recorded ${show(recorded)}, replayed ${show(replayed)}${because}`,
    }
  }

  if (batch.unrecorded) {
    const { error, members } = batch.unrecorded
    const first = members[0]
    const asked = inputs.reads.filter((r) => r.nodeId === error.nodeId).map((r) => `${r.method} ${truncate(r.args)}`)
    return diverge('read', error.nodeId, first?.key ?? null, asked, `${error.method} ${truncate(error.args)}`, `ctx.data.${error.method} asked what the run never read`)
  }

  const recorded = decisionsOf(batch.journal)
  const replayed = decisionsOf(plan.journal)
  const nodes = [...batch.order, ...[...recorded.decisions.keys(), ...replayed.decisions.keys()].filter((n) => !batch.order.includes(n))]
  for (const nodeId of [...new Set(nodes)]) {
    const before = recorded.decisions.get(nodeId) ?? new Map<number, CustomerDecision>()
    const after = replayed.decisions.get(nodeId) ?? new Map<number, CustomerDecision>()
    const keys = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b)
    for (const key of keys) {
      const was = before.get(key)
      const is = after.get(key)
      summary.decisions++
      if (!same(was, is)) return diverge('decision', nodeId, key, was ?? null, is ?? null, describeDecision(was, is))
    }
    const wasLogs = recorded.logs.get(nodeId) ?? []
    const isLogs = replayed.logs.get(nodeId) ?? []
    if (!same(wasLogs, isLogs)) return diverge('log', nodeId, null, wasLogs, isLogs, 'the node logged other lines')
  }

  const stopped = new Map<number, PositionRow>()
  for (const p of inputs.positions) stopped.set(p.customerKey, p)
  const planned = new Map<number, PositionRow>()
  for (const p of plan.positions) planned.set(p.customerKey, p)
  for (const key of [...new Set([...stopped.keys(), ...planned.keys()])].sort((a, b) => a - b)) {
    const was = stopped.get(key)
    const is = planned.get(key)
    summary.positions++
    if (!same(was && positionView(was), is && positionView(is))) {
      return diverge('position', is?.nodeId ?? was?.nodeId ?? inputs.nodeId, key, was ? positionView(was) : null, is ? positionView(is) : null, 'the customer stopped elsewhere or until another time')
    }
  }

  const storedByKey = new Map(stored.map((row) => [row.key, row]))
  const replayedKeys = new Set<string>()
  for (const intent of plan.outbox) {
    summary.sends++
    replayedKeys.add(intent.key)
    const row = storedByKey.get(intent.key)
    if (!row || !same(sendView(row), sendView(intent))) {
      return diverge('send', intent.nodeId, intent.customerKey, row ? sendView(row) : null, sendView(intent), row ? 'the send differs' : 'the replay sends what the run did not')
    }
  }
  for (const row of stored) if (!replayedKeys.has(row.key)) return diverge('send', row.nodeId, row.customerKey, sendView(row), null, 'the run sent what the replay does not')
  return undefined
}

function positionView(p: PositionRow): Record<string, unknown> {
  return {
    nodeId: p.nodeId, state: p.state, dueAt: p.dueAt === null ? null : new Date(p.dueAt).toISOString(), phase: p.phase, wakeType: p.wakeType, wakeWhere: p.wakeWhere,
    attempt: p.attempt, seq: p.seq, holdout: p.holdout, lastOutput: p.lastOutput, error: p.error,
  }
}

function sendView(s: OutboxIntent): Record<string, unknown> {
  return { key: s.key, nodeId: s.nodeId, channel: s.channel, message: s.message, offer: s.offer }
}

function describeDecision(was: CustomerDecision | undefined, is: CustomerDecision | undefined): string {
  if (!was) return 'the replay decided for a customer the run did not'
  if (!is) return 'the run decided for a customer the replay did not'
  if (was.outcome !== is.outcome) return 'the output taken differs'
  if (was.reason !== is.reason) return 'the reason differs'
  if (canonical(was.values) !== canonical(is.values)) return 'the values differ'
  return 'the decision differs'
}

/** Equal values: the same JSON (both sides are built in the same key order), else the same JSON with keys sorted. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || canonical(a) === canonical(b)
}

/** JSON with object keys sorted: equal values give equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {}
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
      return sorted
    }
    return v
  })
}

function show(value: unknown): string {
  return truncate(typeof value === 'string' ? value : canonical(value))
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text
}
