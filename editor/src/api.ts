/**
 * The editor's API client: JSON in and out, the API's one error shape turned into ApiFailure
 * (with field paths), the CSRF token sent on writes when the session has one.
 */
import type { Flow } from './canvas/flow-model.ts'
import type { FlowDiff } from '../../engine/flow/diff.ts'
import type { NodeLocales } from '../../engine/sdk/node-locales.ts'
import type { ForecastReport } from '../../engine/simulation/forecast-flow.ts'
import type { RunReport } from '../../engine/simulation/simulate-flow.ts'

export type { FlowDiff }

export interface ProblemDetail {
  path: string
  message: string
}

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: ProblemDetail[] = []) {
    super(message)
  }
}

export interface NodeType {
  type: string
  version: number
  title: string
  category: string
  icon: string
  description: string
  timing: string
  outputs: string[] | null
  configSchema: Record<string, unknown>
  /** The declaration's translations per language tag (engine/sdk/node-locales.ts). */
  locales?: NodeLocales
  /** Output name → label in the editor's language (set by the store when it localizes the types). */
  outputLabels?: Record<string, string>
}

export interface FlowIssue {
  code: string
  path: string
  message: string
  severity: 'error' | 'warning'
  nodeId?: string
}

export interface FlowSummary {
  id: string
  name: string
  revision: number
  updatedAt: string
  updatedBy: string | null
  archived: boolean
  published: { version: number; publishedAt: string } | null
  liveRuns: { id: string; version: number; state: string }[]
  unpublishedChanges: boolean
}

export interface FlowDetail extends FlowSummary {
  draft: Flow
  problems: FlowIssue[]
  outputs: Record<string, string[]>
}

export interface Template {
  file: string
  id: string
  name: string
  description?: string
  flow: Flow
}

export interface RunDetail {
  id: string
  state: string
  flowVersion: number
  nodes: Record<string, { entered: number; outputs: Record<string, number>; parked: number; failed: number }>
  edges: { from: string; output: string; to: string; customers: number }[]
}

/** A back-test of the draft (POST /flows/{id}/simulate): the run report with each edge's count. */
export interface SimulationResult extends Omit<RunReport, 'kept'> {
  edges: { from: string; output: string; to: string; customers: number }[]
}

export interface SimulateRequest {
  /** ISO dates or instants; absent: the server's last 30 days. */
  start?: string
  until?: string
  /** The canvas's flow, saved or not. */
  flow?: Flow
}

export interface FlowVersion {
  version: number
  publishedAt: string
}

let csrfToken: string | null = null

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** `signal` cancels the request (a live count superseded by the next edit, say). */
export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  const response = await fetch(`/api${path}`, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal ? { signal } : {}) })
  const text = await response.text()
  const value = text === '' ? undefined : (JSON.parse(text) as unknown)
  if (!response.ok) {
    const error = (value as { error?: { code?: string; message?: string; details?: ProblemDetail[] } } | undefined)?.error
    throw new ApiFailure(response.status, error?.code ?? 'http', error?.message ?? `HTTP ${response.status}`, error?.details ?? [])
  }
  return value as T
}

export const flowsApi = {
  list: () => api<{ flows: FlowSummary[] }>('GET', '/flows'),
  templates: () => api<{ templates: Template[] }>('GET', '/flows/templates'),
  get: (id: string) => api<FlowDetail>('GET', `/flows/${encodeURIComponent(id)}`),
  create: (flow: Flow) => api<FlowDetail>('POST', '/flows', { flow }),
  save: (id: string, flow: Flow, revision: number) => api<FlowDetail>('PUT', `/flows/${encodeURIComponent(id)}/draft`, { flow, revision }),
  validate: (id: string, flow: Flow) => api<{ ok: boolean; problems: FlowIssue[]; outputs: Record<string, string[]> }>('POST', `/flows/${encodeURIComponent(id)}/validate`, { flow }),
  simulate: (id: string, request: SimulateRequest) => api<SimulationResult>('POST', `/flows/${encodeURIComponent(id)}/simulate`, request),
  versions: (id: string) => api<{ versions: FlowVersion[] }>('GET', `/flows/${encodeURIComponent(id)}/versions`),
  version: (id: string, version: number) => api<Flow>('GET', `/flows/${encodeURIComponent(id)}/versions/${version}`),
  diff: (id: string, from: number, to: number | 'draft' = 'draft') => api<FlowDiff>('GET', `/flows/${encodeURIComponent(id)}/diff?from=${from}&to=${to}`),
  /** What the saved draft would do over the next `days` days if published now (nothing is sent or kept). */
  forecast: (id: string, days: number, signal?: AbortSignal) => api<ForecastReport>('POST', `/flows/${encodeURIComponent(id)}/forecast`, { days }, signal),
  publish: (id: string, policy: 'pin' | 'migrate' | 'drain') => api<{ version: number; created: boolean; runId: string; state: string }>('POST', `/flows/${encodeURIComponent(id)}/publish`, { policy }),
}

export const nodeTypesApi = {
  list: () => api<{ nodeTypes: NodeType[] }>('GET', '/node-types'),
}

export const runsApi = {
  get: (id: string) => api<RunDetail>('GET', `/runs/${encodeURIComponent(id)}`),
  control: (id: string, action: 'pause' | 'resume' | 'cancel') => api<{ id: string; state: string }>('POST', `/runs/${encodeURIComponent(id)}/${action}`),
}
