/**
 * The results charts' data, from the measure report: pure functions, so what a chart draws is
 * tested without a browser. Rates and uplifts stay fractions here; the charts show points (%).
 */
import type { ComparisonFigures, FlowReport } from './reports-api.ts'

/** One step of the funnel: customers who arrived there, treated and held out. */
export interface FunnelRow {
  node: string
  label: string
  treated: number
  holdout: number
  total: number
}

/** Customers per node in the report's (flow) order. `entered` counts every customer of the row, measured or not. */
export function funnelRows(report: FlowReport, labelOf: (nodeId: string) => string = (id) => id): FunnelRow[] {
  return Object.entries(report.nodes).map(([node, c]) => {
    const treated = c.treated.entered ?? c.treated.customers
    const holdout = c.holdout.entered ?? c.holdout.customers
    return { node, label: labelOf(node), treated, holdout, total: treated + holdout }
  })
}

/** Conversion of one scope (the whole flow, or a channel): treated against holdout. */
export interface ConversionRow {
  key: string
  label: string
  treated: number
  holdout: number
  treatedCustomers: number
  holdoutCustomers: number
}

export function conversionRows(report: FlowReport, overallLabel: string, channelLabel: (channel: string) => string = (c) => c): ConversionRow[] {
  const row = (key: string, label: string, c: ComparisonFigures): ConversionRow => ({
    key, label, treated: c.treated.rate, holdout: c.holdout.rate, treatedCustomers: c.treated.customers, holdoutCustomers: c.holdout.customers,
  })
  return [row('overall', overallLabel, report.overall), ...Object.entries(report.channels).map(([channel, c]) => row(`channel:${channel}`, channelLabel(channel), c))]
}

/** An uplift with its 95 % interval, or why there is none. */
export type UpliftRow =
  | { key: string; label: string; enough: true; uplift: number; low: number; high: number; pValue: number; significant: boolean }
  | { key: string; label: string; enough: false; reason: string }

export function upliftRows(report: FlowReport, overallLabel: string, channelLabel: (channel: string) => string = (c) => c): UpliftRow[] {
  const row = (key: string, label: string, c: ComparisonFigures): UpliftRow => {
    const u = c.uplift
    if (!u.enough) return { key, label, enough: false, reason: u.reason }
    // The effect is shown only when the interval leaves out 0.
    return { key, label, enough: true, uplift: u.uplift, low: u.ci95[0], high: u.ci95[1], pValue: u.pValue, significant: u.ci95[0] > 0 || u.ci95[1] < 0 }
  }
  return [row('overall', overallLabel, report.overall), ...Object.entries(report.channels).map(([channel, c]) => row(`channel:${channel}`, channelLabel(channel), c))]
}

/** Sends of one day, one column per channel (0 where none). */
export type SendDayRow = { day: string } & Record<string, number | string>

/**
 * Sends per day and channel, every day from the first to the last send (a quiet day is a 0,
 * not a gap the axis closes), and the channels in order of first appearance.
 */
export function sendSeries(report: FlowReport): { channels: string[]; rows: SendDayRow[] } {
  const channels = [...new Set(report.sends.map((s) => s.channel))]
  if (report.sends.length === 0) return { channels, rows: [] }
  const byDay = new Map<string, SendDayRow>()
  const days = report.sends.map((s) => s.day).sort()
  const first = Date.parse(`${days[0]}T00:00:00Z`)
  const last = Date.parse(`${days[days.length - 1]}T00:00:00Z`)
  for (let at = first; at <= last; at += 86_400_000) {
    const day = new Date(at).toISOString().slice(0, 10)
    byDay.set(day, { day, ...Object.fromEntries(channels.map((c) => [c, 0])) })
  }
  for (const send of report.sends) {
    const row = byDay.get(send.day) as SendDayRow
    row[send.channel] = (row[send.channel] as number) + send.sent
  }
  return { channels, rows: [...byDay.values()] }
}

/** A fraction as percentage points with one decimal, signed when asked: 0.0734 → "7.3", "+7.3". */
export function points(fraction: number, signed = false): string {
  const text = (fraction * 100).toFixed(1)
  return signed && fraction > 0 ? `+${text}` : text
}
