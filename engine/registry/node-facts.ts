/**
 * The cross-cutting questions about a flow's nodes, answered from their declarations
 * (`measures`, `gatesChannel`, `writesTags` in engine/sdk/define-node.ts): which goal a flow
 * measures, which nodes are contact-policy gates on which channel, which tags it writes. The
 * report, the simulation, the CLI and the contact-policy arbitration ask here, so no code outside
 * a node's folder tests a node's type name or reads its config. Each config is first upgraded
 * by the type's migrations and parsed by its schema, as the engine runs it: a config migration
 * changes the answer with the config instead of silently breaking it.
 */
import { UserError } from '../errors.ts'
import { upgradeFlow } from '../flow/upgrade.ts'
import type { Flow } from '../flow/schema.ts'
import type { Channel } from '../ports/store.ts'
import type { AnyNodeDefinition } from '../sdk/define-node.ts'
import type { DeclaredTag, MeasuredGoal } from '../sdk/types.ts'
import { parseNodeConfig } from '../sdk/validate-config.ts'
import type { NodeRegistry } from './registry.ts'

/** A node whose declaration states a fact, with the fact. */
export interface NodeFact<Fact> {
  nodeId: string
  fact: Fact
}

/** A contact-policy gate of a flow: the node and the channel it gates (`null`: none in particular). */
export interface PolicyGate {
  nodeId: string
  channel: Channel | null
}

type FactName = 'measures' | 'gatesChannel' | 'writesTags'

/**
 * The fact `name` of every node of `flow` whose declaration states it, in flow order. A node
 * whose type or version the registry cannot resolve fails, naming the node, since its facts
 * are unknown.
 */
function factsOf<Fact>(flow: Flow, registry: NodeRegistry, name: FactName): NodeFact<Fact>[] {
  const upgraded = upgradeFlow(flow, registry)
  const facts: NodeFact<Fact>[] = []
  for (const node of upgraded.nodes) {
    const resolution = registry.resolve(node.type, node.version)
    if (!resolution.ok) throw new UserError('flow.node-type', `flow "${flow.id}" node "${node.id}": ${resolution.message}`)
    const definition: AnyNodeDefinition = resolution.definition
    const declared = definition[name] as ((config: unknown) => Fact) | undefined
    if (declared === undefined) continue
    const config = parseNodeConfig(definition, node.config, { nodeId: node.id, nodes: upgraded.nodes, edges: upgraded.edges })
    facts.push({ nodeId: node.id, fact: declared(config) })
  }
  return facts
}

/** The ids of the flow's trigger nodes (declared category `trigger`), in flow order. */
export function triggerNodeIds(flow: Flow, registry: NodeRegistry): string[] {
  return flow.nodes.filter((node) => {
    const resolution = registry.resolve(node.type, node.version)
    return resolution.ok && resolution.definition.category === 'trigger'
  }).map((node) => node.id)
}

/** The goals the flow's nodes measure (measure nodes), in flow order. */
export function measuredGoals(flow: Flow, registry: NodeRegistry): NodeFact<MeasuredGoal>[] {
  return factsOf<MeasuredGoal>(flow, registry, 'measures')
}

/** True when some node of the flow declares that it measures a goal. */
export function measuresAGoal(flow: Flow, registry: NodeRegistry): boolean {
  return flow.nodes.some((node) => {
    const resolution = registry.resolve(node.type, node.version)
    return resolution.ok && typeof resolution.definition.measures === 'function'
  })
}

/** The flow's contact-policy gates and the channel each gates. */
export function policyGates(flow: Flow, registry: NodeRegistry): PolicyGate[] {
  return factsOf<Channel | null>(flow, registry, 'gatesChannel').map(({ nodeId, fact }) => ({ nodeId, channel: fact }))
}

/** The tags the flow's nodes write, per node. */
export function writtenTags(flow: Flow, registry: NodeRegistry): NodeFact<readonly DeclaredTag[]>[] {
  return factsOf<readonly DeclaredTag[]>(flow, registry, 'writesTags')
}
