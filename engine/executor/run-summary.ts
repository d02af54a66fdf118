/**
 * A run's summary from its journal and outbox: per node how many arrived and left on each
 * output, sends per channel, and where customers are now. This is what `sluice run --json`
 * prints; every declared output appears (with 0), so the shape does not depend on the data.
 */
import type { EngineStore, RunRow } from '../ports/engine-store.ts'
import type { Channel } from '../ports/store.ts'
import { NotFoundError } from '../errors.ts'
import type { CompiledFlow, CompiledNode } from '../compiler/compile-flow.ts'
import type { RunRuntime } from './run-runtime.ts'

/** Counts of one node. */
export interface NodeSummary {
  entered: number
  outputs: Record<string, number>
  /** Customers parked here at some point (a park is counted each time). */
  parked: number
  /** Customers whose node run failed for good here. */
  failed: number
}

export interface RunSummary {
  runId: string
  flow: { id: string; version: number }
  state: RunRow['state']
  nodes: Record<string, NodeSummary>
  /** Send intents per channel (holdout customers excluded: see `held`). */
  sends: Partial<Record<Channel, number>>
  /** Outbox states: delivered, waiting for a (re)try, dead-lettered. */
  delivery: { sent: number; pending: number; dead: number }
  /** Sends held back because the customer is in the holdout, per channel. */
  held: Partial<Record<Channel, number>>
  /** Where customers are now. */
  positions: { active: number; done: number; error: number; cancelled: number }
  /** Customers in the error state, per node and error message, the largest groups first. */
  errors: RunErrorGroup[]
}

/** Customers who ended in error at one node with one message. */
export interface RunErrorGroup {
  nodeId: string
  message: string
  customers: number
}

/** Summarises a run. */
export async function summarizeRun(store: EngineStore, runId: string, runtimeOf: (run: RunRow) => Promise<RunRuntime>): Promise<RunSummary> {
  const run = await store.getRun(runId)
  if (!run) throw new NotFoundError('run', runId)
  const { compiled } = await runtimeOf(run)
  const nodes: Record<string, NodeSummary> = {}
  for (const node of journeyOrder(compiled)) {
    nodes[node.id] = { entered: 0, outputs: Object.fromEntries(node.outputs.map((o) => [o, 0])), parked: 0, failed: 0 }
  }
  const held: Partial<Record<Channel, number>> = {}
  for (const total of await store.journalTotals(runId)) {
    const node = nodes[total.nodeId]
    if (!node) continue
    if (total.kind === 'arrive') node.entered += total.count
    else if (total.kind === 'route' && total.output !== null) node.outputs[total.output] = (node.outputs[total.output] ?? 0) + total.count
    else if (total.kind === 'park') node.parked += total.count
    else if (total.kind === 'error' && total.output === 'failed') node.failed += total.count
    else if (total.kind === 'held' && total.output !== null) held[total.output as Channel] = (held[total.output as Channel] ?? 0) + total.count
  }
  const sends: Partial<Record<Channel, number>> = {}
  const delivery = { sent: 0, pending: 0, dead: 0 }
  for (const count of await store.outboxCounts(runId)) {
    sends[count.channel] = (sends[count.channel] ?? 0) + count.count
    delivery[count.state] += count.count
  }
  const positions = { active: 0, done: 0, error: 0, cancelled: 0 }
  for (const count of await store.countPositions(runId)) positions[count.state] += count.count
  const errors = positions.error === 0 ? [] : (await store.positionErrors(runId)).map(({ nodeId, message, count }) => ({ nodeId, message, customers: count }))
  return { runId, flow: { id: run.flowId, version: run.flowVersion }, state: run.state, nodes, sends, delivery, held, positions, errors }
}

/** Nodes in the order a customer meets them: breadth-first from the trigger along the outputs, then any others. */
function journeyOrder(compiled: CompiledFlow): CompiledNode[] {
  const order: string[] = [compiled.triggerId]
  for (let i = 0; i < order.length; i++) {
    const node = compiled.nodes.get(order[i] as string)
    for (const output of node?.outputs ?? []) {
      const next = compiled.next(node?.id as string, output)
      if (next.kind === 'node' && !order.includes(next.nodeId)) order.push(next.nodeId)
    }
  }
  for (const id of compiled.nodes.keys()) if (!order.includes(id)) order.push(id)
  return order.map((id) => compiled.nodes.get(id) as CompiledNode)
}
