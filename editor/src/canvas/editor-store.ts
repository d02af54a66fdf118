/**
 * The editor's state: the flow being edited, the node types, selection and the save status.
 * Every edit goes through `edit(label, fn)` with a pure function of flow-model.ts, and is one
 * undo step (zundo keeps the flow's history; selection and drag positions are not history).
 * A drag is one step too: positions move freely while dragging and land in the flow on drop.
 */
import { create } from 'zustand'
import { temporal } from 'zundo'
import { localizeNodeType } from '../../../engine/sdk/node-locales.ts'
import type { FlowIssue, NodeType } from '../api.ts'
import type { Flow, Point } from './flow-model.ts'
import type { DiffOverlay } from './history.ts'

/** Customers per node id and per edge key `from|output|to`. */
export interface Counts {
  nodes: Record<string, number>
  edges: Record<string, number>
}

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'failed' | 'conflict'

export interface EditorState {
  flow: Flow | null
  revision: number
  /** The node types in the editor's language (titles, descriptions, form texts, outputLabels). */
  nodeTypes: NodeType[]
  /** As the server sent them, with every language's texts. */
  serverNodeTypes: NodeType[]
  /** The language the node types are shown in (i18next's). */
  language: string
  /** Whether the node types request has answered (the canvas draws the steps once, with their types). */
  nodeTypesLoaded: boolean
  problems: FlowIssue[]
  outputs: Record<string, string[]>
  selected: string[]
  /** Positions while a drag is in progress (not history until the drop). */
  dragging: Record<string, Point>
  save: SaveState
  saveError: string | null
  /** Live counts per node and edge key `from|output|to`, when a run is shown. */
  counts: Counts | null
  /** Simulate mode: the last back-test's counts, shown instead of live ones while the mode is on. */
  simulation: { counts: Counts; flow: Flow } | null
  /** Version history: the diff of a published version against the draft, drawn on the canvas. */
  history: { version: number; overlay: DiffOverlay } | null
  load(flow: Flow, revision: number, problems: FlowIssue[], outputs: Record<string, string[]>): void
  edit(label: string, fn: (flow: Flow) => Flow): void
  select(ids: string[]): void
  drag(positions: Record<string, Point>): void
  setSave(state: SaveState, error?: string | null): void
  setChecked(problems: FlowIssue[], outputs: Record<string, string[]>): void
  setNodeTypes(types: NodeType[]): void
  /** Shows the node types in another language (App calls it when i18next's changes). */
  setLanguage(language: string): void
  setCounts(counts: EditorState['counts']): void
  setSimulation(simulation: EditorState['simulation']): void
  setHistory(history: EditorState['history']): void
}

export const useEditor = create<EditorState>()(
  temporal(
    (set) => ({
      flow: null, revision: 0, nodeTypes: [], serverNodeTypes: [], language: 'en', nodeTypesLoaded: false, problems: [], outputs: {}, selected: [], dragging: {}, save: 'saved', saveError: null, counts: null, simulation: null, history: null,
      load: (flow, revision, problems, outputs) => set({ flow, revision, problems, outputs, selected: [], dragging: {}, save: 'saved', saveError: null, simulation: null, history: null }),
      edit: (_label, fn) => set((state) => {
        if (!state.flow) return {}
        const next = fn(state.flow)
        // An edit that changes nothing (a click that "moved" a node by 0 px) is not an undo step.
        return next === state.flow || JSON.stringify(next) === JSON.stringify(state.flow) ? {} : { flow: next, save: 'unsaved' }
      }),
      select: (ids) => set({ selected: ids }),
      drag: (positions) => set((state) => ({ dragging: { ...state.dragging, ...positions } })),
      setSave: (save, error = null) => set({ save, saveError: error }),
      setChecked: (problems, outputs) => set({ problems, outputs }),
      setNodeTypes: (types) => set((state) => ({ serverNodeTypes: types, nodeTypes: types.map((type) => localizeNodeType(type, state.language)), nodeTypesLoaded: true })),
      setLanguage: (language) => set((state) => (language === state.language ? {} : { language, nodeTypes: state.serverNodeTypes.map((type) => localizeNodeType(type, language)) })),
      setCounts: (counts) => set({ counts }),
      setSimulation: (simulation) => set({ simulation }),
      setHistory: (history) => set({ history }),
    }),
    {
      // Only the flow is history; an edit that changes nothing is not a step.
      partialize: (state) => ({ flow: state.flow }),
      equality: (a, b) => a.flow === b.flow,
      limit: 200,
    },
  ),
)

export function undo(): void {
  useEditor.temporal.getState().undo()
  useEditor.setState({ save: 'unsaved' })
}

export function redo(): void {
  useEditor.temporal.getState().redo()
  useEditor.setState({ save: 'unsaved' })
}

/** A freshly loaded flow has no history to undo into. */
export function clearHistory(): void {
  useEditor.temporal.getState().clear()
}
