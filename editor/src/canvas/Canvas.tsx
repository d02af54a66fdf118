/**
 * The canvas: the flow drawn with React Flow, edited through the store's commands. Three ways
 * to add a step: drag from the palette (onto the pane, or onto an edge to insert it there), the
 * "+" under each output, and the keyboard ("a" adds after the selected step). Edges carry their
 * output's name (and live counts), the minimap and fit view help with big flows.
 */
import {
  Background, Controls, MiniMap, ReactFlow, useReactFlow,
  type Connection, type EdgeChange, type NodeChange,
} from '@xyflow/react'
import { useCallback, useMemo, useRef, useState } from 'react'
import { sameData, stableNodes, type Size } from './canvas-nodes.ts'
import { useEditor } from './editor-store.ts'
import { LabelledEdge, type LabelledEdgeType } from './LabelledEdge.tsx'
import { FlowNode, summarize, type FlowNodeType } from './FlowNode.tsx'
import { connect, edgeKey, moveOnCanvas, noteCanvasId, remove, removeOnCanvas, sameEdge, setNoteText, type Flow, type FlowEdge, type Point } from './flow-model.ts'
import { NoteNode, type NoteNodeType } from './NoteNode.tsx'

const nodeTypes = { step: FlowNode, note: NoteNode }
const edgeTypes = { flow: LabelledEdge }

export const edgeId = edgeKey
/** Where a step without a layout entry is drawn (one object, so its node stays equal between renders). */
const ORIGIN: Point = { x: 0, y: 0 }
/** Canvas ids of the version history's ghosts (flow ids never hold a colon). */
export const ghostId = (id: string) => `ghost:${id}`

export interface CanvasProps {
  readOnly: boolean
  onAddAfter(nodeId: string, output: string): void
}

