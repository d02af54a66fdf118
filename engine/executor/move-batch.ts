/**
 * Moves one batch of customers through a flow: run the node they are due at, follow immediate
 * outputs in memory through the next nodes (a group per node, so each node runs once for the
 * whole batch), and stop where customers park, arrive later (`at`), finish, or fail. Deciding
 * and doing are apart: node code runs in run-node.ts, what each result means — positions, the
 * journal, outbox intents, tags, who moves on — is planned as data by engine/planner/, and this
 * loop adds retries and the instant-loop guard around them. Then everything the batch produced,
 * with whatever the caller adds (entries, trigger cursors), is written in ONE transaction
 * (write-plan.ts): a crash loses or repeats no half-batch, and the store sees one bulk write
 * per table instead of one per customer.
 *
 * Where an output leads is asked of the compiled xstate machine once per (node, output) group.
 */
import type { EngineStore } from '../ports/engine-store.ts'
import type { NodeDataPort } from '../ports/node-data.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import type { Customer } from '../ports/store.ts'
import type { NodeCohortSettings, NodeSecrets } from '../sdk/types.ts'
import { addWrites, emptyWritePlan, planDeferral, planErased, planNodeFailure, planNodeResult, planUnknownNode, type StepAt, type WritePlan } from '../planner/plan-step.ts'
import type { Traveller } from '../planner/traveller.ts'
import { encodeBatchInputs, travellersText } from '../replay/batch-inputs.ts'
import { recordingNodeData, type RecordedRead } from '../replay/recorded-inputs.ts'
import { batchIdSource, runNode, type NodeRunSettings } from './run-node.ts'
import type { RunRuntime } from './run-runtime.ts'
import { writePlan } from './write-plan.ts'

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
  /**
   * Record each batch's inputs for replay (engine/replay/batch-inputs.ts), in the batch's
   * transaction; default true (EngineOptions.recordInputs).
   */
  recordInputs?: boolean
  /**
   * The ctx.data port of a node instead of the live one, given the node and the live port: a
   * counterfactual replay answers from the replayed run's recorded reads through it
   * (engine/replay/counterfactual.ts). Default: the live port.
   */
  nodeData?: (nodeId: string, live: NodeDataPort) => NodeDataPort
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
  const recording = env.recordInputs !== false
  // Taken before any node runs, so a node touching a member object cannot change the record.
  const travellersJson = recording ? travellersText(travellers) : ''
  const reads: RecordedRead[] = []
  const memo = withProfileMemo(env.data)
  const { nodeData } = env
  const portOf = nodeData ? (nodeId: string) => nodeData(nodeId, memo) : () => memo
  const settings = { ...(env.contactPolicy ? { contactPolicy: env.contactPolicy } : {}), ...(env.secrets ? { secrets: env.secrets } : {}), ...(env.publicUrl === undefined ? {} : { publicUrl: env.publicUrl }) }
  const { plan, nodeRuns, order } = await planBatch({
    runtime, batch, startNodeId, travellers, now, settings, cohort: cohortSettings(env),
    data: recording ? (nodeId) => recordingNodeData(portOf(nodeId), nodeId, (read) => reads.push(read)) : portOf,
  })
  const inputs = recording
    ? encodeBatchInputs({
        runId: run.id, batch, nodeId: startNodeId, at: now, flowVersion: compiled.flow.version, travellers: travellersJson, keys: travellers.map((t) => t.member.key), reads,
        settings: { ...(env.contactPolicy ? { contactPolicy: env.contactPolicy } : {}), ...(env.publicUrl === undefined ? {} : { publicUrl: env.publicUrl }) },
        positions: plan.positions, sends: plan.outbox.length, nodeTypes: nodeTypesOf(compiled, order),
      })
    : undefined
  await writePlan(env.store, plan, async (tx) => {
    await extra?.(tx)
    await env.hooks?.beforeCommit?.({ runId: run.id, batch, customers: travellers.length })
  }, inputs)
  let finished = 0
  let failed = 0
  for (const p of plan.positions) {
    if (p.state === 'done') finished++
    else if (p.state === 'error') failed++
  }
  return { batch, customers: travellers.length, nodeRuns, sends: plan.outbox.length, finished, failed }
}

