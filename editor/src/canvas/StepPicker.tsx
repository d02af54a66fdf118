/** A searchable list of node types: the "+" on a handle and the keyboard's "add a step". */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { NodeType } from '../api.ts'
import { matchesSearch } from './Palette.tsx'

export function StepPicker({ nodeTypes, title, onPick, onClose }: { nodeTypes: NodeType[]; title: string; onPick(type: string): void; onClose(): void }) {
  const { t } = useTranslation()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const matches = nodeTypes.filter((n) => n.category !== 'trigger' && matchesSearch(n, query))
  useEffect(() => input.current?.focus(), [])
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="picker" role="dialog" aria-label={title} onClick={(e) => e.stopPropagation()}>
        <h3>{title}</h3>
        <input
          ref={input}
          placeholder={t('editor.picker')}
          value={query}
          onChange={(e) => { setQuery(e.target.value); setActive(0) }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(matches.length - 1, a + 1))
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1))
            else if (e.key === 'Enter' && matches[active]) onPick(matches[active].type)
            else if (e.key === 'Escape') onClose()
          }}
        />
        <ul>
          {matches.map((type, i) => (
            <li key={type.type}>
              <button type="button" className={i === active ? 'active' : ''} data-pick-type={type.type} onClick={() => onPick(type.type)}>
                <strong>{type.title}</strong> <small>{type.category}</small>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  )
}
