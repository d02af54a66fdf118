/**
 * Customer search: an operator or marketer types a customer id and sees that customer's path
 * through this campaign's run drawn on the canvas (steps passed and edges taken highlighted,
 * the step they are at now marked) and, here, each step's time, output and reason in the node
 * type's words, and the messages sent. From GET /api/customers/{id}/journey; a customer in
 * several runs of the campaign (one per published version) picks the run, newest first.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useEditor } from './editor-store.ts'
import { journeyApi, journeyStyles, journeyTime, type CustomerJourney } from './journey.ts'
import './journey.css'

export function JourneyPanel({ flowId, onFocusNode }: { flowId: string; onFocusNode(nodeId: string): void }) {
  const { t } = useTranslation()
  const flow = useEditor((s) => s.flow)
  const nodeTypes = useEditor((s) => s.nodeTypes)
  const [query, setQuery] = useState('')
  const [journey, setJourney] = useState<CustomerJourney | null>(null)
  const [runId, setRunId] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const input = useRef<HTMLInputElement>(null)
  const pending = useRef<AbortController | null>(null)
  useEffect(() => {
    input.current?.focus()
    return () => pending.current?.abort()
  }, [])

  async function search(customer: string) {
    const id = customer.trim()
    if (id === '') return
    pending.current?.abort()
    const controller = new AbortController()
    pending.current = controller
    setBusy(true)
    setFailure(null)
    try {
      const found = await journeyApi.get(id, controller.signal)
      setJourney(found)
      setRunId(found.runs.find((r) => r.flowId === flowId)?.runId ?? null)
    } catch (error) {
      if (controller.signal.aborted) return
      setJourney(null)
      setFailure(error instanceof Error ? error.message : String(error))
    } finally {
      if (pending.current === controller) setBusy(false)
    }
  }

  const runs = useMemo(() => journey?.runs.filter((r) => r.flowId === flowId) ?? [], [journey, flowId])
  const run = runs.find((r) => r.runId === runId)
  const styles = useMemo(() => (run ? journeyStyles(run) : ''), [run])
  const inDraft = (nodeId: string) => flow?.nodes.some((n) => n.id === nodeId) ?? false
  const titleOf = (nodeId: string, fallback: string | null) => {
    const node = flow?.nodes.find((n) => n.id === nodeId)
    return node?.title ?? nodeTypes.find((type) => type.type === node?.type)?.title ?? fallback ?? nodeId
  }

  return (
    <aside className="side-panel journey-panel" data-testid="journey-panel" aria-label={t('journey.title')}>
      {/* The path on the canvas: rules keyed on the steps' and edges' data-id (journey.ts). */}
      {styles && <style data-testid="journey-styles">{styles}</style>}
      <h2>{t('journey.title')}</h2>
      <p className="muted">{t('journey.explain')}</p>
      <form className="window" role="search" onSubmit={(e) => { e.preventDefault(); void search(query) }}>
        <label className="field">
          {t('journey.customer')}
          <input ref={input} type="search" data-testid="journey-customer" value={query} onChange={(e) => setQuery(e.target.value)} autoComplete="off" />
        </label>
        <button type="submit" className="primary" data-testid="journey-search" disabled={busy}>{busy ? t('journey.searching') : t('journey.show')}</button>
        {journey && <button type="button" data-testid="journey-clear" onClick={() => { setJourney(null); setRunId(null); setQuery('') }}>{t('journey.clear')}</button>}
      </form>
      <div role="status" aria-live="polite">
        {failure && <p className="error" data-testid="journey-error">{failure}</p>}
        {journey && runs.length === 0 && <p className="muted" data-testid="journey-none">{t('journey.notIn', { customer: journey.customer })}</p>}
      </div>
      {runs.length > 1 && (
        <label className="field">
          {t('journey.run')}
          <select data-testid="journey-run" value={runId ?? ''} onChange={(e) => setRunId(e.target.value)}>
            {runs.map((r) => <option key={r.runId} value={r.runId}>{t('journey.runOption', { version: r.flowVersion, state: r.runState, run: r.runId })}</option>)}
          </select>
        </label>
      )}
      {run && (
        <div data-testid="journey-run-detail" data-run={run.runId}>
          {run.position && (
            <p data-testid="journey-position" data-node={run.position.nodeId} data-state={run.position.state}>
              {t('journey.now', { step: titleOf(run.position.nodeId, null), state: t(`journey.states.${run.position.state}`) })}
              {run.position.dueAt && <> {t('journey.due', { at: journeyTime(run.position.dueAt) })}</>}
              {run.position.holdout && <> · {t('journey.holdout')}</>}
            </p>
          )}
          <h3>{t('journey.steps')}</h3>
          <ol className="journey-steps">
            {run.steps.map((step, i) => (
              <li key={`${step.batch}:${step.nodeId}:${i}`} data-journey-step={step.nodeId} data-kind={step.kind}>
                <button type="button" className="journey-step" disabled={!inDraft(step.nodeId)} onClick={() => onFocusNode(step.nodeId)}>
                  <time dateTime={step.at}>{journeyTime(step.at)}</time>
                  <strong>{titleOf(step.nodeId, step.nodeTitle)}</strong>
                  <span className="journey-kind">{t(`journey.kinds.${step.kind}`, { output: step.output ?? '' })}{inDraft(step.nodeId) ? '' : ` · ${t('journey.notInDraft')}`}</span>
                </button>
                <p className="journey-reason" data-testid="journey-reason">{step.reason}</p>
              </li>
            ))}
          </ol>
          <h3>{t('journey.messages')}</h3>
          {run.messages.length === 0 ? <p className="muted">{t('journey.noMessages')}</p> : (
            <ul className="journey-messages">
              {run.messages.map((m) => (
                <li key={m.id} data-journey-message={m.channel} data-state={m.state}>
                  {t('journey.message', { channel: m.channel, state: t(`journey.messageStates.${m.state}`) })} · <time dateTime={m.sentAt ?? m.createdAt}>{journeyTime(m.sentAt ?? m.createdAt)}</time>
                  {m.lastError && <span className="error"> · {m.lastError}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </aside>
  )
}
