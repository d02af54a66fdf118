/**
 * The palette: node types from the API grouped by category, searchable. Drag a step out with
 * the pointer (pointer events, not HTML5 drag and drop: that fails on touch and in tests) onto
 * the canvas, or onto an edge to insert it there; the drop target is decided by the canvas.
 */
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { NodeType } from '../api.ts'
import { categoryLabel } from './step-summary.ts'

export interface PaletteProps {
  nodeTypes: NodeType[]
  readOnly: boolean
  /** Called on release with the pointer's screen position. */
  onDrop(type: string, clientX: number, clientY: number): void
}

/**
 * The built-in categories in the order a campaign is read, the trigger first (alphabetical put it
 * last, below the fold); other categories (custom node types) follow alphabetically.
 */
const CATEGORY_ORDER = ['trigger', 'audience', 'scoring', 'policy', 'channel', 'timing', 'measure']
const categoryRank = (category: string) => {
  const rank = CATEGORY_ORDER.indexOf(category)
  return rank === -1 ? CATEGORY_ORDER.length : rank
}

export function matchesSearch(t: NodeType, query: string): boolean {
  const q = query.trim().toLowerCase()
  return q === '' || [t.type, t.title, t.category, categoryLabel(t.category), t.description].some((s) => s.toLowerCase().includes(q))
}

export function Palette({ nodeTypes, readOnly, onDrop }: PaletteProps) {
  const { t } = useTranslation()
  const [query, setQuery] = useState('')
  const [ghost, setGhost] = useState<{ type: string; title: string; x: number; y: number } | null>(null)
  const groups = useMemo(() => {
    const byCategory = new Map<string, NodeType[]>()
    for (const type of nodeTypes.filter((n) => matchesSearch(n, query))) byCategory.set(type.category, [...(byCategory.get(type.category) ?? []), type])
    return [...byCategory.entries()].sort(([a], [b]) => categoryRank(a) - categoryRank(b) || a.localeCompare(b))
  }, [nodeTypes, query])

  function startDrag(event: React.PointerEvent, type: NodeType) {
    if (readOnly || event.button !== 0) return
    event.preventDefault()
    const move = (e: PointerEvent) => setGhost({ type: type.type, title: type.title, x: e.clientX, y: e.clientY })
    const up = (e: PointerEvent) => {
      window.removeEventListener('pointermove', move)
      window.removeEventListener('pointerup', up)
      setGhost(null)
      onDrop(type.type, e.clientX, e.clientY)
    }
    window.addEventListener('pointermove', move)
    window.addEventListener('pointerup', up)
  }

  return (
    <aside className="palette" aria-label={t('editor.palette')}>
      <input className="palette-search" type="search" placeholder={t('editor.search')} value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.map(([category, types]) => (
        <section key={category}>
          <h3>{categoryLabel(category)}</h3>
          {types.map((type) => (
            <div key={type.type} className="palette-item" data-palette-type={type.type} title={type.description} onPointerDown={(e) => startDrag(e, type)}>
              <strong>{type.title}</strong>
              <small>{type.description.split(/\. |。/)[0]}</small>
            </div>
          ))}
        </section>
      ))}
      {ghost && <div className="drag-ghost" style={{ left: ghost.x + 8, top: ghost.y + 8 }}>{ghost.title}</div>}
    </aside>
  )
}