/** What planning a batch needs besides the run: where, who, when, and how nodes read data. */
export interface BatchInput {
  runtime: RunRuntime
  batch: number
  startNodeId: string
  travellers: readonly Traveller[]
  now: number
  /** The ctx.data port of each node run (the live port, a recording one, or a replaying one). */
  data: (nodeId: string) => NodeDataPort
  settings: NodeRunSettings
  cohort: NodeCohortSettings
}

/**
 * The deciding half of a batch, writing nothing: runs the nodes the travellers reach and plans
 * what the batch commits. moveBatch writes what it returns; replay (engine/replay/replay-run.ts)
 * compares it with what the run wrote — the same loop, so the two cannot drift apart.
 */
export async function planBatch(input: BatchInput): Promise<{ plan: WritePlan; nodeRuns: number; order: string[] }> {
  const { runtime, batch, startNodeId, travellers, now, settings, cohort } = input
  const { run, compiled } = runtime
  const at = (nodeId: string): StepAt => ({ runId: run.id, flowId: compiled.flow.id, batch, nodeId, now })
  const plan = emptyWritePlan()
  const ids = batchIdSource(run.seed, batch)
  const pending = new Map<string, Traveller[]>()
  const ran = new Set<string>()
  const order: string[] = []
  let nodeRuns = 0

  const present = travellers.filter((t) => t.member.id !== '')
  addWrites(plan, planErased(at(startNodeId), travellers.filter((t) => t.member.id === '')))
  if (present.length > 0) pending.set(startNodeId, [...present])

  while (pending.size > 0) {
    const [nodeId, group] = pending.entries().next().value as [string, Traveller[]]
    pending.delete(nodeId)
    const node = compiled.nodes.get(nodeId)
    if (!node) {
      addWrites(plan, planUnknownNode(at(nodeId), { travellers: group, flowVersion: compiled.flow.version }))
      continue
    }
    const isStart = nodeId === startNodeId && ran.size === 0
    // A `whole` node sees everyone due at once (next tick); a node already run in this batch
    // (a loop through a zero-length wait) runs again next tick rather than twice in one batch.
    // On a cycle, that is one more lap without time passing: past the guard's limit, an error.
    if (ran.has(nodeId) || (node.cohortMode(cohort) === 'whole' && !isStart)) {
      const guard = runtime.loopGuard.onCycle(nodeId) ? runtime.loopGuard : undefined
      const looped = new Set<number>()
      if (guard) for (const t of group) if (guard.lap(t.member.key, t.position.arrivedAt)) looped.add(t.member.key)
      addWrites(plan, planDeferral(at(nodeId), { travellers: group, ...(guard && looped.size > 0 ? { looped: { keys: looped, message: guard.message(nodeId, ran) } } : {}) }))
      continue
    }
    ran.add(nodeId)
    order.push(nodeId)
    nodeRuns++
    const outcome = await runNode({ runtime, node, members: group.map((t) => t.member), now, data: input.data(nodeId), ids, settings })
    const step = outcome.ok
      ? planNodeResult(at(nodeId), { travellers: group, result: outcome.result, exits: outcome.exits, logs: outcome.logs, next: (output) => compiled.next(nodeId, output) })
      : planNodeFailure(at(nodeId), { travellers: group, message: outcome.message, logs: outcome.logs, retry: runtime.options })
    addWrites(plan, step)
    for (const [next, onward] of step.onward) {
      const waiting = pending.get(next)
      if (!waiting) pending.set(next, onward)
      else for (const t of onward) waiting.push(t)
    }
  }
  return { plan, nodeRuns, order }
}

/** `type@version` of each node the batch ran, for the record (replay names a changed type). */
function nodeTypesOf(compiled: RunRuntime['compiled'], order: readonly string[]): Record<string, string> {
  const types: Record<string, string> = {}
  for (const nodeId of order) {
    const node = compiled.nodes.get(nodeId)
    if (node) types[nodeId] = `${node.definition.type}@${node.definition.version}`
  }
  return types
}

/**
 * The node settings a cohort mode may depend on, as the env holds them this tick: the engine
 * swaps its env when the contact policy changes, so due-work and the batch agree within a tick.
 */
export function cohortSettings(env: ExecutorEnv): NodeCohortSettings {
  return env.contactPolicy ? { contactPolicy: env.contactPolicy } : {}
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
