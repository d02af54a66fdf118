/**
 * A customer's path through a run (GET /api/customers/{id}/journey, engine/journal/journey-trace.ts)
 * and how the canvas shows it: the steps passed and the edges taken are highlighted by a
 * stylesheet keyed on React Flow's data-id attributes, so showing or clearing a path re-renders
 * no step (the canvas stays as fast as without it, decisions §28) and needs nothing from the
 * canvas's own node data.
 */
import type { JourneyRun, JourneyTrace } from '../../../engine/journal/journey-trace.ts'
import { api } from '../api.ts'

export type { JourneyMessage, JourneyRun, JourneyStep } from '../../../engine/journal/journey-trace.ts'
/** What GET /api/customers/{id}/journey answers: the trace of engine/journal/journey-trace.ts as JSON. */
export type CustomerJourney = JourneyTrace

export const journeyApi = {
  get: (customer: string, signal?: AbortSignal) => api<CustomerJourney>('GET', `/customers/${encodeURIComponent(customer)}/journey`, undefined, signal),
}

/** A value inside a double-quoted CSS attribute selector. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/**
 * The stylesheet drawing a run's path on the canvas: each step passed, the step the customer is
 * at now (while active or in error), and each edge taken with its label. Each rule also sets
 * `--journey` (passed / current / taken), which tests read.
 */
export function journeyStyles(run: JourneyRun): string {
  const passed = new Set(run.steps.map((s) => s.nodeId))
  const current = run.position && (run.position.state === 'active' || run.position.state === 'error') ? run.position.nodeId : null
  const rules: string[] = []
  for (const id of passed) {
    if (id === current) continue
    rules.push(`.react-flow__node[data-id=${quoted(id)}] .step { --journey: passed; box-shadow: 0 0 0 3px #7c3aed; }`)
  }
  if (current) rules.push(`.react-flow__node[data-id=${quoted(current)}] .step { --journey: current; box-shadow: 0 0 0 3px #7c3aed, 0 0 0 7px #ddd6fe; }`)
  for (const e of run.edges) {
    const key = `${e.from}|${e.output}|${e.to}`
    rules.push(`.react-flow__edge[data-id=${quoted(key)}] { --journey: taken; }`)
    rules.push(`.react-flow__edge[data-id=${quoted(key)}] .react-flow__edge-path { stroke: #7c3aed; stroke-width: 3; }`)
    rules.push(`.edge-label[data-edge=${quoted(key)}] { --journey: taken; background: #ede9fe; border-color: #7c3aed; color: #3b0764; }`)
  }
  return rules.join('\n')
}

/** An instant as the panel shows it: `2025-06-01 09:00:00 UTC` (the journal's clock is UTC). */
export function journeyTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`
}
