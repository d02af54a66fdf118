/**
 * Moves one batch of customers through a flow: run the node they are due at, follow immediate
 * outputs in memory through the next nodes (a group per node, so each node runs once for the
 * whole batch), and stop where customers park, arrive later (`at`), finish, or fail. Then write
 * everything the batch produced — positions, journal rows, outbox intents, tags, and whatever
 * the caller adds (entries, trigger cursors) — in ONE transaction: a crash loses or repeats no
 * half-batch, and the store sees one bulk write per table instead of one per customer.
 *
 * Where an output leads is asked of the compiled xstate machine once per (node, output) group.
 */
import { NodeRunError } from '../errors.ts'
import { BatchJournal } from '../journal/batch-journal.ts'
import type { EngineStore, OutboxIntent, PositionRow } from '../ports/engine-store.ts'
import type { NodeDataPort } from '../ports/node-data.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import type { Customer, Tag } from '../ports/store.ts'
import { createIdSource } from '../random.ts'
import { assertNodeResult, type Exit } from '../sdk/check-result.ts'
import { createNodeContext } from '../sdk/context.ts'
import type { CohortMember, NodeResult, NodeSecrets } from '../sdk/types.ts'
import type { CompiledNode } from '../compiler/compile-flow.ts'
import { backoff } from './run-options.ts'
import type { RunRuntime } from './run-runtime.ts'

/**
 * A customer on the move: what the node sees, and the position row being updated. The member's
 * `enteredAt` is when the customer arrived at the node: for a customer passing through instant
 * nodes it stays the time it became due (its event's time, its wait's end), not the tick's `now`,
 * so a 3-day wait after an event ends 3 days after the event however late the tick ran.
 */
export interface Traveller {
  member: CohortMember
  position: PositionRow
}

/** What the executor needs around it. */
export interface ExecutorEnv {
  store: EngineStore
  /** Data port nodes read through (ctx.data). */
  data: NodeDataPort
  hooks?: ExecutorHooks
  /** The global contact policy handed to nodes as ctx.contactPolicy. */
  contactPolicy?: ContactPolicy
  /** The project's secrets, handed to nodes as ctx.secrets. */
  secrets?: NodeSecrets
  /** The server's public URL, handed to nodes as ctx.publicUrl. */
  publicUrl?: string
}

/** Test hooks; the crash test stops a process inside a batch transaction with them. */
export interface ExecutorHooks {
  /** Called inside the batch transaction after every write, before the commit. */
  beforeCommit?(batch: { runId: string; batch: number; customers: number }): Promise<void>
}

/** What one batch did. */
export interface BatchOutcome {
  batch: number
  customers: number
  nodeRuns: number
  sends: number
  finished: number
  failed: number
}

/** The member a node sees for a position picked up as due. */
export function memberOfPosition(position: PositionRow & { customerId: string; trigger?: CohortMember['trigger'] }): CohortMember {
  const member: CohortMember = { key: position.customerKey, id: position.customerId, enteredAt: position.arrivedAt, flowEnteredAt: position.enteredAt, holdout: position.holdout }
  if (position.phase === 'parked') member.wake = 'due'
  else if (position.phase === 'woken') member.wake = 'event'
  if (position.trigger) member.trigger = position.trigger
  return member
}

/**
 * Runs the batch `travellers`, all at `startNodeId`, at time `now`; `extra` adds writes to the
 * batch transaction.
 */
