/**
 * Canonical text of a flow file: fixed key order, nodes sorted by id, edges by
 * (from, output, to), layout by node id, notes by id, config keys sorted, 2-space indent and a
 * trailing newline. Any two equal flows print to the same bytes, whatever order they were authored or
 * shuffled in, so version-control diffs show only real changes. Browser-safe.
 */
import type { Flow, FlowEdge, FlowNode, FlowNote, FlowSettings } from './schema.ts'

/** Code-unit order: the same in every locale and runtime, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A copy of a JSON value with object keys sorted at every depth; array order is meaning and is kept. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort(compareText)
        .map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]),
    )
  }
  return value
}

/** Drops keys whose value is undefined, keeping the order of the rest. */
function defined<T extends Record<string, unknown>>(entries: T): T {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as T
}

function canonicalNode(node: FlowNode): FlowNode {
  return defined({ id: node.id, type: node.type, version: node.version, title: node.title, config: sortKeysDeep(node.config) as FlowNode['config'] })
}

function canonicalEdge(edge: FlowEdge): FlowEdge {
  return { from: edge.from, output: edge.output, to: edge.to }
}

function canonicalSettings(settings: FlowSettings): FlowSettings {
  const entry = settings.entry.policy === 'again-after' ? { policy: settings.entry.policy, days: settings.entry.days } : { policy: settings.entry.policy }
  const goal = settings.goal && defined({ event: settings.goal.event, where: settings.goal.where && (sortKeysDeep(settings.goal.where) as Record<string, string>), withinDays: settings.goal.withinDays })
  return defined({ priority: settings.priority, entry, holdout: { percent: settings.holdout.percent }, goal }) as FlowSettings
}

function canonicalNote(note: FlowNote): FlowNote {
  return defined({ id: note.id, text: note.text, x: note.x, y: note.y, width: note.width, height: note.height, color: note.color })
}

/** Orders nodes by id and edges by (from, output, to), as they are written. */
export function canonicalFlow(flow: Flow): Flow {
  const nodes = [...flow.nodes].sort((a, b) => compareText(a.id, b.id)).map(canonicalNode)
  const edges = [...flow.edges]
    .sort((a, b) => compareText(a.from, b.from) || compareText(a.output, b.output) || compareText(a.to, b.to))
    .map(canonicalEdge)
  const layout = Object.fromEntries(
    Object.keys(flow.layout)
      .sort(compareText)
      .map((id) => [id, { x: flow.layout[id]?.x ?? 0, y: flow.layout[id]?.y ?? 0, ...(flow.layout[id]?.pinned === true ? { pinned: true } : {}) }]),
  )
  // No notes and an empty list are the same file: the key is left out.
  const notes = flow.notes && flow.notes.length > 0 ? [...flow.notes].sort((a, b) => compareText(a.id, b.id)).map(canonicalNote) : undefined
  return defined({
    $schema: flow.$schema,
    id: flow.id,
    name: flow.name,
    description: flow.description,
    version: flow.version,
    nodes,
    edges,
    settings: canonicalSettings(flow.settings),
    layout,
    notes,
  })
}

/** The canonical file text of a flow. */
export function formatFlow(flow: Flow): string {
  return `${JSON.stringify(canonicalFlow(flow), null, 2)}\n`
}
