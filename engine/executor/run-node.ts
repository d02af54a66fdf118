/**
 * Runs one node's code for a cohort: the node context (clock, seed, ids, data, settings, a log
 * that collects lines for the journal), the declaration's `run`, and the accounting check of its
 * result. This is the one place the engine calls node code — the executor and the benchmark's
 * per-customer engine both come through here — so whatever guards node code guards both: the
 * determinism guard (engine/sdk/determinism-guard.ts) wraps the `run` call.
 * A throw or a broken result comes back as a failure with its message, for the planner's retry
 * rule (engine/planner/plan-step.ts).
 */
import type { CompiledNode } from '../compiler/compile-flow.ts'
import { NodeRunError } from '../errors.ts'
import type { NodeDataPort } from '../ports/node-data.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import { assertNodeResult, type Exit } from '../sdk/check-result.ts'
import { createNodeContext } from '../sdk/context.ts'
import { runNodeGuarded } from '../sdk/determinism-guard.ts'
import type { CohortMember, LogEntry, NodeContext, NodeResult, NodeSecrets } from '../sdk/types.ts'
import { createIdSource } from '../random.ts'
import type { RunRuntime } from './run-runtime.ts'

/** Settings a node reads through its context. */
export interface NodeRunSettings {
  /** The global contact policy (ctx.contactPolicy). */
  contactPolicy?: ContactPolicy
  /** The project's secrets (ctx.secrets). */
  secrets?: NodeSecrets
  /** The server's public URL (ctx.publicUrl). */
  publicUrl?: string
}

/**
 * The context a node's `run` gets from the engine: the batch's `now`, the run's seed and id,
 * the flow, the node, the data port, the batch's ids and the settings in force. testNode
 * (testing/test-node.ts) builds its contexts here too, so a node tested alone sees what it
 * sees in a flow.
 */
export function nodeRunContext(input: {
  run: { id: string; seed: string }
  flow: { id: string; version: number; priority: number }
  node: { id: string; type: string; version: number }
  now: number
  data: NodeDataPort
  ids: () => string
  settings: NodeRunSettings
  onLog: (entry: LogEntry) => void
}): NodeContext {
  const { settings } = input
  return createNodeContext({
    clock: { now: () => input.now },
    seed: input.run.seed,
    runId: input.run.id,
    flow: input.flow,
    ...(settings.contactPolicy ? { contactPolicy: settings.contactPolicy } : {}),
    ...(settings.secrets ? { secrets: settings.secrets } : {}),
    ...(settings.publicUrl === undefined ? {} : { publicUrl: settings.publicUrl }),
    node: input.node,
    data: input.data,
    ids: input.ids,
    onLog: input.onLog,
  })
}

/** The ids of one batch of a run (ctx.id()): keyed by the run's seed and the batch's number, as move-batch.ts makes them. */
export function batchIdSource(seed: string, batch: number): () => string {
  return createIdSource(`${seed}:${batch}`)
}

/** What a node run gave: its checked result and exits, or the failure's message; the lines it logged either way. */
export type NodeRunOutcome = { ok: true; result: NodeResult; exits: Exit[]; logs: LogEntry[] } | { ok: false; message: string; logs: LogEntry[] }

/** Runs `node` for `members` at `now`. Never throws for the node's own faults. */
export async function runNode(input: {
  runtime: RunRuntime
  node: CompiledNode
  members: readonly CohortMember[]
  now: number
  data: NodeDataPort
  ids: () => string
  settings?: NodeRunSettings
}): Promise<NodeRunOutcome> {
  const { runtime, node, members, now, settings = {} } = input
  const { run, compiled } = runtime
  const logs: LogEntry[] = []
  try {
    const ctx = nodeRunContext({
      run,
      flow: { id: compiled.flow.id, version: compiled.flow.version, priority: compiled.flow.settings.priority },
      node: { id: node.id, type: node.definition.type, version: node.definition.version },
      now,
      data: input.data,
      ids: input.ids,
      settings,
      onLog: (entry) => logs.push(entry),
    })
    const result = await runNodeGuarded(ctx.node, () => node.definition.run({ config: node.config, customers: members, ctx }))
    const exits = assertNodeResult({ nodeId: node.id, runId: run.id }, members, result, node.outputs)
    return { ok: true, result, exits, logs }
  } catch (error) {
    return { ok: false, message: (error instanceof NodeRunError ? error : new NodeRunError(node.id, run.id, error)).message, logs }
  }
}
