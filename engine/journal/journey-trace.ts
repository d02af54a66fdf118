/**
 * "Why did customer X get this (or not)": every node the customer passed in each run, the output
 * taken and when, the reason in words from the node type's `explain`, and the messages sent with
 * their delivery state. One implementation for `sluice why`, the API's
 * `GET /api/customers/{id}/journey` and the editor's customer search.
 *
 * It reads the journal (customer-trail.ts), the run's pinned flow version (compiled as the engine
 * runs it, so `explain` sees the config with its defaults), the customer's positions and outbox
 * rows, and contact history. The journal scan is per run, fine for an operator's question.
 */
import { compileFlow, type CompiledFlow, type CompiledNode } from '../compiler/compile-flow.ts'
import { NotFoundError, UserError } from '../errors.ts'
import { flowSchema } from '../flow/schema.ts'
import type { CustomerPosition, EngineStore, OutboxRow, OutboxState, RunRow } from '../ports/engine-store.ts'
import type { Channel, StoredContact } from '../ports/store.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { customerTrail, type TrailStep } from './customer-trail.ts'

/** What happened to the customer at a node, in words as well as in fields. */
export interface JourneyStep {
  at: string
  batch: number
  nodeId: string
  /** The node's type and title, as the flow version the run pins has it (null when the node is not in it). */
  nodeType: string | null
  nodeTitle: string | null
  /** passed: left on `output`; waiting: parked at the node; held-back: a send held for the holdout; error: the node failed (output `retry` or `failed`); note: a node's note about the customer. */
  kind: 'passed' | 'waiting' | 'held-back' | 'error' | 'note'
  output: string | null
  /** The reason in words: the node type's explain, else the reason the node journalled. */
  reason: string
  /** The reason code and values the node journalled, when it gave any. */
  detail?: { reason?: string; values?: Record<string, unknown> }
}

/** A message of the run to the customer and how its delivery went. */
export interface JourneyMessage {
  id: number
  nodeId: string
  channel: Channel
  /** pending (not delivered yet, or retrying), sent, or dead (given up). */
  state: OutboxState
  attempts: number
  lastError: string | null
  offer: string | null
  createdAt: string
  sentAt: string | null
  /** What contact history says of it (sent, delivered, failed, bounced), when a contact was recorded. */
  contact: string | null
  /** A fallback of another send of the same visit (sent when that one failed for good). */
  fallback: boolean
}

/** One run the customer entered. */
export interface JourneyRun {
  runId: string
  flowId: string
  flowVersion: number
  runState: RunRow['state']
  /** Where the customer is now in the run. */
  position: { nodeId: string; state: CustomerPosition['state']; holdout: boolean; dueAt: string | null; lastOutput: string | null; error: string | null } | null
  steps: JourneyStep[]
  /** The edges the customer took, each once, in the order first taken (for drawing the path). */
  edges: { from: string; output: string; to: string }[]
  messages: JourneyMessage[]
}

export interface JourneyTrace {
  customer: string
  runs: JourneyRun[]
}

export interface JourneyEnv {
  store: EngineStore
  registry: NodeRegistry
}

/** Messages of one customer read per trace: far more than one journey sends. */
const OUTBOX_LIMIT = 1_000

const iso = (ms: number) => new Date(ms).toISOString()

/** The journey of customer `customerId` in every run they entered (newest first), or in `runId` only. */
export async function journeyTrace(env: JourneyEnv, customerId: string, options: { runId?: string } = {}): Promise<JourneyTrace> {
  const { store } = env
  const [ref] = await store.customersByIds([customerId])
  if (!ref) throw new NotFoundError('customer', customerId)
  const positions = await store.customerPositions(ref.key)
  let runs: { run: RunRow; position: CustomerPosition | undefined }[]
  if (options.runId !== undefined) {
    const run = await store.getRun(options.runId)
    if (!run) throw new NotFoundError('run', options.runId)
    const position = positions.find((p) => p.runId === run.id)
    if (!position) throw new UserError('journey.not-in-run', `customer "${customerId}" never entered run "${run.id}" (flow ${run.flowId} v${run.flowVersion})`)
    runs = [{ run, position }]
  } else {
    // customerPositions answers newest run first.
    const found = await Promise.all(positions.map(async (position) => ({ run: await store.getRun(position.runId), position })))
    runs = found.filter((r): r is { run: RunRow; position: CustomerPosition } => r.run !== undefined)
  }
  const [outbox, contacts] = await Promise.all([store.customerOutbox(ref.key, OUTBOX_LIMIT), store.customers.listContacts(customerId)])
  const traced: JourneyRun[] = []
  for (const { run, position } of runs) {
    const compiled = await compiledVersion(env, run)
    const trail = await customerTrail(store, run.id, ref.key)
    traced.push({
      runId: run.id,
      flowId: run.flowId,
      flowVersion: run.flowVersion,
      runState: run.state,
      position: position
        ? { nodeId: position.nodeId, state: position.state, holdout: position.holdout, dueAt: position.dueAt === null ? null : iso(position.dueAt), lastOutput: position.lastOutput, error: position.error }
        : null,
      steps: stepsOf(trail, compiled, customerId),
      edges: edgesTaken(trail, compiled),
      messages: messagesOf(outbox.filter((o) => o.runId === run.id), contacts.filter((c) => c.runId === run.id)),
    })
  }
  return { customer: customerId, runs: traced }
}

