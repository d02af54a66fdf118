/**
 * The one node component for every node type: icon, title, a one-line summary of its config,
 * a problems badge, live counts, and one named source handle per output with its label, so a
 * branch's meaning never hides in a handle's position. Memoised: it re-renders only when its
 * own data changes.
 */
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react'
import { memo } from 'react'
import { useEditor } from './editor-store.ts'
import { glyphOf } from './node-icons.ts'
import { outputLabel } from './step-summary.ts'

export interface FlowNodeData extends Record<string, unknown> {
  nodeId: string
  type: string
  title: string
  icon: string
  summary: string
  outputs: string[]
  isTrigger: boolean
  errors: number
  warnings: number
  count: number | null
  /** Whose counts: a live run's, or simulate mode's back-test. */
  countKind: 'live' | 'simulated'
  pinned: boolean
  /** Version history: how this step differs from the version shown (removed: a ghost of it). */
  diff?: 'added' | 'changed' | 'removed'
  /** The changed paths, `config.for.amount: 1 → 2`. */
  changes?: string[]
  onAdd(output: string): void
}

export type FlowNodeType = Node<FlowNodeData, 'step'>


export const FlowNode = memo(function FlowNode({ data, selected }: NodeProps<FlowNodeType>) {
  const width = Math.max(1, data.outputs.length)
  const ghost = data.diff === 'removed'
  // Output labels in the editor's language; the handle ids stay the output names.
  const nodeType = useEditor((s) => s.nodeTypes.find((n) => n.type === data.type))
  return (
    <div
      className={`step${selected ? ' selected' : ''}${data.errors > 0 ? ' has-errors' : ''}${data.diff ? ` diff-${data.diff}` : ''}`}
      data-node-id={data.nodeId}
      data-node-type={data.type}
      {...(data.diff ? { 'data-diff': data.diff } : {})}
      {...(data.changes && data.changes.length > 0 ? { title: data.changes.join('\n') } : {})}
    >
      {data.diff && <span className="diff-mark" aria-hidden>{data.diff === 'added' ? '+' : data.diff === 'removed' ? '−' : '~'}</span>}
      {!data.isTrigger && <Handle type="target" position={Position.Top} id="in" />}
      <div className="step-head">
        <span className="step-icon" aria-hidden>{glyphOf(data.icon)}</span>
        <span className="step-title">{data.title}</span>
        {data.pinned && <span className="step-pin" title="pinned">📌</span>}
        {data.errors > 0 && <span className="badge error" data-testid="node-errors">{data.errors}</span>}
        {data.errors === 0 && data.warnings > 0 && <span className="badge warning">{data.warnings}</span>}
      </div>
      <div className="step-summary">{data.summary}</div>
      {data.diff === 'changed' && data.changes && <div className="step-changes" data-testid="node-changes">{data.changes.length === 1 ? data.changes[0] : `${data.changes[0]} (+${data.changes.length - 1})`}</div>}
      {data.count !== null && <div className={`step-count ${data.countKind}`} data-testid="node-count" data-count-kind={data.countKind}>{data.count.toLocaleString()}</div>}
      <div className="step-outputs">
        {data.outputs.map((output, i) => (
          <div key={output} className="step-output" style={{ left: `${((i + 0.5) / width) * 100}%` }}>
            <span className="step-output-label" data-output-label={output}>{outputLabel(nodeType, output)}</span>
            <Handle type="source" position={Position.Bottom} id={output} style={{ left: '50%' }} />
            {!ghost && <button type="button" className="add-after nodrag" aria-label={`add after ${output}`} data-output={output} onClick={(e) => { e.stopPropagation(); data.onAdd(output) }}>+</button>}
          </div>
        ))}
      </div>
    </div>
  )
})

/** The summary moved to step-summary.ts (translated, plural-aware); Canvas imports it from here. */
export { summarize } from './step-summary.ts'
