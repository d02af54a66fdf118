/**
 * Keyboard-only connect: with a step selected, the connect shortcut ("c") opens this dialog to
 * pick which of its named outputs and which step it leads to (search, arrow keys, Enter). An
 * output leads to one step, so connecting an output that leads elsewhere moves its edge.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { NodeType } from '../api.ts'
import type { Flow } from './flow-model.ts'
import { OutputChoice } from './OutputChoice.tsx'
import './keyboard.css'

/** A step's name as the canvas shows it: its title, else its type's. */
export function stepTitle(flow: Flow, nodeTypes: readonly NodeType[], id: string): string {
  const node = flow.nodes.find((n) => n.id === id)
  return node?.title ?? nodeTypes.find((t) => t.type === node?.type)?.title ?? node?.type ?? id
}

/** Each output of `from` → the title of the step it leads to now. */
export function outputTargets(flow: Flow, nodeTypes: readonly NodeType[], from: string): Record<string, string> {
  return Object.fromEntries(flow.edges.filter((e) => e.from === from).map((e) => [e.output, stepTitle(flow, nodeTypes, e.to)]))
}

export function ConnectDialog({ flow, nodeTypes, from, outputs, onConnect, onClose }: {
  flow: Flow
  nodeTypes: readonly NodeType[]
  from: string
  outputs: readonly string[]
  onConnect(output: string, to: string): void
  onClose(): void
}) {
  const { t } = useTranslation()
  const targets = useMemo(() => outputTargets(flow, nodeTypes, from), [flow, nodeTypes, from])
  const [output, setOutput] = useState(() => outputs.find((o) => !targets[o]) ?? outputs[0] ?? '')
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])
  const title = t('keyboard.connectTitle', { step: stepTitle(flow, nodeTypes, from) })
  const q = query.trim().toLowerCase()
  // Any other step with an input (triggers have none), found by title, id or type.
  const candidates = flow.nodes
    .filter((n) => n.id !== from && nodeTypes.find((type) => type.type === n.type)?.category !== 'trigger')
    .map((n) => ({ id: n.id, title: stepTitle(flow, nodeTypes, n.id), type: n.type }))
    .filter((c) => q === '' || [c.id, c.title, c.type].some((s) => s.toLowerCase().includes(q)))
  const chosen = candidates[Math.min(active, candidates.length - 1)]
  const connect = () => { if (chosen && output) onConnect(output, chosen.id) }
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="picker" role="dialog" aria-modal="true" aria-label={title} data-testid="connect-dialog" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => { if (e.key === 'Escape') onClose() }}>
        <h3>{title}</h3>
        {outputs.length === 1 && <p className="muted">{t('keyboard.output')}: {targets[output] ? t('keyboard.outputTo', { output, step: targets[output] }) : t('keyboard.outputFree', { output })}</p>}
        <OutputChoice outputs={outputs} value={output} targets={targets} onChange={setOutput} />
        <label className="field">
          {t('keyboard.target')}
          <input
            ref={input}
            role="combobox"
            aria-expanded="true"
            aria-controls="connect-targets"
            {...(chosen ? { 'aria-activedescendant': `connect-to-${chosen.id}` } : {})}
            data-testid="connect-search"
            placeholder={t('keyboard.targetSearch')}
            value={query}
            onChange={(e) => { setQuery(e.target.value); setActive(0) }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') setActive((a) => Math.min(candidates.length - 1, a + 1))
              else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1))
              else if (e.key === 'Enter') connect()
            }}
          />
        </label>
        {candidates.length === 0 ? <p className="muted">{t('keyboard.noTarget')}</p> : (
          <ul id="connect-targets" role="listbox" aria-label={t('keyboard.target')}>
            {candidates.map((c) => (
              <li key={c.id} id={`connect-to-${c.id}`} role="option" aria-selected={c === chosen} className={`picker-option${c === chosen ? ' active' : ''}`} data-connect-to={c.id} onClick={() => onConnect(output, c.id)}>
                <strong>{c.title}</strong> <small>{c.id}</small>
              </li>
            ))}
          </ul>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>{t('keyboard.cancel')}</button>
          <button type="button" className="primary" data-testid="connect-confirm" disabled={!chosen || !output} onClick={connect}>{t('keyboard.connect')}</button>
        </div>
      </div>
    </div>
  )
}
