/**
 * The pure half of the executor: what one node step of a batch means, as data. Given the
 * travellers at a node, what the node returned (or why it failed) and where each output leads,
 * it says which position rows the customers stop at, who travels straight on to which node,
 * and which journal rows, outbox intents and tag writes the batch must commit. No store, no
 * clock, no ids: `now` comes in, and inputs are never changed (every position is a new object).
 *
 * The executor (engine/executor/move-batch.ts) runs the nodes, applies retries and the
 * instant-loop guard, calls these functions and writes what they return in one transaction; the
 * benchmark's per-customer engine (bench/naive-engine.ts) calls the same ones for a cohort of one,
 * so the two cannot drift apart. Replay and counterfactual runs need exactly this part.
 */
import type { NextStep } from '../compiler/journey-machine.ts'
import { backoff } from '../executor/run-options.ts'
import { BatchJournal } from '../journal/batch-journal.ts'
import type { JournalRow, OutboxIntent, PositionRow } from '../ports/engine-store.ts'
import type { Tag } from '../ports/store.ts'
import type { Exit } from '../sdk/check-result.ts'
import type { LogEntry, NodeResult } from '../sdk/types.ts'
import { sendKey } from './send-key.ts'
import { onwardMember, type Traveller } from './traveller.ts'

/** A tag to write, stamped with its time and source. */
export interface TagRow {
  customerId: string
  tag: Tag
}

/** What a batch commits. */
export interface WritePlan {
  /** Rows of customers who stop for this batch: parked, due later, finished, failed, retried or deferred. */
  positions: PositionRow[]
  journal: JournalRow[]
  outbox: OutboxIntent[]
  tags: TagRow[]
}

/** What one node step decided: the writes, and who moves straight on, per next node, in the order they left. */
export interface StepPlan extends WritePlan {
  onward: Map<string, Traveller[]>
}

/** Where and when a step happens. */
export interface StepAt {
  runId: string
  flowId: string
  /** The batch's number in the run (journal rows carry it). */
  batch: number
  nodeId: string
  now: number
}

/** The node's retry policy (run options). */
export interface RetryPolicy {
  nodeAttempts: number
  nodeRetryMs: number
}

export function emptyWritePlan(): WritePlan {
  return { positions: [], journal: [], outbox: [], tags: [] }
}

/** Appends `step`'s writes to `plan` (loops, not spreads: a step can hold 100,000 rows). */
export function addWrites(plan: WritePlan, step: WritePlan): void {
  for (const row of step.positions) plan.positions.push(row)
  for (const row of step.journal) plan.journal.push(row)
  for (const row of step.outbox) plan.outbox.push(row)
  for (const row of step.tags) plan.tags.push(row)
}

/**
 * A node's result for `travellers`: parks, routes (to the next node now, or later with `at`, or
 * to the end), the journal of it (arrivals, the node's log lines, parks, routes with their details,
 * held sends, notes), its sends as outbox intents (none for holdout customers: held and
 * journalled) and its tags. `exits` are the result's exits as assertNodeResult checked them;
 * `next` says where an output leads and is asked once per output taken.
 */
