/**
 * The flow document the editor edits, and every edit as a pure function of it: add, connect,
 * insert on an edge, remove, paste, move, lay out. The store (editor-store.ts) applies them as
 * one undo step each; tests call them directly. Positions are view state: they live in the flow
 * file's `layout`, apart from the logic, so diffs of the logic stay readable.
 */
import type { Flow, FlowEdge, FlowNode, FlowNote } from '../../../engine/flow/schema.ts'
import { NODE_HEIGHT, NODE_WIDTH } from './layout.ts'

export type { Flow, FlowEdge, FlowNode, FlowNote }
export interface Point {
  x: number
  y: number
}

/** Vertical distance between a node and the one added after it. */
export const STEP_Y = 140

/** A node id for `type` not yet used in `flow`: `wait`, `wait-2`, … */
export function freshNodeId(flow: Pick<Flow, 'nodes'>, type: string, taken: ReadonlySet<string> = new Set()): string {
  const used = new Set([...flow.nodes.map((n) => n.id), ...taken])
  for (let n = 1; ; n++) {
    const id = n === 1 ? type : `${type}-${n}`
    if (!used.has(id)) return id
  }
}

export function addNode(flow: Flow, type: string, at: Point, config: Record<string, unknown> = {}): { flow: Flow; id: string } {
  const id = freshNodeId(flow, type)
  return { id, flow: { ...flow, nodes: [...flow.nodes, { id, type, config }], layout: { ...flow.layout, [id]: round(at) } } }
}

/** Connects `from`'s output to `to`; an output leads to one node, so an existing edge of that output is replaced. */
export function connect(flow: Flow, edge: FlowEdge): Flow {
  if (edge.from === edge.to) return flow
  const others = flow.edges.filter((e) => !(e.from === edge.from && e.output === edge.output))
  return { ...flow, edges: [...others, edge] }
}

/** Adds a node after `from`'s `output`, below it, and connects it (the "+" on a handle). */
export function addAfter(flow: Flow, from: string, output: string, type: string): { flow: Flow; id: string } {
  const origin = flow.layout[from] ?? { x: 0, y: 0 }
  const siblings = flow.edges.filter((e) => e.from === from).length
  const added = addNode(flow, type, { x: origin.x + siblings * 40, y: origin.y + STEP_Y })
  return { id: added.id, flow: connect(added.flow, { from, output, to: added.id }) }
}

/**
 * Inserts a node of `type` into an edge: `from --output--> new --firstOutput--> to` (a drop on an
 * edge, or the "+" on an edge). The new node's first output continues the path.
 */
export function insertOnEdge(flow: Flow, edge: FlowEdge, type: string, firstOutput: string | undefined, at?: Point): { flow: Flow; id: string } {
  const a = flow.layout[edge.from] ?? { x: 0, y: 0 }
  const b = flow.layout[edge.to] ?? { x: a.x, y: a.y + 2 * STEP_Y }
  const added = addNode(flow, type, at ?? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 })
  let next = { ...added.flow, edges: added.flow.edges.filter((e) => !(e.from === edge.from && e.output === edge.output && e.to === edge.to)) }
  next = connect(next, { from: edge.from, output: edge.output, to: added.id })
  if (firstOutput) next = connect(next, { from: added.id, output: firstOutput, to: edge.to })
  return { id: added.id, flow: makeRoomBelow(next, added.id, edge.to, edge.from) }
}

/** The space kept between a step and the one below it when steps are moved to make room. */
export const ROOM_Y = 40

/**
 * Moves the chain from `start` (it and every step after it, but not `stop` nor pinned steps)
 * down when `start` overlaps the step `above` (with ROOM_Y between them), so an inserted step
 * never covers the one it leads to. Part of the same edit: one undo step.
 */
