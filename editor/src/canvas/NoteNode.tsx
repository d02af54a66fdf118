/**
 * A sticky note on the canvas: text for the people editing the flow, never for the engine.
 * Double-click (or Enter when selected) to edit; leaving the field or Ctrl+Enter keeps the text
 * as one undo step, Escape drops the change. A new, empty note opens ready to type. Drag it like
 * a step; the × or the delete shortcut removes it.
 */
import { useInternalNode, type Node, type NodeProps } from '@xyflow/react'
import { memo, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'

export interface NoteNodeData extends Record<string, unknown> {
  noteId: string
  text: string
  color: 'yellow' | 'blue' | 'green' | 'pink'
  width?: number
  height?: number
  readOnly: boolean
  onText(text: string): void
  onDelete(): void
}

export type NoteNodeType = Node<NoteNodeData, 'note'>

export const NoteNode = memo(function NoteNode({ id, data, selected }: NodeProps<NoteNodeType>) {
  const { t } = useTranslation()
  const [draft, setDraft] = useState<string | null>(data.text === '' && !data.readOnly ? '' : null)
  const field = useRef<HTMLTextAreaElement>(null)
  // React Flow keeps a node hidden until it has measured it, and a hidden field takes no focus.
  const measured = useInternalNode(id)?.measured.width !== undefined
  const editing = draft !== null
  useEffect(() => {
    if (editing && measured) field.current?.focus()
  }, [editing, measured])

  const finish = (keep: boolean) => {
    if (draft !== null && keep && draft !== data.text) data.onText(draft)
    setDraft(null)
  }
  const size = { width: data.width ?? 200, ...(data.height === undefined ? {} : { minHeight: data.height }) }
  return (
    <div
      className={`note note-${data.color}${selected ? ' selected' : ''}`}
      style={size}
      data-note-id={data.noteId}
      onDoubleClick={() => { if (!data.readOnly) setDraft(data.text) }}
      onKeyDown={(e) => { if (e.key === 'Enter' && draft === null && !data.readOnly) { e.preventDefault(); setDraft(data.text) } }}
    >
      {draft === null ? (
        <div className="note-text" data-testid="note-text">{data.text === '' ? <span className="muted">{t('notes.empty')}</span> : data.text}</div>
      ) : (
        <textarea
          ref={field}
          className="note-field nodrag nowheel"
          data-testid="note-field"
          aria-label={t('notes.text')}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => finish(true)}
          onKeyDown={(e) => {
            e.stopPropagation()
            if (e.key === 'Escape') finish(false)
            else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) finish(true)
          }}
        />
      )}
      {!data.readOnly && (selected || draft !== null) && (
        <button type="button" className="note-delete nodrag" data-testid="note-delete" aria-label={t('notes.delete')} title={t('notes.delete')} onMouseDown={(e) => e.preventDefault()} onClick={(e) => { e.stopPropagation(); data.onDelete() }}>×</button>
      )}
    </div>
  )
})
