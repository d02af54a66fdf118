/**
 * A flow's results (GET /reports/flows/{id}): headline figures, the funnel per step, conversion
 * treated vs holdout, the uplift with its 95 % interval (or why there is not enough data yet)
 * and messages per channel over time, drawn with recharts; any run of the flow can be picked,
 * and the same report downloads as CSV. A flow that has not run, or has no goal, says so.
 * Bars carry data-* attributes (step, arm, value) so tests read what is drawn.
 */
import { useEffect, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type BarShapeProps } from 'recharts'
import { ApiFailure, flowsApi } from '../api.ts'
import { useEditor } from '../canvas/editor-store.ts'
import { conversionRows, funnelRows, points, sendSeries, upliftRows, type UpliftRow } from './chart-data.ts'
import { reportsApi, type FlowReport } from './reports-api.ts'
import './results.css'

const TREATED = '#2f6fed'
const HOLDOUT = '#98a2b3'
const CHANNEL_COLOURS = ['#2f6fed', '#12b76a', '#f79009', '#7a5af8', '#ee46bc', '#06aed4']

type Load =
  | { kind: 'loading' }
  | { kind: 'no-run' }
  | { kind: 'no-goal'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; report: FlowReport }

export function ResultsView({ flowId, onBack }: { flowId: string; onBack(): void }) {
  const { t, i18n } = useTranslation()
  const [load, setLoad] = useState<Load>({ kind: 'loading' })
  const [runId, setRunId] = useState<string | undefined>(undefined)
  const [flow, setFlow] = useState<{ name: string; nodes: { id: string; type: string; title?: string | undefined }[] } | null>(null)
  const nodeTypes = useEditor((s) => s.nodeTypes)

  useEffect(() => {
    void flowsApi.get(flowId)
      .then((d) => setFlow({ name: d.name, nodes: d.draft.nodes.map((n) => ({ id: n.id, type: n.type, title: n.title })) }))
      .catch(() => setFlow({ name: flowId, nodes: [] }))
  }, [flowId])

  useEffect(() => {
    let live = true
    setLoad({ kind: 'loading' })
    reportsApi.get(flowId, runId)
      .then((report) => { if (live) setLoad({ kind: 'ready', report }) })
      .catch((error: unknown) => {
        if (!live) return
        if (error instanceof ApiFailure && error.code === 'report.no-run') setLoad({ kind: 'no-run' })
        else if (error instanceof ApiFailure && error.code === 'measure.no-goal') setLoad({ kind: 'no-goal', message: error.message })
        else setLoad({ kind: 'failed', message: error instanceof Error ? error.message : String(error) })
      })
    return () => { live = false }
  }, [flowId, runId])

  const date = (iso: string) => new Date(iso).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  const report = load.kind === 'ready' ? load.report : null
  // A step is named by its title, else its type's ("Trigger"), else its id.
  const titles = Object.fromEntries((flow?.nodes ?? []).map((n) => [n.id, n.title ?? nodeTypes.find((type) => type.type === n.type)?.title ?? n.id]))

  return (
    <div className="results" data-testid="results" data-state={load.kind}>
      <header className="toolbar">
        <button type="button" onClick={onBack} data-testid="results-back">← {t('results.back')}</button>
        <h1>{t('results.title', { name: flow?.name ?? flowId })}</h1>
        <span className="spacer" />
        {report && (
          <>
            <label className="inline">{t('results.run')}{' '}
              <select value={report.runId} data-testid="results-run" onChange={(e) => setRunId(e.target.value)}>
                {report.runs.map((r) => <option key={r.id} value={r.id}>{t('results.runOption', { version: r.version, state: t(`results.states.${r.state}`, { defaultValue: r.state }), date: date(r.createdAt) })}</option>)}
              </select>
            </label>
            <a className="button" href={reportsApi.csvUrl(flowId, report.runId)} download data-testid="results-csv">{t('results.csv')}</a>
          </>
        )}
      </header>
      <div className="results-body">
        {load.kind === 'loading' && <p className="muted">{t('results.loading')}</p>}
        {load.kind === 'no-run' && <div className="empty-state big" data-testid="results-empty"><p>{t('results.noRun')}</p><button type="button" className="primary" onClick={onBack}>{t('results.back')}</button></div>}
        {load.kind === 'no-goal' && <div className="empty-state big" data-testid="results-no-goal"><p>{t('results.noGoal')}</p><p className="muted small">{load.message}</p></div>}
        {load.kind === 'failed' && <p className="error" role="alert">{t('results.failed', { message: load.message })}</p>}
        {report && <Report report={report} titles={titles} date={date} />}
      </div>
    </div>
  )
}

