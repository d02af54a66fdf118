/**
 * A flow's graph as one xstate v5 machine: one state per node, one event per named output, and a
 * final state where an output is left unconnected. Customers are rows, not actors: the executor
 * never starts this machine; it asks the pure `transition()` where one (node, output) leads and
 * moves the whole group of customers there. xstate is the one source of truth for "what follows
 * what"; there is no second graph walker.
 */
import { createMachine, transition, type AnyStateMachine } from 'xstate'
import type { Flow } from '../flow/schema.ts'

/** Key of the final state customers reach on an unconnected output. Node ids cannot contain `:`. */
export const END_STATE = 'end:'

/** Where an output leads: another node, or the end of the journey. */
export type NextStep = { kind: 'node'; nodeId: string } | { kind: 'end' }

/** Builds the journey machine of a (verified) flow; `outputs` lists every node's outputs. */
export function buildJourneyMachine(flow: Flow, triggerId: string, outputs: ReadonlyMap<string, readonly string[]>): AnyStateMachine {
  const targets = new Map<string, string>()
  for (const edge of flow.edges) targets.set(`${edge.from}\u0000${edge.output}`, edge.to)
  const states: Record<string, object> = {}
  for (const node of flow.nodes) {
    const on: Record<string, { target: string }> = {}
    for (const output of outputs.get(node.id) ?? []) {
      on[output] = { target: targets.get(`${node.id}\u0000${output}`) ?? END_STATE }
    }
    states[node.id] = { on }
  }
  states[END_STATE] = { type: 'final' }
  return createMachine({ id: `flow:${flow.id}@${flow.version}`, initial: triggerId, states })
}

/**
 * Where `output` of `nodeId` leads, by xstate's pure transition from the state of that node.
 * Throws when the machine has no such transition (an output the node does not declare).
 */
export function resolveNext(machine: AnyStateMachine, nodeId: string, output: string): NextStep {
  // xstate ignores an event a state does not handle; for us that is a wiring bug, not a no-op.
  if (!machine.states[nodeId]?.on[output]) throw new Error(`the flow has no transition for output "${output}" of node "${nodeId}"`)
  const [next] = transition(machine, machine.resolveState({ value: nodeId, context: undefined }), { type: output })
  if (next.status === 'done' || next.value === END_STATE) return { kind: 'end' }
  return { kind: 'node', nodeId: next.value as string }
}