export async function moveBatch(
  env: ExecutorEnv,
  runtime: RunRuntime,
  startNodeId: string,
  travellers: readonly Traveller[],
  now: number,
  extra?: (tx: EngineStore) => Promise<void>,
): Promise<BatchOutcome> {
  const { run, compiled } = runtime
  const batch = runtime.nextBatch()
  const journal = new BatchJournal(run.id, batch, now)
  const ids = createIdSource(`${run.seed}:${batch}`)
  const final: PositionRow[] = []
  const outbox: OutboxIntent[] = []
  const tags: { customerId: string; tag: Tag }[] = []
  const pending = new Map<string, Traveller[]>()
  const ran = new Set<string>()
  const data = withProfileMemo(env.data)
  let nodeRuns = 0

  // A customer erased from the store since it entered cannot be run; its journey ends here.
  const present = travellers.filter((t) => t.member.id !== '')
  for (const gone of travellers.filter((t) => t.member.id === '')) {
    final.push({ ...gone.position, state: 'cancelled', dueAt: null, error: 'the customer is no longer in the store', updatedAt: now })
  }
  if (present.length > 0) pending.set(startNodeId, [...present])

  while (pending.size > 0) {
    const [nodeId, group] = pending.entries().next().value as [string, Traveller[]]
    pending.delete(nodeId)
    const node = compiled.nodes.get(nodeId)
    if (!node) {
      for (const t of group) final.push(failed(t.position, nodeId, `node "${nodeId}" is not in version ${compiled.flow.version} of flow "${compiled.flow.id}"`, now))
      continue
    }
    const isStart = nodeId === startNodeId && ran.size === 0
    // A `whole` node sees everyone due at once (next tick); a node already run in this batch
    // (a loop through a zero-length wait) runs again next tick rather than twice in one batch.
    // On a cycle, that is one more lap without time passing: past the guard's limit, an error.
    if (ran.has(nodeId) || (node.cohort === 'whole' && !isStart)) {
      const guard = runtime.loopGuard.onCycle(nodeId) ? runtime.loopGuard : undefined
      const looped: number[] = []
      let message: string | undefined
      for (const t of group) {
        if (guard?.lap(t.member.key, t.position.arrivedAt)) {
          message ??= guard.message(nodeId, ran)
          final.push(failed(t.position, nodeId, message, now))
          looped.push(t.member.key)
          continue
        }
        t.position.dueAt ??= now
        t.position.updatedAt = now
        final.push(t.position)
      }
      if (message !== undefined) journal.group(nodeId, 'error', 'failed', looped, { message })
      continue
    }
    ran.add(nodeId)
    nodeRuns++
    const arrivals = group.filter((t) => t.position.phase === 'arrive' && t.position.attempt === 0).map((t) => t.member.key)
    journal.group(nodeId, 'arrive', null, arrivals)

    const members = group.map((t) => t.member)
    let result: NodeResult
    let exits: Exit[]
    try {
      const ctx = createNodeContext({
        clock: { now: () => now },
        seed: run.seed,
        runId: run.id,
        flow: { id: compiled.flow.id, version: compiled.flow.version, priority: compiled.flow.settings.priority },
        ...(env.contactPolicy ? { contactPolicy: env.contactPolicy } : {}),
        ...(env.secrets ? { secrets: env.secrets } : {}),
        ...(env.publicUrl === undefined ? {} : { publicUrl: env.publicUrl }),
        node: { id: nodeId, type: node.definition.type, version: node.definition.version },
        data,
        ids,
        onLog: (entry) => journal.note(nodeId, entry.message, { level: entry.level, ...(entry.data ? { data: entry.data } : {}) }),
      })
      result = await node.definition.run({ config: node.config, customers: members, ctx })
      exits = assertNodeResult({ nodeId, runId: run.id }, members, result, node.outputs)
    } catch (error) {
      const message = (error instanceof NodeRunError ? error : new NodeRunError(nodeId, run.id, error)).message
      const retried: number[] = []
      const given: number[] = []
      for (const t of group) {
        const attempt = t.position.attempt + 1
        if (attempt >= runtime.options.nodeAttempts) {
          final.push(failed(t.position, nodeId, message, now, attempt))
          given.push(t.member.key)
        } else {
          final.push({ ...t.position, nodeId, attempt, error: message, dueAt: now + backoff(attempt, runtime.options.nodeRetryMs), updatedAt: now })
          retried.push(t.member.key)
        }
      }
      journal.group(nodeId, 'error', 'retry', retried, { message })
      journal.group(nodeId, 'error', 'failed', given, { message })
      continue
    }

    // Exits are grouped by output first: where an output leads is asked once per group, and the
    // journal gets one row per group. Positions are updated in place: each traveller belongs to
    // this batch and ends in `final` (or moves on) exactly once.
    const byId = new Map<string, Traveller>()
    for (const t of group) byId.set(t.member.id, t)
    const byOutput = new Map<string, Exit[]>()
    const parked: number[] = []
    for (const exit of exits) {
      const t = byId.get(exit.customer.id) as Traveller
      if (exit.park) {
        const { until, wakeOn, reason } = exit.park
        const p = t.position
        p.nodeId = nodeId
        p.state = 'active'
        p.dueAt = Math.max(until, now + 1)
        p.phase = 'parked'
        p.wakeType = wakeOn?.type ?? null
        p.wakeWhere = wakeOn?.where ? JSON.stringify(wakeOn.where) : null
        p.attempt = 0
        p.error = null
        p.updatedAt = now
        final.push(p)
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

    for (const [output, outputExits] of byOutput) {
      const next = compiled.next(nodeId, output)
      const keys: number[] = new Array(outputExits.length)
      for (let i = 0; i < outputExits.length; i++) keys[i] = outputExits[i]!.customer.key
      journal.group(nodeId, 'route', output, keys)
      const onward = next.kind === 'end' ? undefined : next.nodeId
      let waiting = onward === undefined ? undefined : pending.get(onward)
      for (const exit of outputExits) {
        const t = byId.get(exit.customer.id) as Traveller
        const { reason, values } = exit
        if (reason !== undefined || values !== undefined) journal.detail(nodeId, output, t.member.key, values === undefined ? { reason } : reason === undefined ? { values } : { reason, values })
        const p = t.position
        p.wakeType = null
        p.wakeWhere = null
        p.attempt = 0
        p.error = null
        p.updatedAt = now
        if (onward === undefined) {
          p.nodeId = nodeId
          p.state = 'done'
          p.dueAt = null
          p.phase = 'arrive'
          p.lastOutput = output
          final.push(p)
          continue
        }
        const later = exit.at !== undefined && exit.at > now ? exit.at : undefined
        // Passing straight through, the customer arrives at the next node when it was due here.
        const arrival = later ?? Math.min(p.dueAt ?? now, now)
        p.nodeId = onward
        p.state = 'active'
        p.seq += 1
        p.phase = 'arrive'
        p.lastOutput = null
        p.arrivedAt = arrival
        p.dueAt = arrival
        if (later !== undefined) {
          final.push(p)
          continue
        }
        const m = t.member
        // A fresh member for the next node: arrival time moves on, a wake reason does not.
        const member: CohortMember = { key: m.key, id: m.id, enteredAt: arrival, flowEnteredAt: m.flowEnteredAt, holdout: p.holdout }
        if (m.trigger !== undefined) member.trigger = m.trigger
        if (waiting === undefined) {
          waiting = []
          pending.set(onward, waiting)
        }
        waiting.push({ member, position: p })
      }
    }
    collectSideEffects(runtime, node, result, byId, now, journal, outbox, tags)
  }

  await env.store.transaction(async (tx) => {
    await tx.writePositions(final)
    await tx.appendJournal(journal.rows())
    await tx.enqueueOutbox(outbox)
    if (tags.length > 0) await tx.customers.setTags(tags)
    await extra?.(tx)
    await env.hooks?.beforeCommit?.({ runId: run.id, batch, customers: travellers.length })
  })
  return {
    batch,
    customers: travellers.length,
    nodeRuns,
    sends: outbox.length,
    finished: final.filter((p) => p.state === 'done').length,
    failed: final.filter((p) => p.state === 'error').length,
  }
}

/**
 * The data port for one batch, remembering the profiles it read: nothing is written before the
 * batch commits, so a later node of the batch (choose-channel after throttle) gets the same
 * customers without reading them again.
 */
function withProfileMemo(data: NodeDataPort): NodeDataPort {
  const known = new Map<string, Customer>()
  return {
    ...data,
    async customers(members) {
      const missing = members.filter((m) => !known.has(m.id))
      if (missing.length > 0) for (const customer of await data.customers(missing)) known.set(customer.id, customer)
      const found: Customer[] = []
      for (const member of members) {
        const customer = known.get(member.id)
        if (customer) found.push(customer)
      }
      return found
    },
  }
}

function failed(position: PositionRow, nodeId: string, error: string, now: number, attempt = position.attempt): PositionRow {
  return { ...position, nodeId, state: 'error', dueAt: null, attempt, error, updatedAt: now }
}

/**
 * Sends become outbox intents keyed `run:node:customer:seq` (seq = the customer's node arrival
 * count in the run, so loops and re-entries get new keys); a customer in the holdout gets none
 * (journalled as held). Tags are stamped with the time and the flow/node that set them.
 */
function collectSideEffects(
  runtime: RunRuntime,
  node: CompiledNode,
  result: NodeResult,
  byId: ReadonlyMap<string, Traveller>,
  now: number,
  journal: BatchJournal,
  outbox: OutboxIntent[],
  tags: { customerId: string; tag: Tag }[],
): void {
  const { run, compiled } = runtime
  const held = new Map<string, number[]>()
  const perCustomer = new Map<number, number>()
  for (const send of result.sends ?? []) {
    const t = byId.get(send.customer?.id)
    if (!t) {
      journal.note(node.id, `send for a customer not in the cohort was ignored: ${String(send.customer?.id)}`, { level: 'warn' })
      continue
    }
    if (t.position.holdout) {
      const keys = held.get(send.channel)
      if (keys) keys.push(t.member.key)
      else held.set(send.channel, [t.member.key])
      continue
    }
    const count = (perCustomer.get(t.member.key) ?? 0) + 1
    perCustomer.set(t.member.key, count)
    const key = `${run.id}:${node.id}:${t.member.key}:${t.position.seq}${count > 1 ? `.${count}` : ''}`
    outbox.push({
      key, runId: run.id, flowId: compiled.flow.id, nodeId: node.id, customerKey: t.member.key, channel: send.channel,
      message: JSON.stringify(send.message ?? {}), offer: send.offer ?? null, createdAt: now, nextAttemptAt: now,
    })
  }
  for (const [channel, keys] of held) journal.group(node.id, 'held', channel, keys, { reason: 'holdout' })
  for (const tag of result.tags ?? []) {
    const t = byId.get(tag.customer?.id)
    if (!t) continue
    tags.push({ customerId: t.member.id, tag: { name: tag.name, layer: tag.layer, value: tag.value, at: now, source: `flow:${compiled.flow.id}/${node.id}` } })
  }
  for (const note of result.notes ?? []) {
    const key = note.customer ? byId.get(note.customer.id)?.member.key : undefined
    journal.note(node.id, note.message, { level: note.level ?? 'info', ...(note.data ? { data: note.data } : {}), ...(key === undefined ? {} : { customerKey: key }) })
  }
}
