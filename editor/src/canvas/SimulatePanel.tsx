/**
 * Simulate mode: back-tests the canvas's flow (saved or not) over a past window on the server
 * (POST /flows/{id}/simulate: rolled back, nothing sent or kept) and puts the counts on every
 * node and edge while the panel is open. Opening it runs the default window (the last 30 days
 * of the server's clock); the panel then shows the window that ran, customers, sends per
 * channel, errors and the measure report's headline, and says when the flow changed since.
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiFailure, flowsApi, type ProblemDetail, type SimulationResult } from '../api.ts'
import { useEditor } from './editor-store.ts'
import { simulationCounts, simulationWindow, windowDays } from './simulation.ts'

export interface SimulatePanelProps {
  flowId: string
  onFocusNode(nodeId: string): void
}

export function SimulatePanel({ flowId, onFocusNode }: SimulatePanelProps) {
  const { t } = useTranslation()
  const flow = useEditor((s) => s.flow)
  const simulation = useEditor((s) => s.simulation)
  const [first, setFirst] = useState('')
  const [last, setLast] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<SimulationResult | null>(null)
  const [failure, setFailure] = useState<{ message: string; details: ProblemDetail[] } | null>(null)
  const started = useRef(false)

  async function run(days: { first: string; last: string }) {
    const window = simulationWindow(days.first, days.last)
    if ('error' in window) {
      setFailure({ message: t(`simulate.bad.${window.error}`), details: [] })
      return
    }
    const sent = useEditor.getState().flow
    if (!sent) return
    setBusy(true)
    setFailure(null)
    try {
      const answer = await flowsApi.simulate(flowId, { ...window, flow: sent })
      setResult(answer)
      const ran = windowDays(answer)
      setFirst(ran.first)
      setLast(ran.last)
      useEditor.getState().setSimulation({ counts: simulationCounts(answer), flow: sent })
    } catch (error) {
      setFailure(error instanceof ApiFailure ? { message: error.message, details: error.details } : { message: error instanceof Error ? error.message : String(error), details: [] })
    } finally {
      setBusy(false)
    }
  }

  // Opening simulate mode runs the default window; closing it takes its counts off the canvas.
  useEffect(() => {
    if (!started.current) {
      started.current = true
      void run({ first: '', last: '' })
    }
    return () => useEditor.getState().setSimulation(null)
  }, [])

  const stale = simulation !== null && flow !== simulation.flow
  const n = (value: number) => value.toLocaleString()
  const channels = result ? [...new Set([...Object.keys(result.sends), ...Object.keys(result.held)])].sort() : []

  return (
    <aside className="side-panel simulate-panel" data-testid="simulate-panel" aria-label={t('simulate.title')}>
      <h2>{t('simulate.title')}</h2>
      <p className="muted">{t('simulate.explain')}</p>
      <form className="window" onSubmit={(e) => { e.preventDefault(); void run({ first, last }) }}>
        <label className="field">{t('simulate.first')}<input type="date" data-testid="simulate-first" value={first} onChange={(e) => setFirst(e.target.value)} /></label>
        <label className="field">{t('simulate.last')}<input type="date" data-testid="simulate-last" value={last} onChange={(e) => setLast(e.target.value)} /></label>
        <button type="submit" className="primary" data-testid="simulate-run" disabled={busy}>{busy ? t('simulate.running') : t('simulate.run')}</button>
      </form>
      {failure && (
        <div className="error" role="alert" data-testid="simulate-error">
          {failure.message.split('\n')[0]}
          {failure.details.length > 0 && <ul>{failure.details.map((d) => <li key={`${d.path}:${d.message}`}><code>{d.path}</code> {d.message}</li>)}</ul>}
        </div>
      )}
      {result && (
        <section data-testid="simulation-result" aria-busy={busy}>
          {stale && <p className="warning-text" data-testid="simulation-stale">{t('simulate.stale')}</p>}
          <p>{t('simulate.window', windowDays(result))} · v{result.flow.version}</p>
          <h3>{t('simulate.customers')}</h3>
          <p data-testid="simulation-positions">
            {t('simulate.positions', { done: n(result.positions.done), active: n(result.positions.active), error: n(result.positions.error) })}
          </p>
          <h3>{t('simulate.sends')}</h3>
          {channels.length === 0 ? <p className="muted">{t('simulate.noSends')}</p> : (
            <table className="figures" data-testid="simulation-sends">
              <thead><tr><th>{t('simulate.channel')}</th><th>{t('simulate.sent')}</th><th>{t('simulate.held')}</th></tr></thead>
              <tbody>
                {channels.map((channel) => (
                  <tr key={channel} data-channel={channel}>
                    <td>{channel}</td>
                    <td>{n(result.sends[channel as keyof typeof result.sends] ?? 0)}</td>
                    <td>{n(result.held[channel as keyof typeof result.held] ?? 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.errors.length > 0 && (
            <>
              <h3 className="error">{t('simulate.errors')}</h3>
              <ul className="problems" data-testid="simulation-errors">
                {result.errors.map((group) => (
                  <li key={`${group.nodeId}:${group.message}`} className="error">
                    <button type="button" onClick={() => onFocusNode(group.nodeId)}><code>{group.nodeId}</code> {t('simulate.inError', { count: group.customers })}: {group.message}</button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.warnings.length > 0 && (
            <ul className="problems">
              {result.warnings.map((w) => <li key={`${w.path}:${w.message}`} className="warning"><code>{w.path}</code> {w.message}</li>)}
            </ul>
          )}
          {result.measure && <MeasureHeadline measure={result.measure} />}
        </section>
      )}
    </aside>
  )
}

function MeasureHeadline({ measure }: { measure: NonNullable<SimulationResult['measure']> }) {
  const { t } = useTranslation()
  const pct = (value: number) => `${(value * 100).toFixed(1)} %`
  const points = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}`
  const { treated, holdout, uplift } = measure.overall
  return (
    <div data-testid="simulation-measure">
      <h3>{t('simulate.measure', { event: measure.goal.event, days: measure.goal.withinDays })}</h3>
      <table className="figures">
        <thead><tr><th /><th>{t('simulate.measured')}</th><th>{t('simulate.converted')}</th><th>{t('simulate.rate')}</th></tr></thead>
        <tbody>
          <tr><td>{t('simulate.treated')}</td><td>{treated.customers.toLocaleString()}</td><td>{treated.converted.toLocaleString()}</td><td>{pct(treated.rate)}</td></tr>
          <tr><td>{t('simulate.holdout')}</td><td>{holdout.customers.toLocaleString()}</td><td>{holdout.converted.toLocaleString()}</td><td>{pct(holdout.rate)}</td></tr>
        </tbody>
      </table>
      <p>{uplift.enough ? t('simulate.uplift', { uplift: points(uplift.uplift), low: points(uplift.ci95[0]), high: points(uplift.ci95[1]) }) : uplift.reason}</p>
    </div>
  )
}