function Report({ report, titles, date }: { report: FlowReport; titles: Record<string, string>; date(iso: string): string }) {
  const { t } = useTranslation()
  const channel = (c: string) => t(`segment.channels.${c}`, { defaultValue: c })
  const overall = t('results.overall')
  const funnel = funnelRows(report, (id) => titles[id] ?? id)
  const conversion = conversionRows(report, overall, channel).map((r) => ({ ...r, treatedPts: r.treated * 100, holdoutPts: r.holdout * 100 }))
  const uplifts = upliftRows(report, overall, channel)
  const sends = sendSeries(report)
  const o = report.overall
  const measured = o.treated.customers + o.holdout.customers
  const open = (o.treated.open ?? 0) + (o.holdout.open ?? 0)
  const arms = { treated: t('results.arms.treated'), holdout: t('results.arms.holdout') }
  const headline = uplifts[0] as UpliftRow

  return (
    <>
      <p className="muted" data-testid="results-as-of">{t('results.asOf', { date: date(report.asOf), event: report.goal.event ?? '', days: report.goal.withinDays ?? '' })}</p>
      <section className="result-cards">
        <Card label={t('results.cards.customers')} value={measured.toLocaleString()} note={open > 0 ? t('results.cards.open', { count: open }) : undefined} testId="card-customers" />
        <Card label={t('results.cards.treated')} value={`${points(o.treated.rate)} %`} note={`${o.treated.converted} / ${o.treated.customers}`} testId="card-treated" />
        <Card label={t('results.cards.holdout')} value={`${points(o.holdout.rate)} %`} note={`${o.holdout.converted} / ${o.holdout.customers}`} testId="card-holdout" />
        <Card label={t('results.cards.uplift')} value={headline.enough ? t('results.pts', { value: points(headline.uplift, true) }) : t('results.uplift.notEnough')} note={headline.enough ? t('results.ci', { low: points(headline.low, true), high: points(headline.high, true) }) : undefined} testId="card-uplift" tone={headline.enough ? (headline.significant ? (headline.uplift > 0 ? 'good' : 'bad') : 'neutral') : 'neutral'} />
        <Card label={t('results.cards.sends')} value={(o.treated.sent ?? 0).toLocaleString()} testId="card-sends" />
      </section>
      <div className="result-grid">
        <ChartCard title={t('results.funnel.title')} explain={t('results.funnel.explain')} testId="chart-funnel">
          {funnel.every((r) => r.total === 0) ? <p className="empty-state">{t('results.funnel.empty')}</p> : (
            <ResponsiveContainer width="100%" height={Math.max(180, 44 * funnel.length + 40)}>
              <BarChart data={funnel} layout="vertical" margin={{ left: 8, right: 24 }}>
                <CartesianGrid horizontal={false} strokeDasharray="3 3" />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="label" width={130} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Legend />
                <Bar dataKey="treated" name={arms.treated} stackId="arm" fill={TREATED} isAnimationActive={false} shape={tagged('funnel', 'treated', 'node')} />
                <Bar dataKey="holdout" name={arms.holdout} stackId="arm" fill={HOLDOUT} isAnimationActive={false} shape={tagged('funnel', 'holdout', 'node')} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
        <ChartCard title={t('results.conversion.title')} explain={t('results.conversion.explain')} testId="chart-conversion">
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={conversion} margin={{ right: 16 }}>
              <CartesianGrid vertical={false} strokeDasharray="3 3" />
              <XAxis dataKey="label" tick={{ fontSize: 12 }} />
              <YAxis unit=" %" />
              <Tooltip formatter={(v) => `${Number(v).toFixed(1)} %`} />
              <Legend />
              <Bar dataKey="treatedPts" name={arms.treated} fill={TREATED} maxBarSize={56} isAnimationActive={false} shape={tagged('conversion', 'treated', 'key', 'treated')} />
              <Bar dataKey="holdoutPts" name={arms.holdout} fill={HOLDOUT} maxBarSize={56} isAnimationActive={false} shape={tagged('conversion', 'holdout', 'key', 'holdout')} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
        <ChartCard title={t('results.uplift.title')} explain={t('results.uplift.explain')} testId="chart-uplift">
          <UpliftChart rows={uplifts} minimum={report.method.minimum} />
        </ChartCard>
        <ChartCard title={t('results.sends.title')} explain={t('results.sends.explain')} testId="chart-sends">
          {sends.rows.length === 0 ? <p className="empty-state">{t('results.sends.empty')}</p> : (
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={sends.rows} margin={{ right: 16 }}>
                <CartesianGrid vertical={false} strokeDasharray="3 3" />
                <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                {sends.channels.map((c, i) => (
                  <Bar key={c} dataKey={c} name={channel(c)} stackId="channel" fill={CHANNEL_COLOURS[i % CHANNEL_COLOURS.length]} maxBarSize={48} isAnimationActive={false} shape={tagged('sends', c, 'day', c)} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
      </div>
    </>
  )
}

/**
 * A bar that says what it shows: `data-chart`, `data-series`, `data-key` (the row) and
 * `data-value` (the row's figure for this series, not the stacked end).
 */
function tagged(chart: string, series: string, keyField: string, valueField: string = series) {
  return function TaggedBar(props: BarShapeProps) {
    const { x, y, width, height, fill, payload } = props as BarShapeProps & { x: number; y: number; width: number; height: number; fill: string; payload: Record<string, unknown> }
    const value = payload[valueField]
    return <rect x={x} y={y} width={Math.max(0, width)} height={Math.max(0, height)} fill={fill} rx={2} data-chart={chart} data-series={series} data-key={String(payload[keyField])} data-value={typeof value === 'number' ? String(value) : ''} />
  }
}

/** The 95 % interval as a bar with end caps, and the uplift as a dot on it; says what it draws in data-*. */
function IntervalShape(props: BarShapeProps) {
  const { x, y, width, height, payload } = props as BarShapeProps & { x: number; y: number; width: number; height: number; payload: { key: string; uplift: number; pts: number; range: [number, number]; significant: boolean } }
  const [low, high] = payload.range
  const at = x + (high === low ? 0 : (width * (payload.pts - low)) / (high - low))
  const mid = y + height / 2
  const colour = payload.significant ? TREATED : HOLDOUT
  return (
    <g data-chart="uplift" data-key={payload.key} data-value={String(payload.uplift)}>
      <rect x={x} y={mid - 3} width={Math.max(1, width)} height={6} rx={3} fill={colour} opacity={0.45} />
      <line x1={x} x2={x} y1={mid - 8} y2={mid + 8} stroke={colour} strokeWidth={2} />
      <line x1={x + width} x2={x + width} y1={mid - 8} y2={mid + 8} stroke={colour} strokeWidth={2} />
      <circle cx={at} cy={mid} r={6} fill={colour} stroke="#fff" strokeWidth={2} />
    </g>
  )
}

function UpliftChart({ rows, minimum }: { rows: UpliftRow[]; minimum: string }) {
  const { t } = useTranslation()
  const shown = rows.filter((r): r is Extract<UpliftRow, { enough: true }> => r.enough)
  const missing = rows.filter((r): r is Extract<UpliftRow, { enough: false }> => !r.enough)
  // Each row is a floating bar from the interval's low to its high end, the uplift marked on it.
  const data = shown.map((r) => ({ ...r, range: [r.low * 100, r.high * 100] as [number, number], pts: r.uplift * 100 }))
  const lows = Math.min(0, ...data.map((d) => d.range[0]))
  const highs = Math.max(0, ...data.map((d) => d.range[1]))
  const pad = Math.max(1, (highs - lows) * 0.08)
  // "… below 50 customers in either group, or 5 expected conversions …": the rule's two numbers.
  const rule = /below (\d+) customers.*?or (\d+) expected/.exec(minimum)
  return (
    <>
      {data.length > 0 && (
        <ResponsiveContainer width="100%" height={Math.max(140, 48 * data.length + 50)}>
          <BarChart data={data} layout="vertical" margin={{ left: 8, right: 24 }}>
            <CartesianGrid horizontal={false} strokeDasharray="3 3" />
            <XAxis type="number" unit={` ${t('results.ptsUnit')}`} domain={[Math.floor(lows - pad), Math.ceil(highs + pad)]} allowDecimals={false} />
            <YAxis type="category" dataKey="label" width={130} tick={{ fontSize: 12 }} />
            <ReferenceLine x={0} stroke="#344054" strokeWidth={1.5} />
            <Tooltip formatter={(_v, _n, item) => { const d = item.payload as (typeof data)[number]; return `${t('results.pts', { value: points(d.uplift, true) })} (${t('results.ci', { low: points(d.low, true), high: points(d.high, true) })})` }} />
            <Bar dataKey="range" fill={TREATED} barSize={18} isAnimationActive={false} shape={IntervalShape} />
          </BarChart>
        </ResponsiveContainer>
      )}
      <ul className="uplift-list">
        {shown.map((r) => (
          <li key={r.key} data-uplift={r.key} data-enough="true">
            <strong>{r.label}</strong>: {t('results.uplift.value', { uplift: points(r.uplift, true), low: points(r.low, true), high: points(r.high, true), p: r.pValue < 0.001 ? '< 0.001' : r.pValue.toFixed(3) })}
            {' '}<span className={r.significant ? 'tag live' : 'tag'}>{t(r.significant ? 'results.uplift.significant' : 'results.uplift.unclear')}</span>
          </li>
        ))}
        {missing.map((r) => (
          <li key={r.key} data-uplift={r.key} data-enough="false" className="not-enough">
            <strong>{r.label}</strong>: {t('results.uplift.notEnoughWhy', { reason: r.reason.replace(/^not enough data:\s*/i, '') })}
          </li>
        ))}
      </ul>
      {missing.length > 0 && <p className="muted small" data-testid="uplift-rule">{rule ? t('results.uplift.rule', { customers: rule[1], outcomes: rule[2] }) : minimum}</p>}
    </>
  )
}

function Card({ label, value, note, testId, tone = 'neutral' }: { label: string; value: string; note?: string | undefined; testId: string; tone?: 'good' | 'bad' | 'neutral' }) {
  return (
    <div className={`result-card ${tone}`} data-testid={testId}>
      <span className="label">{label}</span>
      <strong className={/\d/.test(value) ? 'value' : 'value text'}>{value}</strong>
      {note && <span className="result-note">{note}</span>}
    </div>
  )
}

function ChartCard({ title, explain, testId, children }: { title: string; explain: string; testId: string; children: ReactNode }) {
  return (
    <section className="chart-card" data-testid={testId}>
      <h2>{title}</h2>
      <p className="muted small">{explain}</p>
      {children}
    </section>
  )
}
