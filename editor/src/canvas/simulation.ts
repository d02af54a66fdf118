/**
 * Simulate mode's pure parts: the counts a back-test puts on the canvas (entered per node,
 * customers per edge `from|output|to`, the same keys live mode uses) and the window the panel
 * asks for. The panel's dates are inclusive, as people read them ("1 to 31 May"); the API's
 * `until` is exclusive, so the day after the last one is sent.
 */
import type { SimulationResult } from '../api.ts'
import type { Counts } from './editor-store.ts'
import { edgeKey } from './flow-model.ts'

const DAY = 86_400_000

/** What the canvas shows for a simulation: customers who entered each node, and per edge. */
export function simulationCounts(result: Pick<SimulationResult, 'nodes' | 'edges'>): Counts {
  return {
    nodes: Object.fromEntries(Object.entries(result.nodes).map(([id, node]) => [id, node.entered])),
    edges: Object.fromEntries(result.edges.map((edge) => [edgeKey(edge), edge.customers])),
  }
}

/** A YYYY-MM-DD date as epoch ms (midnight UTC), or null when it is not one. */
function parseDay(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null
  const at = Date.parse(`${text}T00:00:00Z`)
  return Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== text ? null : at
}

/**
 * The request's window from the panel's inclusive first and last day (either may be empty: the
 * server's default, the last 30 days, fills it). Errors name the field.
 */
export function simulationWindow(first: string, last: string): { start?: string; until?: string } | { error: 'first' | 'last' | 'order' } {
  const start = first === '' ? null : parseDay(first)
  const end = last === '' ? null : parseDay(last)
  if (first !== '' && start === null) return { error: 'first' }
  if (last !== '' && end === null) return { error: 'last' }
  if (start !== null && end !== null && end < start) return { error: 'order' }
  return {
    ...(start === null ? {} : { start: first }),
    ...(end === null ? {} : { until: new Date(end + DAY).toISOString().slice(0, 10) }),
  }
}

/** The panel's inclusive first and last day of a simulation that ran (its `until` is exclusive). */
export function windowDays(result: Pick<SimulationResult, 'start' | 'until'>): { first: string; last: string } {
  const until = Date.parse(result.until)
  // A window ending at midnight ends with the day before; one ending mid-day includes that day.
  const last = until % DAY === 0 ? until - DAY : until
  return { first: new Date(Date.parse(result.start)).toISOString().slice(0, 10), last: new Date(last).toISOString().slice(0, 10) }
}