export function makeRoomBelow(flow: Flow, above: string, start: string, stop: string, size: { width: number; height: number } = { width: NODE_WIDTH, height: NODE_HEIGHT }): Flow {
  const a = flow.layout[above]
  const b = flow.layout[start]
  if (!a || !b || b.pinned) return flow
  const dy = a.y + size.height + ROOM_Y - b.y
  if (dy <= 0 || Math.abs(b.x - a.x) >= size.width || b.y + size.height <= a.y) return flow
  const chain = new Set<string>()
  const queue = [start]
  while (queue.length > 0) {
    const id = queue.shift() as string
    if (chain.has(id) || id === above || id === stop || flow.layout[id]?.pinned) continue
    chain.add(id)
    for (const e of flow.edges) if (e.from === id) queue.push(e.to)
  }
  const layout = { ...flow.layout }
  for (const id of chain) {
    const p = layout[id]
    if (p) layout[id] = { ...p, y: p.y + dy }
  }
  return { ...flow, layout }
}

/** Removes nodes (with their edges and layout) and edges. */
export function remove(flow: Flow, nodeIds: readonly string[], edges: readonly FlowEdge[] = []): Flow {
  const gone = new Set(nodeIds)
  const layout = Object.fromEntries(Object.entries(flow.layout).filter(([id]) => !gone.has(id)))
  return {
    ...flow,
    nodes: flow.nodes.filter((n) => !gone.has(n.id)),
    edges: flow.edges.filter((e) => !gone.has(e.from) && !gone.has(e.to) && !edges.some((r) => sameEdge(r, e))),
    layout,
  }
}

/** An edge's key on the canvas and in counts: `from|output|to` (node ids cannot hold `|`). */
export function edgeKey(edge: FlowEdge): string {
  return `${edge.from}|${edge.output}|${edge.to}`
}

export function sameEdge(a: FlowEdge, b: FlowEdge): boolean {
  return a.from === b.from && a.output === b.output && a.to === b.to
}

export function setConfig(flow: Flow, nodeId: string, config: Record<string, unknown>): Flow {
  return { ...flow, nodes: flow.nodes.map((n) => (n.id === nodeId ? { ...n, config } : n)) }
}

export function setTitle(flow: Flow, nodeId: string, title: string): Flow {
  return { ...flow, nodes: flow.nodes.map((n) => (n.id === nodeId ? withTitle(n, title) : n)) }
}

function withTitle(node: FlowNode, title: string): FlowNode {
  const { title: _old, ...rest } = node
  return title.trim() === '' ? rest : { ...rest, title }
}

export function move(flow: Flow, positions: Readonly<Record<string, Point>>): Flow {
  const layout = { ...flow.layout }
  for (const [id, p] of Object.entries(positions)) layout[id] = { ...layout[id], ...round(p) }
  return { ...flow, layout }
}

/** What copy puts on the clipboard: the selected nodes, the edges between them, their layout. */
export interface Clip {
  sluice: 'nodes'
  nodes: FlowNode[]
  edges: FlowEdge[]
  layout: Record<string, Point>
}

export function copy(flow: Flow, nodeIds: readonly string[]): Clip {
  const picked = new Set(nodeIds)
  return {
    sluice: 'nodes',
    nodes: flow.nodes.filter((n) => picked.has(n.id)),
    edges: flow.edges.filter((e) => picked.has(e.from) && picked.has(e.to)),
    layout: Object.fromEntries(Object.entries(flow.layout).filter(([id]) => picked.has(id)).map(([id, p]) => [id, { x: p.x, y: p.y }])),
  }
}

