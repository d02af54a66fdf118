/**
 * The publish dialog's forecast: what the saved draft would do over the next days if published
 * now (POST /flows/{id}/forecast; nothing is sent or kept): customers entering, messages per
 * channel and day, the holdout, and the caps and capacities that bind for how many customers.
 * It runs when the dialog opens and again when the horizon changes; a newer request cancels the
 * one in flight.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ForecastReport } from '../../../engine/simulation/forecast-flow.ts'
import { flowsApi } from '../api.ts'
import './forecast.css'

const HORIZONS = [7, 14, 30] as const

export function PublishForecast({ flowId, errors, beforeForecast }: { flowId: string; errors: number; beforeForecast(): Promise<void> }) {
  const { t, i18n } = useTranslation()
  const [days, setDays] = useState<number>(HORIZONS[0])
  const [report, setReport] = useState<ForecastReport | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [round, setRound] = useState(0)

  useEffect(() => {
    if (errors > 0) return
    const controller = new AbortController()
    setBusy(true)
    setFailure(null)
    void (async () => {
      try {
        await beforeForecast()
        const result = await flowsApi.forecast(flowId, days, controller.signal)
        if (!controller.signal.aborted) setReport(result)
      } catch (error) {
        if (!controller.signal.aborted) setFailure(error instanceof Error ? error.message : String(error))
      } finally {
        if (!controller.signal.aborted) setBusy(false)
      }
    })()
    return () => controller.abort()
    // beforeForecast saves the draft; a new function identity each render is no reason to forecast again.
  }, [flowId, days, errors, round])

  const n = (value: number) => value.toLocaleString(i18n.language)
  const channels = report ? [...new Set(report.sendsPerDay.map((d) => d.channel))].sort() : []
  const dayList = report ? [...new Set(report.sendsPerDay.map((d) => d.day))] : []
  const entered = report ? (Object.values(report.nodes)[0]?.entered ?? 0) : 0

  return (
    <section className="forecast" data-testid="publish-forecast" aria-busy={busy}>
      <h3>{t('forecast.title')}</h3>
      <label className="field inline">
        {t('forecast.days')}{' '}
        <select data-testid="forecast-days" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {HORIZONS.map((h) => <option key={h} value={h}>{h}</option>)}
        </select>
        <button type="button" disabled={busy || errors > 0} onClick={() => setRound((r) => r + 1)}>{t('forecast.run')}</button>
      </label>
      <p className="hint">{t('forecast.explain', { days })}</p>
      {errors > 0 && <p className="hint">{t('forecast.blocked')}</p>}
      {busy && <p data-testid="forecast-running">{t('forecast.running', { days })}</p>}
      {failure && <p className="error" data-testid="forecast-error">{t('forecast.failed', { message: failure })}</p>}
      {report && !busy && (
        <div data-testid="forecast-result">
          <p data-testid="forecast-summary">
            {t('forecast.entered', { count: entered })} · {t('forecast.holdout', { customers: n(report.holdout.customers), percent: report.holdout.percent })}
          </p>
          {channels.length === 0 ? <p>{t('forecast.noSends')}</p> : (
            <table className="forecast-sends" data-testid="forecast-sends">
              <thead><tr><th>{t('forecast.day')}</th>{channels.map((c) => <th key={c}>{c}</th>)}</tr></thead>
              <tbody>
                {dayList.map((day) => (
                  <tr key={day}><td>{day}</td>{channels.map((c) => <td key={c}>{n(report.sendsPerDay.find((d) => d.day === day && d.channel === c)?.sends ?? 0)}</td>)}</tr>
                ))}
                <tr><th>{t('forecast.total')}</th>{channels.map((c) => <th key={c}>{n(report.sends[c] ?? 0)}</th>)}</tr>
              </tbody>
            </table>
          )}
          {report.limits.length === 0 ? <p data-testid="forecast-limits">{t('forecast.noLimits')}</p> : (
            <div data-testid="forecast-limits">
              <h4>{t('forecast.limitsTitle')}</h4>
              <ul>
                {report.limits.map((l) => (
                  <li key={`${l.nodeId}:${l.limit}`} data-limit={l.limit}>{t('forecast.limit', { node: l.nodeId, description: l.description })}: {t('forecast.customers', { count: l.customers })}</li>
                ))}
              </ul>
            </div>
          )}
          {report.positions.error > 0 && <p className="error">{t('forecast.errors', { count: report.positions.error })}</p>}
        </div>
      )}
    </section>
  )
}
