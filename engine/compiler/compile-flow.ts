/**
 * Compiles a flow for running: verify it against the registry (every error at once), upgrade
 * node configs, parse each config with its declaration, build the journey machine, and ask the
 * trigger's declaration how customers enter. What comes out is everything the executor needs and
 * nothing it has to look up by a node type name.
 */
import type { AnyStateMachine } from 'xstate'
import { UserError, ValidationError } from '../errors.ts'
import type { Flow } from '../flow/schema.ts'
import { upgradeFlow } from '../flow/upgrade.ts'
import { hasErrors, verifyFlow } from '../flow/verify.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { cohortModeOf, outputsOf, type AnyNodeDefinition } from '../sdk/define-node.ts'
import type { EntrySpec } from '../sdk/entry-spec.ts'
import type { NodeCohortMode, NodeCohortSettings } from '../sdk/types.ts'
import { parseNodeConfig } from '../sdk/validate-config.ts'
import { buildJourneyMachine, resolveNext, type NextStep } from './journey-machine.ts'

/** One node, ready to run. */
export interface CompiledNode {
  id: string
  definition: AnyNodeDefinition
  /** The config parsed by the declaration's schema (defaults filled in). */
  config: unknown
  outputs: readonly string[]
  /**
   * How the executor feeds it under the tick's node settings (the contact policy in force can
   * change while the run runs, so the executor asks every tick rather than once at compile time).
   */
  cohortMode(settings: NodeCohortSettings): NodeCohortMode
}

/** A flow ready for the executor. */
export interface CompiledFlow {
  flow: Flow
  nodes: ReadonlyMap<string, CompiledNode>
  triggerId: string
  entry: EntrySpec
  machine: AnyStateMachine
  /** Where `output` of `nodeId` leads, resolved by the machine's pure transition. */
  next(nodeId: string, output: string): NextStep
}

/** Compiles `flow`; throws a ValidationError listing every error, or a UserError when the trigger cannot say how customers enter. */
export function compileFlow(input: Flow, registry: NodeRegistry): CompiledFlow {
  const issues = verifyFlow(input, registry)
  if (hasErrors(issues)) {
    const errors = issues.filter((i) => i.severity === 'error')
    throw new ValidationError(`flow "${input.id}" cannot run:\n${errors.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, errors)
  }
  const flow = upgradeFlow(input, registry)
  const nodes = new Map<string, CompiledNode>()
  for (const node of flow.nodes) {
    const definition = registry.get(node.type, node.version) as AnyNodeDefinition
    const context = { nodeId: node.id, nodes: flow.nodes, edges: flow.edges }
    const config = parseNodeConfig(definition, node.config, context)
    const cohortMode = (settings: NodeCohortSettings) => cohortModeOf(definition, config, settings)
    nodes.set(node.id, { id: node.id, definition, config, outputs: outputsOf(definition, config), cohortMode })
  }
  const trigger = [...nodes.values()].find((n) => n.definition.category === 'trigger') as CompiledNode
  if (typeof trigger.definition.entry !== 'function') {
    throw new UserError(
      'flow.trigger-entry',
      `node "${trigger.id}" (${trigger.definition.type}) is a trigger but its declaration has no entry(config): the engine cannot tell how customers enter`,
    )
  }
  const entry = trigger.definition.entry(trigger.config)
  const machine = buildJourneyMachine(flow, trigger.id, new Map([...nodes].map(([id, n]) => [id, n.outputs])))
  return { flow, nodes, triggerId: trigger.id, entry, machine, next: (nodeId, output) => resolveNext(machine, nodeId, output) }
}
