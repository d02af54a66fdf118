/**
 * Brings a flow's node configs up to the registry's latest versions by applying each node
 * type's migrations, as flows are loaded for running. Nodes pinned to a version the registry
 * still holds are left as they are.
 */
import type { NodeRegistry } from '../registry/registry.ts'
import type { Flow } from './schema.ts'

/** A copy of `flow` whose migratable nodes carry the latest version and a migrated config. */
export function upgradeFlow(flow: Flow, registry: NodeRegistry): Flow {
  return {
    ...flow,
    nodes: flow.nodes.map((node) => {
      const resolution = registry.resolve(node.type, node.version)
      if (!resolution.ok || resolution.migrateFrom === undefined) return node
      const upgraded = registry.upgradeConfig(node.type, resolution.migrateFrom, node.config)
      return { ...node, version: upgraded.version, config: upgraded.config }
    }),
  }
}
