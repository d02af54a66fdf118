/**
 * A searchable list of node types: the "+" on a handle and the keyboard's "add a step". Opened
 * from the keyboard on a step with several outputs, it also asks which output the new step
 * follows (Shift+Tab from the search reaches the choice; arrow keys move it).
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { NodeType } from '../api.ts'
import { OutputChoice } from './OutputChoice.tsx'
import { matchesSearch } from './Palette.tsx'
import { categoryLabel } from './step-summary.ts'
import './keyboard.css'

export interface PickerOutputs {
  outputs: readonly string[]
  output: string
  targets: Readonly<Record<string, string>>
  onOutput(output: string): void
}

export function StepPicker({ nodeTypes, title, from, onPick, onClose }: { nodeTypes: NodeType[]; title: string; from?: PickerOutputs; onPick(type: string): void; onClose(): void }) {
  const { t } = useTranslation()
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const matches = nodeTypes.filter((n) => n.category !== 'trigger' && matchesSearch(n, query))
  useEffect(() => input.current?.focus(), [])
  const activeId = matches[active] ? `pick-${matches[active].type}` : undefined
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="picker" role="dialog" aria-modal="true" aria-label={title} onClick={(e) => e.stopPropagation()} onKeyDown={(e) => { if (e.key === 'Escape') onClose() }}>
        <h3>{title}</h3>
        {from && <OutputChoice outputs={from.outputs} value={from.output} targets={from.targets} onChange={from.onOutput} />}
        <input
          ref={input}
          role="combobox"
          aria-expanded="true"
          aria-controls="step-picker-list"
          aria-label={t('editor.picker')}
          {...(activeId ? { 'aria-activedescendant': activeId } : {})}
          data-testid="step-picker-search"
          placeholder={t('editor.picker')}
          value={query}
          onChange={(e) => { setQuery(e.target.value); setActive(0) }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(matches.length - 1, a + 1))
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1))
            else if (e.key === 'Enter' && matches[active]) onPick(matches[active].type)
          }}
        />
        <ul id="step-picker-list" role="listbox" aria-label={title}>
          {matches.map((type, i) => (
            // Options of the listbox the search drives (aria-activedescendant), clickable too.
            <li key={type.type} id={`pick-${type.type}`} role="option" aria-selected={i === active} className={`picker-option${i === active ? ' active' : ''}`} data-pick-type={type.type} onClick={() => onPick(type.type)}>
              <strong>{type.title}</strong> <small>{categoryLabel(type.category)}</small>
            </li>
          ))}
        </ul>
      </div>
    </div>
  )
}
