/**
 * The edge: a bezier from an output handle to the next step, labelled with the output's name
 * and, in live or simulate mode, its customers. The label is drawn in React Flow's HTML label
 * layer, above the nodes, so a count stays readable where an edge passes behind a step; it lets
 * the pointer through, so dropping a palette item onto the edge still finds the edge.
 */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react'
import { memo } from 'react'
import { useEditor } from './editor-store.ts'
import { outputLabelOfStep } from './step-summary.ts'

export interface LabelledEdgeData extends Record<string, unknown> {
  from: string
  output: string
  to: string
  /** Customers along the edge (live or simulated), or undefined when no counts are shown. */
  count?: number
  /** Whose count: a live run's or simulate mode's. */
  countKind?: 'live' | 'simulated'
  /** The diff against a version: added, removed (a ghost) or rewired here. */
  diff?: 'added' | 'removed'
}

export type LabelledEdgeType = Edge<LabelledEdgeData, 'flow'>

export const LabelledEdge = memo(function LabelledEdge({ id, data, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style }: EdgeProps<LabelledEdgeType>) {
  // The output's label in the editor's language (the node type's declaration), else its name.
  const label = useEditor((s) => (data ? outputLabelOfStep(s, data.from, data.output) : ''))
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })
  return (
    <>
      <BaseEdge id={id} path={path} {...(markerEnd ? { markerEnd } : {})} {...(style ? { style } : {})} />
      {data && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label${data.count === undefined ? '' : ` counted ${data.countKind ?? 'live'}`}${data.diff ? ` diff-${data.diff}` : ''}`}
            data-testid="edge-label"
            data-edge={id}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {label}{data.count !== undefined && <> · <b>{data.count.toLocaleString()}</b></>}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  )
})
