/**
 * "What would the draft have done?": an operator picks a past run of this campaign and replays it
 * through the current draft (POST /api/runs/{id}/replay with `{ flow }`, on an isolated copy of
 * the store: engine/replay/counterfactual.ts). The answer is drawn on the canvas — a badge beside
 * each step with the run's count → the draft's and the difference, the two counts on each edge,
 * the changed steps and edges outlined by a stylesheet keyed on React Flow's data-id (so no step
 * re-renders) — and a panel lists messages per channel before and after (a bar chart), the
 * changed customers with both paths, and their CSV (the CLI's columns, built from the answer).
 *
 * One component in the editor's toolbar: the button, and through portals the panel (a column of
 * the workspace, in the settings panel's place) and the canvas overlays (NodeToolbar badges and
 * ViewportPortal edge labels, positioned from React Flow's own node internals).
 */
import { NodeToolbar, Position, useReactFlow, useStore, ViewportPortal, type InternalNode, type ReactFlowState } from '@xyflow/react'
import { lazy, Suspense, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { useTranslation } from 'react-i18next'
import { ApiFailure, type ProblemDetail } from '../api.ts'
import { useEditor } from '../canvas/editor-store.ts'
import type { Flow } from '../canvas/flow-model.ts'
import { whereaboutsApi, type RunSummaryRow } from '../runs/whereabouts-api.ts'
import { counterfactualApi, counterfactualCsv, counterfactualStyles, edgeCounts, enteredOf, nodeChanged, pathWords, REPLAY_ROLES, signed, type CounterfactualReport, type NodeComparison } from './counterfactual.ts'
import './counterfactual.css'

// recharts stays out of the editor's first bundle, as the results view's does.
const SendsChart = lazy(() => import('./SendsChart.tsx'))

interface Failure { message: string; problems: ProblemDetail[] }

export function CounterfactualReplay({ flowId }: { flowId: string }) {
  const { t } = useTranslation()
  const [role, setRole] = useState<string | null>(null)
  const [open, setOpen] = useState(false)
  const [runs, setRuns] = useState<RunSummaryRow[] | null>(null)
  const [runId, setRunId] = useState<string | null>(null)
  const [report, setReport] = useState<CounterfactualReport | null>(null)
  const [sent, setSent] = useState<Flow | null>(null)
  const [startedAt, setStartedAt] = useState<number | null>(null)
  const [seconds, setSeconds] = useState(0)
  const [failure, setFailure] = useState<Failure | null>(null)
  const pending = useRef<AbortController | null>(null)
  const anchor = useRef<HTMLSpanElement>(null)
  const [workspace, setWorkspace] = useState<HTMLElement | null>(null)
  useLayoutEffect(() => setWorkspace(anchor.current?.closest('.editor')?.querySelector<HTMLElement>('.workspace') ?? null), [])
  const flow = useEditor((s) => s.flow)
  const { fitView } = useReactFlow()
  // The panel narrows the canvas: when an answer arrives, fit the steps into what is left, with room above them for the badges.
  useEffect(() => {
    if (!open || !report) return
    const frame = requestAnimationFrame(() => void fitView({ padding: { top: '60px', left: '30px', right: '30px', bottom: '30px' }, duration: 150 }))
    return () => cancelAnimationFrame(frame)
  }, [open, report, fitView])

  // Who am I: the route is for operators (the editor's local mode without sign-in is an admin, as App.tsx has it).
  useEffect(() => {
    let live = true
    counterfactualApi.me().then((me) => live && setRole(me.principal.role), () => live && setRole('admin'))
    return () => { live = false }
  }, [])
  const allowed = role !== null && REPLAY_ROLES.includes(role)

  useEffect(() => {
    if (!open) return
    let live = true
    whereaboutsApi.runs(flowId).then((r) => {
      if (!live) return
      setRuns(r.runs)
      setRunId((current) => current ?? r.runs[0]?.id ?? null)
    }, (e: unknown) => live && setFailure({ message: e instanceof Error ? e.message : String(e), problems: [] }))
    return () => { live = false }
  }, [open, flowId])

  // The seconds counter while the replay runs (it takes about as long as the run's window on the engine).
  useEffect(() => {
    if (startedAt === null) return
    setSeconds(0)
    const timer = setInterval(() => setSeconds(Math.round((performance.now() - startedAt) / 1000)), 1000)
    return () => clearInterval(timer)
  }, [startedAt])
  useEffect(() => () => pending.current?.abort(), [])

  async function replay() {
    const draft = useEditor.getState().flow
    if (!runId || !draft) return
    pending.current?.abort()
    const controller = new AbortController()
    pending.current = controller
    setFailure(null)
    setStartedAt(performance.now())
    try {
      const answer = await counterfactualApi.replay(runId, draft, controller.signal)
      setReport(answer)
      setSent(draft)
    } catch (error) {
      if (controller.signal.aborted) return
      setFailure(error instanceof ApiFailure ? { message: error.message, problems: error.details } : { message: error instanceof Error ? error.message : String(error), problems: [] })
    } finally {
      if (pending.current === controller) {
        pending.current = null
        setStartedAt(null)
      }
    }
  }

  function cancel() {
    pending.current?.abort()
    pending.current = null
    setStartedAt(null)
  }

  function clear() {
    cancel()
    setReport(null)
    setSent(null)
  }

  function download() {
    if (!report) return
    const url = URL.createObjectURL(new Blob([counterfactualCsv(report)], { type: 'text/csv;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = `${report.run.id}-counterfactual.csv`
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

  const titleOf = (nodeId: string) => {
    const node = flow?.nodes.find((n) => n.id === nodeId)
    return node?.title ?? useEditor.getState().nodeTypes.find((type) => type.type === node?.type)?.title ?? nodeId
  }
  const styles = useMemo(() => (report && flow ? counterfactualStyles(report, flow.edges) : ''), [report, flow])
  const reason = role !== null && !allowed ? t('counterfactual.operatorOnly', { role }) : undefined

  return (
    <span ref={anchor} className="counterfactual-anchor">
      <button
        type="button" data-testid="counterfactual" aria-pressed={open} className={open ? 'active' : ''}
        disabled={!allowed} title={reason} {...(reason ? { 'data-reason': reason } : {})}
        onClick={() => setOpen(!open)}
      >{t('counterfactual.button')}</button>
      {reason && <span className="visually-hidden" data-testid="counterfactual-reason">{reason}</span>}
      {open && report && styles && <style data-testid="counterfactual-styles">{styles}</style>}
      {open && report && flow?.nodes.map((node) => {
        const compared = report.nodes.find((n) => n.nodeId === node.id)
        return compared ? <StepBadge key={node.id} node={compared} /> : null
      })}
      {open && report && flow && <EdgeCounts report={report} edges={flow.edges} />}
      {open && workspace && createPortal(
        <aside className="counterfactual-panel" data-testid="counterfactual-panel" aria-labelledby="counterfactual-title">
          <h2 id="counterfactual-title">{t('counterfactual.title')}</h2>
          <p className="hint">{t('counterfactual.explain')}</p>
          {runs?.length === 0 && <p data-testid="counterfactual-no-run">{t('counterfactual.noRun')}</p>}
          {runs && runs.length > 0 && (
            <div className="counterfactual-controls">
              <label>{t('counterfactual.run')}{' '}
                <select data-testid="counterfactual-run" value={runId ?? ''} onChange={(e) => setRunId(e.target.value)} disabled={startedAt !== null}>
                  {runs.map((r) => <option key={r.id} value={r.id}>{t('counterfactual.runOption', { version: r.flowVersion, state: t(`whereabouts.runStates.${r.state}`, { defaultValue: r.state }), id: r.id })}</option>)}
                </select>
              </label>
              {startedAt === null
                ? <button type="button" className="primary" data-testid="counterfactual-start" disabled={!runId} onClick={() => void replay()}>{t('counterfactual.start')}</button>
                : <button type="button" data-testid="counterfactual-cancel" onClick={cancel}>{t('counterfactual.cancel')}</button>}
              {report && <button type="button" data-testid="counterfactual-clear" onClick={clear}>{t('counterfactual.clear')}</button>}
            </div>
          )}
          <div role="status" aria-live="polite">
            {startedAt !== null && <p data-testid="counterfactual-progress"><progress aria-label={t('counterfactual.start')} /> {t('counterfactual.running', { seconds })}</p>}
            {failure && (
              <div className="counterfactual-failed" data-testid="counterfactual-error">
                <p>{failure.problems.length > 0 ? t('counterfactual.problems') : t('counterfactual.failed', { message: failure.message })}</p>
                {failure.problems.length > 0 && <ul>{failure.problems.map((p) => <li key={`${p.path}:${p.message}`}><code>{p.path}</code> {p.message}</li>)}</ul>}
              </div>
            )}
          </div>
          {report && <Answer report={report} stale={sent !== flow} titleOf={titleOf} onDownload={download} />}
        </aside>,
        workspace,
      )}
    </span>
  )
}

function StepBadge({ node }: { node: NodeComparison }) {
  const { t } = useTranslation()
  const counts = enteredOf(node)
  return (
    <NodeToolbar nodeId={node.nodeId} isVisible position={Position.Top} align="start" offset={6}>
      <span
        className={`counterfactual-badge${nodeChanged(node) ? ' changed' : ''}`} data-testid="counterfactual-badge" data-node-id={node.nodeId}
        data-original={counts.original} data-counterfactual={counts.counterfactual} data-delta={counts.delta}
      >{t('counterfactual.badge', { original: counts.original.toLocaleString(), counterfactual: counts.counterfactual.toLocaleString(), delta: signed(counts.delta) })}</span>
    </NodeToolbar>
  )
}

/** Handle centre in flow coordinates, from React Flow's measured handle bounds. */
function handlePoint(node: InternalNode | undefined, kind: 'source' | 'target', id: string): { x: number; y: number } | null {
  const handle = node?.internals.handleBounds?.[kind]?.find((h) => h.id === id)
  if (!node || !handle) return null
  return { x: node.internals.positionAbsolute.x + handle.x + handle.width / 2, y: node.internals.positionAbsolute.y + handle.y + handle.height / 2 }
}

const nodeLookupOf = (s: ReactFlowState) => s.nodeLookup

/** Each edge's two counts, just under its output label (the edge's midpoint). */
function EdgeCounts({ report, edges }: { report: CounterfactualReport; edges: Flow['edges'] }) {
  const { t } = useTranslation()
  const lookup = useStore(nodeLookupOf)
  return (
    <ViewportPortal>
      {edges.map((e) => {
        const counts = edgeCounts(report, e.from, e.output)
        const from = handlePoint(lookup.get(e.from), 'source', e.output)
        const to = handlePoint(lookup.get(e.to), 'target', 'in')
        if (!counts || !from || !to) return null
        const key = `${e.from}|${e.output}|${e.to}`
        return (
          <div
            key={key} className={`counterfactual-edge${counts.original === counts.counterfactual ? '' : ' changed'}`} data-testid="counterfactual-edge" data-edge={key}
            data-original={counts.original} data-counterfactual={counts.counterfactual}
            style={{ transform: `translate(-50%, 0) translate(${(from.x + to.x) / 2}px, ${(from.y + to.y) / 2 + 12}px)` }}
          >{t('counterfactual.edge', { original: counts.original.toLocaleString(), counterfactual: counts.counterfactual.toLocaleString() })}</div>
        )
      })}
    </ViewportPortal>
  )
}

function Answer({ report, stale, titleOf, onDownload }: { report: CounterfactualReport; stale: boolean; titleOf(nodeId: string): string; onDownload(): void }) {
  const { t } = useTranslation()
  const sends = report.sends.filter((s) => s.original > 0 || s.counterfactual > 0)
  return (
    <div className="counterfactual-answer" data-testid="counterfactual-answer" data-run={report.run.id}>
      {stale && <p className="counterfactual-stale" data-testid="counterfactual-stale">{t('counterfactual.stale')}</p>}
      <p>{t('counterfactual.against', { run: report.run.id, version: report.run.version, from: report.from.slice(0, 10), until: report.until.slice(0, 10) })}</p>
      <p data-testid="counterfactual-summary"><strong>{t('counterfactual.summary', Object.fromEntries(Object.entries(report.customers).map(([k, v]) => [k, v.toLocaleString()])))}</strong></p>
      <h3>{t('counterfactual.sends')}</h3>
      {sends.length === 0 ? <p className="hint">{t('counterfactual.noSends')}</p> : (
        <>
          <Suspense fallback={<div className="counterfactual-chart" />}>
            <SendsChart data={sends.map((s) => ({ channel: s.channel, before: s.original, after: s.counterfactual }))} before={t('counterfactual.before')} after={t('counterfactual.after')} />
          </Suspense>
          <table className="counterfactual-table" data-testid="counterfactual-sends">
            <thead><tr><th scope="col">{t('counterfactual.channel')}</th><th scope="col">{t('counterfactual.before')}</th><th scope="col">{t('counterfactual.after')}</th><th scope="col">{t('counterfactual.delta')}</th></tr></thead>
            <tbody>
              {sends.map((s) => <tr key={s.channel} data-channel={s.channel} data-original={s.original} data-counterfactual={s.counterfactual}><th scope="row">{s.channel}</th><td>{s.original.toLocaleString()}</td><td>{s.counterfactual.toLocaleString()}</td><td>{signed(s.delta)}</td></tr>)}
            </tbody>
          </table>
        </>
      )}
      <h3>{t('counterfactual.changed')}</h3>
      {report.customers.changed === 0 ? <p data-testid="counterfactual-none">{t('counterfactual.none')}</p> : (
        <>
          <p className="counterfactual-listed">
            <span data-testid="counterfactual-listed">{t('counterfactual.listed', { shown: report.changed.length.toLocaleString(), count: report.customers.changed.toLocaleString() })}</span>{' '}
            <button type="button" data-testid="counterfactual-download" onClick={onDownload}>{t('counterfactual.download')}</button>
          </p>
          <table className="counterfactual-table" data-testid="counterfactual-changed">
            <thead><tr><th scope="col">{t('counterfactual.customer')}</th><th scope="col">{t('counterfactual.oldPath')}</th><th scope="col">{t('counterfactual.newPath')}</th></tr></thead>
            <tbody>
              {report.changed.map((c) => (
                <tr key={c.customerKey} data-customer-id={c.customerId}>
                  <th scope="row"><code>{c.customerId}</code></th>
                  <td>{pathWords(c.original, titleOf, t('counterfactual.didNotEnter'))}{c.originalSends.length > 0 && <> · <b>{c.originalSends.join(', ')}</b></>}</td>
                  <td>{pathWords(c.counterfactual, titleOf, t('counterfactual.didNotEnter'))}{c.counterfactualSends.length > 0 && <> · <b>{c.counterfactualSends.join(', ')}</b></>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  )
}
