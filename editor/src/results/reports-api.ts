/**
 * The measure report of a flow's run as the results view reads it (GET /reports/flows/{id}):
 * the figures of engine/measure/report.ts with the run, the flow's runs and sends per day.
 */
import { api } from '../api.ts'

export interface ArmFigures {
  customers: number
  converted: number
  rate: number
  revenue: number
  opened: number
  clicked: number
  open?: number
  entered?: number
  sent?: number
  delivered?: number
  held?: number
}

export type UpliftFigure =
  | { enough: true; uplift: number; ci95: [number, number]; z: number; pValue: number }
  | { enough: false; reason: string }

export interface ComparisonFigures {
  treated: ArmFigures
  holdout: ArmFigures
  uplift: UpliftFigure
}

export interface RunRef {
  id: string
  version: number
  state: string
  createdAt: string
}

export interface FlowReport {
  runId: string
  flow: { id: string; version: number }
  run: RunRef
  runs: RunRef[]
  asOf: string
  goal: { event?: string; withinDays?: number; source?: string }
  method: { uplift: string; ci95: string; pValue: string; minimum: string }
  overall: ComparisonFigures
  nodes: Record<string, ComparisonFigures>
  channels: Record<string, ComparisonFigures>
  sends: { day: string; channel: string; sent: number; delivered: number }[]
}

const path = (flowId: string) => `/reports/flows/${encodeURIComponent(flowId)}`

export const reportsApi = {
  get: (flowId: string, runId?: string) => api<FlowReport>('GET', `${path(flowId)}${runId ? `?run=${encodeURIComponent(runId)}` : ''}`),
  /** The same report as CSV (the browser downloads it). */
  csvUrl: (flowId: string, runId?: string) => `/api${path(flowId)}.csv${runId ? `?run=${encodeURIComponent(runId)}` : ''}`,
}
