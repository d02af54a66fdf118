/** The run view's API calls: a flow's runs, a run's whereabouts per node, and the customers at a node with why they are there. */
import type { RunWhereabouts } from '../../../engine/journal/run-whereabouts.ts'
import { api } from '../api.ts'

export type { RunWhereabouts }
export type NodeWhereabouts = RunWhereabouts['nodes'][number]

/** The states the customers page filters on: `active` split into waiting and held, and the finished ones. */
export const CUSTOMER_STATES = ['waiting', 'held', 'error', 'done', 'cancelled'] as const
export type CustomerState = (typeof CUSTOMER_STATES)[number]

export interface RunCustomer {
  customerId: string
  nodeId: string
  state: 'active' | 'done' | 'error' | 'cancelled'
  whereabout: CustomerState
  dueAt: string | null
  waitingFor: string | null
  holdout: boolean
  lastOutput: string | null
  error: string | null
  reason: string
  reasonCode: string | null
}

export interface RunSummaryRow {
  id: string
  flowVersion: number
  state: string
  createdAt: string
}

const run = (id: string) => `/runs/${encodeURIComponent(id)}`

export const whereaboutsApi = {
  runs: (flowId: string) => api<{ runs: RunSummaryRow[] }>('GET', `/runs?flowId=${encodeURIComponent(flowId)}`),
  get: (runId: string, signal?: AbortSignal) => api<RunWhereabouts>('GET', `${run(runId)}/whereabouts`, undefined, signal),
  customers: (runId: string, query: { node: string; state?: CustomerState; after?: number; limit?: number }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ node: query.node, limit: String(query.limit ?? 25) })
    if (query.state) params.set('state', query.state)
    if (query.after !== undefined) params.set('after', String(query.after))
    return api<{ customers: RunCustomer[]; next: number | null }>('GET', `${run(runId)}/customers?${params.toString()}`, undefined, signal)
  },
}