export function Canvas({ readOnly, onAddAfter }: CanvasProps) {
  const flow = useEditor((s) => s.flow) as Flow
  // A flow that opens empty is not fitted: React Flow fits once the first nodes are measured, so
  // the first step dropped on a blank campaign would zoom the canvas to 200 % around it.
  const [fitOnOpen] = useState(() => flow.nodes.length > 0)
  const types = useEditor((s) => s.nodeTypes)
  const problems = useEditor((s) => s.problems)
  const outputs = useEditor((s) => s.outputs)
  const selected = useEditor((s) => s.selected)
  const dragging = useEditor((s) => s.dragging)
  const live = useEditor((s) => s.counts)
  const simulation = useEditor((s) => s.simulation)
  // Simulate mode's counts take the place of live ones while it is on.
  const counts = simulation?.counts ?? live
  const countKind = simulation ? 'simulated' : 'live'
  const history = useEditor((s) => s.history)
  // Steps are drawn once their types are known: drawn before, the types' arrival changed every
  // step's title, icon and outputs, and React Flow measured all of them a second time (§35).
  const typesLoaded = useEditor((s) => s.nodeTypesLoaded)
  const { edit, select, drag } = useEditor.getState()

  // Each step's data apart from its position and selection: a drag re-renders only the moved
  // nodes (FlowNode is memoised on data), not all of them every frame (decisions §28). A step
  // whose data reads the same as before keeps its data object, so React Flow keeps its
  // measurement (canvas-nodes.ts, decisions §35).
  const adders = useMemo(() => new Map<string, (output: string) => void>(), [onAddAfter])
  const adderOf = useCallback((id: string) => {
    let adder = adders.get(id)
    if (!adder) adders.set(id, adder = (output: string) => onAddAfter(id, output))
    return adder
  }, [adders, onAddAfter])
  const lastStepData = useRef(new Map<string, FlowNodeType['data']>())
  const stepData = useMemo(() => {
    const problemsOf = new Map<string, typeof problems>()
    for (const p of problems) if (p.nodeId) problemsOf.set(p.nodeId, [...(problemsOf.get(p.nodeId) ?? []), p])
    const data = new Map(flow.nodes.map((node) => {
      const type = types.find((t) => t.type === node.type)
      const diff = history?.overlay.nodes[node.id]
      const own = problemsOf.get(node.id) ?? []
      const next: FlowNodeType['data'] = {
        nodeId: node.id, type: node.type, title: node.title ?? type?.title ?? node.type, icon: type?.icon ?? '', summary: summarize(node.type, node.config),
        outputs: outputs[node.id] ?? type?.outputs ?? [], isTrigger: type?.category === 'trigger',
        errors: own.filter((p) => p.severity === 'error').length, warnings: own.filter((p) => p.severity === 'warning').length,
        count: counts ? (counts.nodes[node.id] ?? 0) : null, countKind, pinned: flow.layout[node.id]?.pinned === true,
        ...(diff ? { diff: diff.status, changes: diff.changes } : {}),
        onAdd: adderOf(node.id),
      }
      return [node.id, sameData(lastStepData.current.get(node.id), next)] as const
    }))
    lastStepData.current = data
    return data
  }, [flow, types, problems, outputs, counts, countKind, history, adderOf])

  const noteData = useMemo(() => new Map((flow.notes ?? []).map((note): [string, NoteNodeType['data']] => {
    const id = noteCanvasId(note.id)
    return [id, {
      noteId: note.id, text: note.text, color: note.color ?? 'yellow', readOnly,
      ...(note.width === undefined ? {} : { width: note.width }), ...(note.height === undefined ? {} : { height: note.height }),
      onText: (text: string) => edit('note text', (f) => setNoteText(f, note.id, text)),
      onDelete: () => {
        edit('delete note', (f) => removeOnCanvas(f, [id]))
        select(useEditor.getState().selected.filter((s) => s !== id))
      },
    }]
  })), [flow.notes, readOnly, edit, select])

  // Steps the version had and the draft lacks: ghosts, not part of the flow, never edited.
  const ghosts = useMemo(() => (history?.overlay.ghosts ?? []).map(({ node, position, outputs: ghostOutputs }): FlowNodeType => {
    const type = types.find((t) => t.type === node.type)
    return {
      id: ghostId(node.id), type: 'step', position, draggable: false, selectable: false, connectable: false, deletable: false,
      data: {
        nodeId: node.id, type: node.type, title: node.title ?? type?.title ?? node.type, icon: type?.icon ?? '', summary: summarize(node.type, node.config),
        outputs: ghostOutputs, isTrigger: type?.category === 'trigger', errors: 0, warnings: 0, count: null, countKind, pinned: false, diff: 'removed', onAdd: () => {},
      },
    }
  }), [history, types, countKind])

  // React Flow's measured sizes (its `dimensions` changes), handed back with nodes that only
  // moved, and the node objects handed over last render (canvas-nodes.ts). A measurement also
  // hands the measured nodes over once more with their size: the minimap draws a step only
  // from a user node that has one.
  const sizes = useRef(new Map<string, Size>())
  const [measurements, setMeasurements] = useState(0)
  const lastNodes = useRef(new Map<string, FlowNodeType | NoteNodeType>())
  const nodes: (FlowNodeType | NoteNodeType)[] = useMemo(() => {
    if (!typesLoaded) return []
    const built: (FlowNodeType | NoteNodeType)[] = [
      // Sticky notes first, so steps draw over them: view state of the flow file, dragged like steps.
      ...(flow.notes ?? []).map((note): NoteNodeType => {
        const id = noteCanvasId(note.id)
        return { id, type: 'note', position: dragging[id] ?? { x: note.x, y: note.y }, selected: selected.includes(id), draggable: !readOnly, connectable: false, data: noteData.get(id) as NoteNodeType['data'] }
      }),
      ...flow.nodes.map((node): FlowNodeType => {
        const data = stepData.get(node.id) as FlowNodeType['data']
        return {
          id: node.id,
          type: 'step',
          position: dragging[node.id] ?? flow.layout[node.id] ?? ORIGIN,
          selected: selected.includes(node.id),
          draggable: !readOnly,
          // The name a screen reader announces when Tab reaches the step: its title and id.
          ariaLabel: `${data.title} (${node.id})`,
          data,
        }
      }),
      ...ghosts,
    ]
    const stable = stableNodes(built, lastNodes.current, sizes.current)
    lastNodes.current = new Map(stable.map((n) => [n.id, n]))
    return stable
    // `measurements`: React Flow measured nodes since (`sizes` is a ref).
  }, [flow, stepData, noteData, ghosts, selected, dragging, readOnly, typesLoaded, measurements])

  const edges: LabelledEdgeType[] = useMemo(() => {
    if (!typesLoaded) return []
    const added = new Set(history?.overlay.addedEdges ?? [])
    const drawn: LabelledEdgeType[] = flow.edges.map((e) => {
      const count = counts?.edges[edgeId(e)]
      const isNew = added.has(edgeId(e))
      return {
        id: edgeId(e), type: 'flow', source: e.from, sourceHandle: e.output, target: e.to, targetHandle: 'in',
        data: { from: e.from, output: e.output, to: e.to, ...(count === undefined ? {} : { count, countKind }), ...(isNew ? { diff: 'added' as const } : {}) },
        className: `flow-edge${count === undefined ? '' : ` counted ${countKind}`}${isNew ? ' diff-added' : ''}`,
      }
    })
    // The version's edges the draft lacks, between steps of the draft or ghosts.
    const onCanvas = new Set(flow.nodes.map((n) => n.id))
    const end = (id: string) => (onCanvas.has(id) ? id : ghostId(id))
    for (const e of history?.overlay.ghostEdges ?? []) {
      drawn.push({
        id: ghostId(edgeId(e)), type: 'flow', source: end(e.from), sourceHandle: e.output, target: end(e.to), targetHandle: 'in',
        selectable: false, deletable: false, focusable: false,
        data: { from: e.from, output: e.output, to: e.to, diff: 'removed' }, className: 'flow-edge diff-removed',
      })
    }
    return drawn
  }, [flow.edges, flow.nodes, counts, countKind, history, typesLoaded])

  const onNodesChange = useCallback((changes: NodeChange<FlowNodeType | NoteNodeType>[]) => {
    const moving: Record<string, Point> = {}
    const dropped: Record<string, Point> = {}
    let selection: string[] | null = null
    let measured = false
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions) {
        sizes.current.set(change.id, change.dimensions)
        measured = true
      }
      if (change.type === 'position' && change.position) (change.dragging ? moving : dropped)[change.id] = change.position
      if (change.type === 'select') {
        selection ??= [...useEditor.getState().selected]
        selection = change.selected ? [...new Set([...selection, change.id])] : selection.filter((id) => id !== change.id)
      }
    }
    if (Object.keys(moving).length > 0) drag(moving)
    if (Object.keys(dropped).length > 0 || (changes.some((c) => c.type === 'position' && !c.dragging) && Object.keys(useEditor.getState().dragging).length > 0)) {
      // The drop: the whole drag becomes one undo step.
      const positions = { ...useEditor.getState().dragging, ...dropped }
      useEditor.setState({ dragging: {} })
      edit('move', (f) => moveOnCanvas(f, positions))
    }
    if (selection) select(selection)
    if (measured) setMeasurements((n) => n + 1)
  }, [drag, edit, select])

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const removed = changes.filter((c) => c.type === 'remove').map((c) => c.id)
    if (removed.length === 0 || readOnly) return
    const doomed = flow.edges.filter((e) => removed.includes(edgeId(e)))
    edit('delete edges', (f) => remove(f, [], doomed))
  }, [flow.edges, edit, readOnly])

  const onConnect = useCallback((c: Connection) => {
    if (readOnly || !c.sourceHandle) return
    edit('connect', (f) => connect(f, { from: c.source, output: c.sourceHandle as string, to: c.target }))
  }, [edit, readOnly])

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      nodesConnectable={!readOnly}
      deleteKeyCode={null}
      selectionKeyCode="Shift"
      multiSelectionKeyCode="Shift"
      fitView={fitOnOpen}
      minZoom={0.1}
      proOptions={{ hideAttribution: true }}
    >
      <Background />
      <MiniMap pannable zoomable />
      <Controls showInteractive={false} />
    </ReactFlow>
  )
}

/** The flow edge under a screen point (a palette drop onto an edge inserts the step there). */
export function edgeAt(flow: Flow, clientX: number, clientY: number): FlowEdge | undefined {
  for (const element of document.elementsFromPoint(clientX, clientY)) {
    const id = element.closest('.react-flow__edge')?.getAttribute('data-id')
    if (id) return flow.edges.find((e) => sameEdge({ from: id.split('|')[0] ?? '', output: id.split('|')[1] ?? '', to: id.split('|')[2] ?? '' }, e))
  }
  return undefined
}

export function useFlowPosition(): (clientX: number, clientY: number) => Point {
  const { screenToFlowPosition } = useReactFlow()
  return useCallback((x: number, y: number) => screenToFlowPosition({ x, y }), [screenToFlowPosition])
}
