/**
 * Version history's pure parts: the semantic diff of a published version against the draft
 * (GET /flows/{id}/diff) turned into what the canvas draws — added steps green, changed ones
 * amber with the changed paths, removed ones as red ghosts where they stood, removed edges as
 * ghosts too — and "restore as draft": the version's logic with the draft's view state.
 *
 * Published versions hold no layout (moving a box is not a version), so a removed step has no
 * position of its own: it is placed where it sat relative to a neighbour that is still on the
 * canvas, in a top-to-bottom layout of the old version; with no such neighbour, beside the flow.
 */
import type { FlowDiff } from '../api.ts'
import { edgeKey, type Flow, type FlowEdge, type FlowNode, type Point } from './flow-model.ts'
import { autoLayout, NODE_HEIGHT, NODE_WIDTH } from './layout.ts'

/** How a step of the draft differs from the version. */
export interface NodeDiff {
  status: 'added' | 'changed'
  /** Changed paths with the old and new values, for the tooltip and the panel. */
  changes: string[]
}

export interface DiffOverlay {
  nodes: Record<string, NodeDiff>
  /** Steps of the version the draft no longer has, with where to draw them. */
  ghosts: { node: FlowNode; position: Point; outputs: string[] }[]
  /** Edges of the version the draft no longer has (removed, or the old end of a rewiring). */
  ghostEdges: FlowEdge[]
  /** Keys (`from|output|to`) of the draft's edges the version did not have. */
  addedEdges: string[]
}

const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value))

/** The changed paths of each changed node, as `path: old → new`. */
function nodeChanges(change: FlowDiff['nodesChanged'][number]): string[] {
  const lines: string[] = []
  if (change.typeChanged) lines.push(`type: ${change.typeChanged.from} → ${change.typeChanged.to}`)
  if (change.versionChanged) lines.push(`version: ${show(change.versionChanged.from)} → ${show(change.versionChanged.to)}`)
  if (change.titleChanged) lines.push(`title: ${show(change.titleChanged.from)} → ${show(change.titleChanged.to)}`)
  for (const value of change.config) lines.push(`${value.path}: ${show(value.from)} → ${show(value.to)}`)
  return lines
}

/**
 * Where to draw the steps `ids` of `version` that `draft` lacks: each keeps its offset, in a
 * layout of the version, from the first of its neighbours that the draft still has; the others
 * go in a column to the right of the draft. A position the draft's layout still holds for the
 * step wins.
 */
export function ghostPositions(version: Flow, draft: Flow, ids: readonly string[]): Record<string, Point> {
  const laid = autoLayout({ ...version, layout: {} })
  const onCanvas = (id: string) => draft.layout[id] ?? undefined
  const positions: Record<string, Point> = {}
  const placed = Object.values(draft.layout)
  const right = placed.length === 0 ? 0 : Math.max(...placed.map((p) => p.x)) + NODE_WIDTH + 80
  let lonely = 0
  for (const id of ids) {
    const neighbours = version.edges.flatMap((e) => (e.from === id ? [e.to] : e.to === id ? [e.from] : []))
    const anchor = neighbours.find((n) => onCanvas(n) && laid[n])
    const self = laid[id]
    const left = draft.layout[id]
    // A draft edited by hand may still hold the step's old position: that is where it stood.
    if (left) positions[id] = { x: left.x, y: left.y }
    else if (anchor && self) {
      const at = onCanvas(anchor) as Point
      const from = laid[anchor] as Point
      positions[id] = { x: at.x + self.x - from.x, y: at.y + self.y - from.y }
    } else {
      positions[id] = { x: right, y: lonely * (NODE_HEIGHT + 60) }
      lonely += 1
    }
  }
  return positions
}

/**
 * The canvas overlay of `diff` (from `version` to `draft`). `outputsOf` gives a node type's
 * outputs, so a ghost has the handles its old edges leave from.
 */
export function diffOverlay(diff: FlowDiff, version: Flow, draft: Flow, outputsOf: (type: string) => readonly string[] = () => []): DiffOverlay {
  const nodes: Record<string, NodeDiff> = {}
  for (const added of diff.nodesAdded) nodes[added.id] = { status: 'added', changes: [] }
  for (const changed of diff.nodesChanged) nodes[changed.id] = { status: 'changed', changes: nodeChanges(changed) }
  const removedIds = diff.nodesRemoved.map((n) => n.id)
  const positions = ghostPositions(version, draft, removedIds)
  const ghosts = removedIds.flatMap((id) => {
    const node = version.nodes.find((n) => n.id === id)
    if (!node) return []
    const used = version.edges.filter((e) => e.from === id).map((e) => e.output)
    return [{ node, position: positions[id] as Point, outputs: [...new Set([...outputsOf(node.type), ...used])] }]
  })
  const ghostEdges = [...diff.edgesRemoved, ...diff.edgesRewired.map((r) => ({ from: r.from, output: r.output, to: r.toBefore }))]
  const addedEdges = [...diff.edgesAdded, ...diff.edgesRewired.map((r) => ({ from: r.from, output: r.output, to: r.toAfter }))].map(edgeKey)
  return { nodes, ghosts, ghostEdges, addedEdges }
}

/**
 * The flow-level changes worth showing: the version number differs between any published
 * version and a draft that moved on, and publishing numbers the draft itself.
 */
export function flowChanges(diff: FlowDiff): FlowDiff['flow'] {
  return diff.flow.filter((change) => change.path !== 'version')
}

/** Whether the diff has any change to show (layout is never part of it, nor the version number). */
export function hasChanges(diff: FlowDiff): boolean {
  const { flow: _flow, ...parts } = diff
  return flowChanges(diff).length > 0 || Object.values(parts).some((part) => part.length > 0)
}

/**
 * The draft after "restore as draft": the version's logic (name, nodes, edges, settings) with
 * the draft's id, version number, schema reference, layout and sticky notes; steps the draft lacks go
 * where {@link ghostPositions} draws them.
 */
export function restoreVersion(draft: Flow, version: Flow): Flow {
  const missing = version.nodes.filter((n) => !draft.layout[n.id]).map((n) => n.id)
  const placed = ghostPositions(version, draft, missing)
  const layout: Flow['layout'] = {}
  for (const node of version.nodes) {
    const at = draft.layout[node.id] ?? placed[node.id]
    if (at) layout[node.id] = { ...at, x: Math.round(at.x), y: Math.round(at.y) }
  }
  const { $schema: _versionSchema, notes: _versionNotes, ...logic } = version
  return {
    ...logic,
    ...(draft.$schema === undefined ? {} : { $schema: draft.$schema }),
    id: draft.id,
    version: draft.version,
    layout,
    ...(draft.notes === undefined ? {} : { notes: draft.notes }),
  }
}