/** The run's pinned flow version, compiled as the engine runs it; undefined when it no longer compiles (a node type gone). */
export async function compiledVersion(env: JourneyEnv, run: RunRow): Promise<CompiledFlow | undefined> {
  const version = await env.store.getFlowVersion(run.flowId, run.flowVersion)
  if (!version) return undefined
  try {
    return compileFlow(flowSchema.parse(JSON.parse(version.definition)), env.registry)
  } catch {
    // The journal still tells the path; only the words of `explain` are lost.
    return undefined
  }
}

type Detail = NonNullable<JourneyStep['detail']>

/** Trail rows as steps: a route or park with its detail (same batch, node and output), errors, held-back sends, notes. */
function stepsOf(trail: readonly TrailStep[], compiled: CompiledFlow | undefined, customerId: string): JourneyStep[] {
  const details = new Map<string, Detail>()
  const detailKey = (batch: number, nodeId: string, output: string | null) => `${batch}\u0000${nodeId}\u0000${output ?? '\u0001'}`
  for (const step of trail) if (step.kind === 'detail' && step.data !== undefined) details.set(detailKey(step.batch, step.nodeId, step.output), step.data as Detail)

  const steps: JourneyStep[] = []
  for (const step of trail) {
    const node = compiled?.nodes.get(step.nodeId)
    const flowNode = compiled?.flow.nodes.find((n) => n.id === step.nodeId)
    const base = {
      at: iso(step.at),
      batch: step.batch,
      nodeId: step.nodeId,
      nodeType: node?.definition.type ?? null,
      nodeTitle: flowNode?.title ?? node?.definition.title ?? null,
    }
    const data = (step.data ?? {}) as { message?: unknown; reason?: unknown }
    switch (step.kind) {
      case 'route':
      case 'park': {
        const output = step.kind === 'route' ? step.output : null
        const detail = details.get(detailKey(step.batch, step.nodeId, output))
        steps.push({ ...base, kind: step.kind === 'route' ? 'passed' : 'waiting', output, reason: explainStep(node, customerId, step.at, output, detail), ...(detail ? { detail } : {}) })
        break
      }
      case 'held':
        steps.push({ ...base, kind: 'held-back', output: step.output, reason: `the ${step.output ?? ''} message was held back: the customer is in the flow's holdout (followed, never messaged)` })
        break
      case 'error': {
        const message = typeof data.message === 'string' ? data.message : 'no message'
        steps.push({ ...base, kind: 'error', output: step.output, reason: step.output === 'retry' ? `the node failed and will be retried: ${message}` : `the node failed: ${message}` })
        break
      }
      case 'note':
        steps.push({ ...base, kind: 'note', output: null, reason: typeof data.message === 'string' ? data.message : JSON.stringify(step.data) })
        break
      default:
        // arrive rows say the customer reached the node; the route or park that follows says more.
        break
    }
  }
  return steps
}

/** The node type's explain of one decision (output null: a park); the journalled reason when the type has none or it throws. Run whereabouts reuse it. */
export function explainStep(node: CompiledNode | undefined, customer: string, at: number, output: string | null, detail: Detail | undefined): string {
  const fallback = detail?.reason ?? (output === null ? 'waiting at the node' : `left on "${output}"`)
  const explain = node?.definition.explain
  if (!node || !explain) return fallback
  try {
    return explain({ customer, output, at, ...(detail?.reason === undefined ? {} : { reason: detail.reason }), ...(detail?.values === undefined ? {} : { values: detail.values }) }, node.config)
  } catch (error) {
    return `${fallback} (explain failed: ${error instanceof Error ? error.message : String(error)})`
  }
}

/** The flow's edges the customer's routes took, each once. */
function edgesTaken(trail: readonly TrailStep[], compiled: CompiledFlow | undefined): JourneyRun['edges'] {
  if (!compiled) return []
  const taken = new Map<string, JourneyRun['edges'][number]>()
  for (const step of trail) {
    if (step.kind !== 'route' || step.output === null) continue
    for (const edge of compiled.flow.edges) {
      if (edge.from !== step.nodeId || edge.output !== step.output) continue
      const id = `${edge.from}\u0000${edge.output}\u0000${edge.to}`
      if (!taken.has(id)) taken.set(id, { from: edge.from, output: edge.output, to: edge.to })
    }
  }
  return [...taken.values()]
}

/** The run's sends, oldest first, each with the contact history row of the same node and channel (matched in time order). */
function messagesOf(outbox: readonly OutboxRow[], contacts: readonly StoredContact[]): JourneyMessage[] {
  const unmatched = [...contacts].sort((a, b) => a.at - b.at)
  return [...outbox].sort((a, b) => a.id - b.id).map((row) => {
    const index = unmatched.findIndex((c) => c.nodeId === row.nodeId && c.channel === row.channel)
    const contact = index < 0 ? undefined : unmatched.splice(index, 1)[0]
    return {
      id: row.id,
      nodeId: row.nodeId,
      channel: row.channel,
      state: row.state,
      attempts: row.attempts,
      lastError: row.lastError,
      offer: row.offer,
      createdAt: iso(row.createdAt),
      sentAt: row.sentAt === null ? null : iso(row.sentAt),
      contact: contact ? (contact.status ?? 'sent') : null,
      // Fallback intents are keyed `<send key>><channel>` (outbox dispatcher).
      fallback: row.key.includes('>'),
    }
  })
}