export function planNodeResult(
  at: StepAt,
  input: { travellers: readonly Traveller[]; result: NodeResult; exits: readonly Exit[]; logs?: readonly LogEntry[]; next: (output: string) => NextStep },
): StepPlan {
  const { nodeId, now } = at
  const journal = stepJournal(at, input.travellers, input.logs)
  const positions: PositionRow[] = []
  const onward = new Map<string, Traveller[]>()
  const byId = new Map<string, Traveller>()
  for (const t of input.travellers) byId.set(t.member.id, t)

  // Exits are grouped by output first: where an output leads is asked once per group, and the
  // journal gets one row per group.
  const byOutput = new Map<string, Exit[]>()
  const parked: number[] = []
  for (const exit of input.exits) {
    const t = byId.get(exit.customer.id) as Traveller
    if (exit.park) {
      const { until, wakeOn, reason } = exit.park
      positions.push({
        ...t.position, nodeId, state: 'active', dueAt: Math.max(until, now + 1), phase: 'parked',
        wakeType: wakeOn?.type ?? null, wakeWhere: wakeOn?.where ? JSON.stringify(wakeOn.where) : null, attempt: 0, error: null, updatedAt: now,
      })
      parked.push(t.member.key)
      if (reason !== undefined) journal.detail(nodeId, null, t.member.key, { reason })
      continue
    }
    const output = exit.output as string
    const list = byOutput.get(output)
    if (list) list.push(exit)
    else byOutput.set(output, [exit])
  }
  journal.group(nodeId, 'park', null, parked)

  for (const [output, exits] of byOutput) {
    const next = input.next(output)
    const keys: number[] = new Array(exits.length)
    for (let i = 0; i < exits.length; i++) keys[i] = exits[i]!.customer.key
    journal.group(nodeId, 'route', output, keys)
    let waiting = next.kind === 'end' ? undefined : onward.get(next.nodeId)
    for (const exit of exits) {
      const t = byId.get(exit.customer.id) as Traveller
      const { reason, values } = exit
      if (reason !== undefined || values !== undefined) journal.detail(nodeId, output, t.member.key, values === undefined ? { reason } : reason === undefined ? { values } : { reason, values })
      const p = t.position
      if (next.kind === 'end') {
        positions.push({ ...p, nodeId, state: 'done', dueAt: null, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0, error: null, lastOutput: output, updatedAt: now })
        continue
      }
      const later = exit.at !== undefined && exit.at > now ? exit.at : undefined
      // Passing straight through, the customer arrives at the next node when it was due here.
      const arrival = later ?? Math.min(p.dueAt ?? now, now)
      // Arriving is what counts a visit: seq moves on here, and only here (and on entry).
      const position: PositionRow = {
        ...p, nodeId: next.nodeId, state: 'active', dueAt: arrival, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0,
        seq: p.seq + 1, arrivedAt: arrival, error: null, lastOutput: null, updatedAt: now,
      }
      if (later !== undefined) {
        positions.push(position)
        continue
      }
      if (waiting === undefined) {
        waiting = []
        onward.set(next.nodeId, waiting)
      }
      waiting.push({ member: onwardMember(t.member, position), position })
    }
  }
  const effects = sideEffects(at, input.result, byId, journal)
  return { positions, onward, journal: journal.rows(), outbox: effects.outbox, tags: effects.tags }
}

/**
 * A node that threw (or returned a broken result) for `travellers`: each customer is retried
 * after a backoff until `nodeAttempts` runs failed, then moves to the error state.
 */
export function planNodeFailure(at: StepAt, input: { travellers: readonly Traveller[]; message: string; logs?: readonly LogEntry[]; retry: RetryPolicy }): StepPlan {
  const { nodeId, now } = at
  const { message, retry } = input
  const journal = stepJournal(at, input.travellers, input.logs)
  const positions: PositionRow[] = []
  const retried: number[] = []
  const given: number[] = []
  for (const t of input.travellers) {
    const attempt = t.position.attempt + 1
    if (attempt >= retry.nodeAttempts) {
      positions.push(failed(t.position, nodeId, message, now, attempt))
      given.push(t.member.key)
    } else {
      positions.push({ ...t.position, nodeId, attempt, error: message, dueAt: now + backoff(attempt, retry.nodeRetryMs), updatedAt: now })
      retried.push(t.member.key)
    }
  }
  journal.group(nodeId, 'error', 'retry', retried, { message })
  journal.group(nodeId, 'error', 'failed', given, { message })
  return { positions, onward: new Map(), journal: journal.rows(), outbox: [], tags: [] }
}

/**
 * Travellers who reach a node the batch cannot run now (it already ran in this batch, or it takes
 * its whole cohort at once) stay there due now, for the next tick; those in `looped.keys` went
 * round a loop that takes no time too often (the instant-loop guard's verdict) and fail with its
 * message.
 */
export function planDeferral(at: StepAt, input: { travellers: readonly Traveller[]; looped?: { keys: ReadonlySet<number>; message: string } }): StepPlan {
  const { nodeId, now } = at
  const journal = new BatchJournal(at.runId, at.batch, now)
  const positions: PositionRow[] = []
  const failedKeys: number[] = []
  for (const t of input.travellers) {
    if (input.looped?.keys.has(t.member.key)) {
      positions.push(failed(t.position, nodeId, input.looped.message, now))
      failedKeys.push(t.member.key)
      continue
    }
    positions.push({ ...t.position, dueAt: t.position.dueAt ?? now, updatedAt: now })
  }
  if (input.looped) journal.group(nodeId, 'error', 'failed', failedKeys, { message: input.looped.message })
  return { positions, onward: new Map(), journal: journal.rows(), outbox: [], tags: [] }
}

