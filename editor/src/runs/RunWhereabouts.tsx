/**
 * The operator's run view on the canvas: a toggle over the canvas, the run to look at (the
 * running one first), a badge on every step with customers ("12 waiting until 5 Dec", "3 held
 * until 10 Dec", "1 error", "4 done"), and for the clicked step a panel paging the customers at
 * it with why each is there. Reads GET /api/runs/{id}/whereabouts and /customers (the engine's
 * run-whereabouts, as `sluice runs show|customers`). Lives inside the ReactFlowProvider: the
 * badges are NodeToolbars attached to the steps, so the canvas and its nodes are untouched; the
 * panel is a column of the editor's workspace (a portal), which takes the settings panel's
 * place while it is open (whereabouts.css), so it never covers the steps it lists.
 */
import { NodeToolbar, Position, useReactFlow } from '@xyflow/react'
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { useTranslation } from 'react-i18next'
import { useEditor } from '../canvas/editor-store.ts'
import { CUSTOMER_STATES, whereaboutsApi, type CustomerState, type NodeWhereabouts, type RunCustomer, type RunSummaryRow, type RunWhereabouts as Whereabouts } from './whereabouts-api.ts'
import { badgesOf, dayLabel } from './whereabouts-format.ts'
import './whereabouts.css'

const PAGE = 25
/** How often the badges of a running run are read again (the live counts stream every second; these are heavier). */
const REFRESH_MS = 15_000

export function RunWhereabouts({ flowId, liveRun }: { flowId: string; liveRun: string | null }) {
  const { t, i18n } = useTranslation()
  const [open, setOpen] = useState(false)
  const [runs, setRuns] = useState<RunSummaryRow[] | null>(null)
  const [runId, setRunId] = useState<string | null>(null)
  const [where, setWhere] = useState<Whereabouts | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const selected = useEditor((s) => (s.selected.length === 1 ? s.selected[0] : undefined))
  const bar = useRef<HTMLDivElement>(null)
  /** The editor's workspace row, where the panel goes as a column. */
  const [workspace, setWorkspace] = useState<HTMLElement | null>(null)
  useLayoutEffect(() => setWorkspace(bar.current?.closest<HTMLElement>('.workspace') ?? null), [])
  const { fitView } = useReactFlow()
  // The panel narrows the canvas when it first shows: fit the steps into what is left, with room
  // on the left for the badges (the minimap holds the bottom right) and at the top for the bar.
  const shown = open && where !== null
  useEffect(() => {
    if (!shown) return
    const frame = requestAnimationFrame(() => void fitView({ padding: { top: '70px', left: '230px', right: '30px', bottom: '30px' }, duration: 150 }))
    return () => cancelAnimationFrame(frame)
  }, [shown, fitView])

  // The flow's runs when the view opens: the running one first, else the newest.
  useEffect(() => {
    if (!open) return
    let live = true
    whereaboutsApi.runs(flowId).then((r) => {
      if (!live) return
      setRuns(r.runs)
      setRunId((current) => current ?? liveRun ?? r.runs.find((run) => run.state === 'running')?.id ?? r.runs[0]?.id ?? null)
    }, (e: unknown) => live && setFailure(e instanceof Error ? e.message : String(e)))
    return () => { live = false }
  }, [open, flowId, liveRun])

  const load = useCallback((signal?: AbortSignal) => {
    if (!runId) return
    whereaboutsApi.get(runId, signal).then((w) => { setWhere(w); setFailure(null) }, (e: unknown) => {
      if (!signal?.aborted) setFailure(e instanceof Error ? e.message : String(e))
    })
  }, [runId])
  // Loaded when opened, and again every REFRESH_MS while the run it shows is running.
  const running = runs?.find((r) => r.id === runId)?.state === 'running'
  useEffect(() => {
    if (!open) return
    const controller = new AbortController()
    load(controller.signal)
    const timer = running ? setInterval(() => load(controller.signal), REFRESH_MS) : undefined
    return () => { controller.abort(); clearInterval(timer) }
  }, [open, load, running])

  const nodeTitle = (id: string) => useEditor.getState().flow?.nodes.find((n) => n.id === id)?.title ?? where?.nodes.find((n) => n.nodeId === id)?.nodeTitle ?? id

  return (
    <>
      <div className="whereabouts-bar nodrag" ref={bar}>
        <button type="button" data-testid="whereabouts-toggle" aria-pressed={open} className={open ? 'active' : ''} onClick={() => setOpen(!open)}>
          {open ? t('whereabouts.hide') : t('whereabouts.toggle')}
        </button>
        {open && runs && runs.length > 0 && (
          <label>{t('whereabouts.run')}{' '}
            <select data-testid="whereabouts-run" value={runId ?? ''} onChange={(e) => { setWhere(null); setRunId(e.target.value) }}>
              {runs.map((r) => <option key={r.id} value={r.id}>{t('whereabouts.runOption', { version: r.flowVersion, state: t(`whereabouts.runStates.${r.state}`, { defaultValue: r.state }), id: r.id })}</option>)}
            </select>
          </label>
        )}
        {open && runId && <button type="button" data-testid="whereabouts-refresh" onClick={() => load()}>{t('whereabouts.refresh')}</button>}
        {open && where && <span className="whereabouts-totals" data-testid="whereabouts-totals">{t('whereabouts.totals', where.totals)}</span>}
        {open && runs?.length === 0 && <span>{t('whereabouts.noRun')}</span>}
        {open && failure && <span className="whereabouts-failed" role="alert">{t('whereabouts.failed', { message: failure })}</span>}
      </div>
      {open && where?.nodes.map((node) => <NodeBadges key={node.nodeId} node={node} t={t} language={i18n.language} />)}
      {open && runId && where && workspace && createPortal(
        <aside className="whereabouts-panel" data-testid="whereabouts-panel" aria-label={selected ? t('whereabouts.panelTitle', { node: nodeTitle(selected) }) : t('whereabouts.toggle')}>
          {selected
            ? <NodePanel key={`${runId}:${selected}`} runId={runId} title={nodeTitle(selected)} node={where.nodes.find((n) => n.nodeId === selected)} nodeId={selected} />
            : <p className="hint">{t('whereabouts.selectNode')}</p>}
        </aside>,
        workspace,
      )}
    </>
  )
}

