/**
 * Auto-layout with dagre, top to bottom, as one edit: for the whole flow or a selection, and
 * never moving a pinned node (hand placement survives "tidy up"). Pinned nodes still take part
 * in the ranking, so the others arrange around them.
 */
import dagre from '@dagrejs/dagre'
import type { Flow, Point } from './flow-model.ts'

export const NODE_WIDTH = 240
export const NODE_HEIGHT = 84

/** New positions for the nodes to move (`only`, default all), leaving pinned ones where they are. */
export function autoLayout(flow: Flow, only?: ReadonlySet<string>): Record<string, Point> {
  const graph = new dagre.graphlib.Graph()
  graph.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 70, marginx: 20, marginy: 20 })
  graph.setDefaultEdgeLabel(() => ({}))
  for (const node of flow.nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT })
  for (const edge of flow.edges) if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to)
  dagre.layout(graph)

  const movable = flow.nodes.filter((n) => (only ? only.has(n.id) : true) && flow.layout[n.id]?.pinned !== true)
  if (movable.length === 0) return {}
  // Keep a laid-out selection where it was: shift it so its top-left stays put.
  const laid = movable.map((n) => ({ id: n.id, at: graph.node(n.id) as { x: number; y: number } }))
  let dx = 0
  let dy = 0
  if (only) {
    const before = movable.map((n) => flow.layout[n.id] ?? { x: 0, y: 0 })
    dx = Math.min(...before.map((p) => p.x)) - Math.min(...laid.map((l) => l.at.x - NODE_WIDTH / 2))
    dy = Math.min(...before.map((p) => p.y)) - Math.min(...laid.map((l) => l.at.y - NODE_HEIGHT / 2))
  }
  return Object.fromEntries(laid.map(({ id, at }) => [id, { x: Math.round(at.x - NODE_WIDTH / 2 + dx), y: Math.round(at.y - NODE_HEIGHT / 2 + dy) }]))
}