/** Travellers sent to a node that is not in the run's flow version (a wiring or migration bug): they fail, naming it. */
export function planUnknownNode(at: StepAt, input: { travellers: readonly Traveller[]; flowVersion: number }): StepPlan {
  const message = `node "${at.nodeId}" is not in version ${input.flowVersion} of flow "${at.flowId}"`
  return { positions: input.travellers.map((t) => failed(t.position, at.nodeId, message, at.now)), onward: new Map(), journal: [], outbox: [], tags: [] }
}

/** Customers erased from the store since they entered cannot be run: their journeys end, cancelled. */
export function planErased(at: StepAt, travellers: readonly Traveller[]): StepPlan {
  const positions = travellers.map((t): PositionRow => ({ ...t.position, state: 'cancelled', dueAt: null, error: 'the customer is no longer in the store', updatedAt: at.now }))
  return { positions, onward: new Map(), journal: [], outbox: [], tags: [] }
}

function failed(position: PositionRow, nodeId: string, error: string, now: number, attempt = position.attempt): PositionRow {
  return { ...position, nodeId, state: 'error', dueAt: null, attempt, error, updatedAt: now }
}

/** A step's journal, opened with the fresh arrivals and the node's log lines (written while it ran, before it returned). */
function stepJournal(at: StepAt, travellers: readonly Traveller[], logs: readonly LogEntry[] = []): BatchJournal {
  const journal = new BatchJournal(at.runId, at.batch, at.now)
  const arrivals: number[] = []
  for (const t of travellers) if (t.position.phase === 'arrive' && t.position.attempt === 0) arrivals.push(t.member.key)
  journal.group(at.nodeId, 'arrive', null, arrivals)
  for (const entry of logs) journal.note(at.nodeId, entry.message, { level: entry.level, ...(entry.data ? { data: entry.data } : {}) })
  return journal
}

/**
 * Sends become outbox intents keyed by the customer's visit (send-key.ts), read from the position
 * the customer arrived with; a customer in the holdout gets none (journalled as held, per
 * channel). Tags are stamped with the time and the flow/node that set them.
 */
function sideEffects(at: StepAt, result: NodeResult, byId: ReadonlyMap<string, Traveller>, journal: BatchJournal): { outbox: OutboxIntent[]; tags: TagRow[] } {
  const { runId, flowId, nodeId, now } = at
  const outbox: OutboxIntent[] = []
  const held = new Map<string, number[]>()
  const perCustomer = new Map<number, number>()
  for (const send of result.sends ?? []) {
    const t = byId.get(send.customer?.id)
    if (!t) {
      journal.note(nodeId, `send for a customer not in the cohort was ignored: ${String(send.customer?.id)}`, { level: 'warn' })
      continue
    }
    if (t.position.holdout) {
      const keys = held.get(send.channel)
      if (keys) keys.push(t.member.key)
      else held.set(send.channel, [t.member.key])
      continue
    }
    const n = (perCustomer.get(t.member.key) ?? 0) + 1
    perCustomer.set(t.member.key, n)
    outbox.push({
      key: sendKey(runId, nodeId, t.position, n), runId, flowId, nodeId, customerKey: t.member.key, channel: send.channel,
      message: JSON.stringify(send.message ?? {}), offer: send.offer ?? null, createdAt: now, nextAttemptAt: now,
    })
  }
  for (const [channel, keys] of held) journal.group(nodeId, 'held', channel, keys, { reason: 'holdout' })
  const tags: TagRow[] = []
  for (const tag of result.tags ?? []) {
    const t = byId.get(tag.customer?.id)
    if (!t) continue
    tags.push({ customerId: t.member.id, tag: { name: tag.name, layer: tag.layer, value: tag.value, at: now, source: `flow:${flowId}/${nodeId}` } })
  }
  for (const note of result.notes ?? []) {
    const key = note.customer ? byId.get(note.customer.id)?.member.key : undefined
    journal.note(nodeId, note.message, { level: note.level ?? 'info', ...(note.data ? { data: note.data } : {}), ...(key === undefined ? {} : { customerKey: key }) })
  }
  return { outbox, tags }
}