function NodeBadges({ node, t, language }: { node: NodeWhereabouts; t: (key: string, values: Record<string, unknown>) => string; language: string }) {
  const badges = badgesOf(node, t, language)
  if (badges.length === 0) return null
  return (
    <NodeToolbar nodeId={node.nodeId} isVisible position={Position.Left} align="start" offset={8}>
      <ul className="whereabouts-badges" data-testid="whereabouts-badges" data-node-id={node.nodeId}>
        {badges.map((b) => <li key={b.kind} className={`whereabouts-badge ${b.kind}`} data-kind={b.kind} data-count={b.count}>{b.text}</li>)}
      </ul>
    </NodeToolbar>
  )
}

function NodePanel({ runId, nodeId, title, node }: { runId: string; nodeId: string; title: string; node: NodeWhereabouts | undefined }) {
  const { t, i18n } = useTranslation()
  const [state, setState] = useState<CustomerState | ''>('')
  const [customers, setCustomers] = useState<RunCustomer[] | null>(null)
  const [next, setNext] = useState<number | null>(null)
  const [failure, setFailure] = useState<string | null>(null)

  const fetchPage = useCallback((after: number | undefined, signal?: AbortSignal) => {
    whereaboutsApi.customers(runId, { node: nodeId, limit: PAGE, ...(state ? { state } : {}), ...(after === undefined ? {} : { after }) }, signal).then((page) => {
      setCustomers((current) => (after === undefined ? page.customers : [...(current ?? []), ...page.customers]))
      setNext(page.next)
    }, (e: unknown) => { if (!signal?.aborted) setFailure(e instanceof Error ? e.message : String(e)) })
  }, [runId, nodeId, state])
  useEffect(() => {
    const controller = new AbortController()
    setCustomers(null)
    fetchPage(undefined, controller.signal)
    return () => controller.abort()
  }, [fetchPage])

  const minute = (iso: string) => `${dayLabel(iso, i18n.language)} ${iso.slice(11, 16)}`
  return (
    <div className="whereabouts-node" data-node-id={nodeId}>
      <h2>{t('whereabouts.panelTitle', { node: title })}</h2>
      {node && <NodeSummary node={node} />}
      <label>{t('whereabouts.state')}{' '}
        <select data-testid="whereabouts-state" value={state} onChange={(e) => setState(e.target.value as CustomerState | '')}>
          <option value="">{t('whereabouts.all')}</option>
          {CUSTOMER_STATES.map((s) => <option key={s} value={s}>{t(`whereabouts.states.${s}`)}</option>)}
        </select>
      </label>
      {failure && <p className="whereabouts-failed" role="alert">{t('whereabouts.failed', { message: failure })}</p>}
      {customers === null ? <p>{t('whereabouts.loading')}</p> : customers.length === 0 ? <p data-testid="whereabouts-nobody">{t('whereabouts.nobody')}</p> : (
        <table className="whereabouts-customers" data-testid="whereabouts-customers">
          <thead><tr><th>{t('whereabouts.customer')}</th><th>{t('whereabouts.due')}</th><th>{t('whereabouts.why')}</th></tr></thead>
          <tbody>
            {customers.map((c) => (
              <tr key={c.customerId} data-customer-id={c.customerId} data-whereabout={c.whereabout}>
                <td><code>{c.customerId}</code> <span className={`whereabouts-state ${c.whereabout}`}>{t(`whereabouts.states.${c.whereabout}`)}</span>{c.holdout && <span className="tag">{t('whereabouts.holdout')}</span>}</td>
                <td>{c.dueAt ? <time dateTime={c.dueAt}>{minute(c.dueAt)}</time> : ''}</td>
                <td className="why" data-reason-code={c.reasonCode ?? ''}>{c.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && <button type="button" data-testid="whereabouts-more" onClick={() => fetchPage(next)}>{t('whereabouts.more')}</button>}
    </div>
  )
}

function NodeSummary({ node }: { node: NodeWhereabouts }) {
  const { t } = useTranslation()
  const days = [...node.waiting.byDay, ...node.held.byDay].reduce<Map<string, number>>((m, d) => m.set(d.day, (m.get(d.day) ?? 0) + d.count), new Map())
  const peak = Math.max(1, ...days.values())
  const later = node.waiting.later + node.held.later
  const forEvent = node.waiting.forEvent + node.held.forEvent
  return (
    <div className="whereabouts-summary">
      {days.size > 0 && (
        <figure data-testid="whereabouts-days">
          <figcaption>{t('whereabouts.byDay')}</figcaption>
          {[...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => (
            <div key={day} className="whereabouts-day" data-day={day} data-count={count}>
              <span>{day.slice(5)}</span><span className="bar" style={{ width: `${(count / peak) * 100}%` }} /><span>{count}</span>
            </div>
          ))}
          {later > 0 && <div className="whereabouts-day">{t('whereabouts.later', { count: later })}</div>}
          {forEvent > 0 && <div className="hint">{t('whereabouts.forEvent', { count: forEvent })}</div>}
        </figure>
      )}
      {node.error.messages.length > 0 && (
        <div data-testid="whereabouts-errors"><strong>{t('whereabouts.errors')}</strong>
          <ul>{node.error.messages.map((m) => <li key={m.message}>{m.count} × {m.message || '—'}</li>)}</ul>
        </div>
      )}
      {node.done.count > 0 && (
        <div><strong>{t('whereabouts.doneBy')}</strong>{' '}{Object.entries(node.done.byOutput).map(([output, count]) => `${output || '—'} ${count}`).join(' · ')}</div>
      )}
    </div>
  )
}
