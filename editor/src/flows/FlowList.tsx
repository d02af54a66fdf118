/** The campaigns: each with its live version and draft state; an empty store offers the templates. */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiFailure, flowsApi, type FlowSummary, type Template } from '../api.ts'
import type { Flow } from '../canvas/flow-model.ts'

/** A flow id from a campaign's name ("Welcome back!" → `welcome-back`), not one of `taken`. */
export function idFromName(name: string, taken: ReadonlySet<string>): string {
  const base = name.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'campaign'
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`
    if (!taken.has(id)) return id
  }
}

/** An empty campaign: no steps yet (the palette adds them), entered once per customer, 10 % held out. */
export function blankFlow(id: string, name: string): Flow {
  return { id, name, version: 1, nodes: [], edges: [], settings: { priority: 50, entry: { policy: 'once' }, holdout: { percent: 10 } }, layout: {} }
}

export function FlowList({ readOnly, onOpen }: { readOnly: boolean; onOpen(id: string): void }) {
  const { t } = useTranslation()
  const [flows, setFlows] = useState<FlowSummary[] | null>(null)
  const [templates, setTemplates] = useState<Template[]>([])
  const [error, setError] = useState<string | null>(null)
  const [newName, setNewName] = useState('')
  const [createError, setCreateError] = useState<string | null>(null)

  useEffect(() => {
    void Promise.all([flowsApi.list(), flowsApi.templates()])
      .then(([list, tpl]) => { setFlows(list.flows); setTemplates(tpl.templates) })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
  }, [])

  async function useTemplate(template: Template) {
    try {
      const created = await flowsApi.create(template.flow)
      onOpen(created.id)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    }
  }

  async function createBlank(event: React.FormEvent) {
    event.preventDefault()
    const name = newName.trim()
    if (name === '' || !flows) return
    setCreateError(null)
    try {
      const created = await flowsApi.create(blankFlow(idFromName(name, new Set(flows.map((f) => f.id))), name))
      onOpen(created.id)
    } catch (e) {
      setCreateError(e instanceof ApiFailure && e.status === 409 ? t('flows.idTaken') : e instanceof Error ? e.message : String(e))
    }
  }

  if (error) return <p className="error">{error}</p>
  if (!flows) return <p className="muted">…</p>
  return (
    <div className="flow-list">
      <h1>{t('flows.heading')}</h1>
      {!readOnly && (
        <form className="new-flow" onSubmit={(e) => void createBlank(e)}>
          <input aria-label={t('flows.newName')} placeholder={t('flows.newName')} value={newName} onChange={(e) => setNewName(e.target.value)} data-testid="new-flow-name" />
          <button type="submit" className="primary" disabled={newName.trim() === ''} data-testid="new-flow">{t('flows.newBlank')}</button>
          {createError && <span className="error" role="alert">{createError}</span>}
        </form>
      )}
      {flows.length === 0 && <p className="empty-state" data-testid="empty-flows">{t('flows.empty')}</p>}
      <ul className="cards">
        {flows.map((f) => (
          <li key={f.id} className="card" data-flow-id={f.id}>
            <button type="button" onClick={() => onOpen(f.id)}>
              <strong>{f.name}</strong>
              <span className={f.published ? 'tag live' : 'tag'}>{f.published ? t('flows.published', { version: f.published.version }) : t('flows.draftOnly')}</span>
              {f.published && f.unpublishedChanges && <span className="tag">{t('flows.unpublished')}</span>}
            </button>
            {f.published && <a className="card-link" href={`#/flows/${encodeURIComponent(f.id)}/results`} data-testid="flow-results">{t('results.button')} →</a>}
          </li>
        ))}
      </ul>
      {!readOnly && (
        <>
          <h2>{t('flows.templates')}</h2>
          <ul className="cards">
            {templates.filter((tpl) => !flows.some((f) => f.id === tpl.id)).map((tpl) => (
              <li key={tpl.id} className="card template" data-template-id={tpl.id}>
                <strong>{tpl.name}</strong>
                <p className="muted">{tpl.description}</p>
                <button type="button" className="primary" onClick={() => void useTemplate(tpl)}>{t('flows.useTemplate')}</button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  )
}