/** Reads clipboard text as a clip; null when it is not one (pasting other text does nothing). */
export function parseClip(text: string): Clip | null {
  try {
    const value = JSON.parse(text) as Partial<Clip>
    if (value.sluice !== 'nodes' || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return null
    return { sluice: 'nodes', nodes: value.nodes, edges: value.edges, layout: value.layout ?? {} }
  } catch {
    return null
  }
}

/** Pastes a clip (from this flow or another), renaming ids that are taken and offsetting it. */
export function paste(flow: Flow, clip: Clip, offset: Point = { x: 40, y: 40 }): { flow: Flow; ids: string[] } {
  const rename = new Map<string, string>()
  const taken = new Set<string>()
  for (const node of clip.nodes) {
    const id = flow.nodes.some((n) => n.id === node.id) || taken.has(node.id) ? freshNodeId(flow, node.type, taken) : node.id
    rename.set(node.id, id)
    taken.add(id)
  }
  const nodes = clip.nodes.map((n) => ({ ...n, id: rename.get(n.id) as string }))
  const edges = clip.edges.filter((e) => rename.has(e.from) && rename.has(e.to)).map((e) => ({ ...e, from: rename.get(e.from) as string, to: rename.get(e.to) as string }))
  const layout: Record<string, Point> = {}
  for (const [id, p] of Object.entries(clip.layout)) if (rename.has(id)) layout[rename.get(id) as string] = round({ x: p.x + offset.x, y: p.y + offset.y })
  return { ids: nodes.map((n) => n.id), flow: { ...flow, nodes: [...flow.nodes, ...nodes], edges: [...flow.edges, ...edges], layout: { ...flow.layout, ...layout } } }
}

/**
 * Sticky notes are drawn as canvas nodes with ids `note:<id>` (flow ids never hold a colon), so
 * one selection, one drag and one delete cover steps and notes alike.
 */
export const NOTE_PREFIX = 'note:'
export const noteCanvasId = (id: string) => `${NOTE_PREFIX}${id}`
const noteIdOf = (canvasId: string) => (canvasId.startsWith(NOTE_PREFIX) ? canvasId.slice(NOTE_PREFIX.length) : null)

/** A note id not yet used in `flow`: `note-1`, `note-2`, … */
export function freshNoteId(flow: Pick<Flow, 'notes'>): string {
  const used = new Set((flow.notes ?? []).map((n) => n.id))
  for (let n = 1; ; n++) if (!used.has(`note-${n}`)) return `note-${n}`
}

/** The flow with `notes` as its notes; no notes leaves the key out, as the file format does. */
function withNotes(flow: Flow, notes: FlowNote[]): Flow {
  const { notes: _old, ...rest } = flow
  return notes.length === 0 ? rest : { ...rest, notes }
}

export function addNote(flow: Flow, at: Point, text = ''): { flow: Flow; id: string } {
  const id = freshNoteId(flow)
  return { id, flow: withNotes(flow, [...(flow.notes ?? []), { id, text, ...round(at) }]) }
}

export function setNoteText(flow: Flow, id: string, text: string): Flow {
  return withNotes(flow, (flow.notes ?? []).map((n) => (n.id === id ? { ...n, text } : n)))
}

/** Moves steps and notes by canvas id (a drag may hold both). */
export function moveOnCanvas(flow: Flow, positions: Readonly<Record<string, Point>>): Flow {
  const steps: Record<string, Point> = {}
  const notes = new Map<string, Point>()
  for (const [canvasId, p] of Object.entries(positions)) {
    const note = noteIdOf(canvasId)
    if (note === null) steps[canvasId] = p
    else notes.set(note, round(p))
  }
  const moved = Object.keys(steps).length > 0 ? move(flow, steps) : flow
  return notes.size === 0 ? moved : withNotes(moved, (moved.notes ?? []).map((n) => ({ ...n, ...(notes.get(n.id) ?? {}) })))
}

/** Removes the selected steps (with their edges and layout) and notes, by canvas id. */
export function removeOnCanvas(flow: Flow, canvasIds: readonly string[]): Flow {
  const notes = new Set(canvasIds.map(noteIdOf).filter((id): id is string => id !== null))
  const steps = canvasIds.filter((id) => noteIdOf(id) === null)
  const without = steps.length > 0 ? remove(flow, steps) : flow
  return notes.size === 0 ? without : withNotes(without, (without.notes ?? []).filter((n) => !notes.has(n.id)))
}

function round(p: Point): Point {
  return { x: Math.round(p.x), y: Math.round(p.y) }
}
