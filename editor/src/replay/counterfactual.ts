/**
 * The counterfactual replay in the editor: the call (POST /api/runs/{id}/replay with the draft as
 * `{ flow }`, operator role), and what the canvas and the panel show of its answer — a badge per
 * step ("in 120 → 96 (−24)"), two counts per edge, the stylesheet marking the changed steps
 * (keyed on React Flow's data-id, so drawing it re-renders no step), paths in words and the CSV
 * of the changed customers, built here from the answer.
 */
import type { ChangedCustomer, CounterfactualReport, NodeComparison, PathStep } from '../../../engine/replay/counterfactual.ts'
import { api } from '../api.ts'

export { changeOf, counterfactualCsv } from '../../../engine/replay/counterfactual-text.ts'

export type { ChangedCustomer, CounterfactualReport, NodeComparison }

/** The roles the route admits (server/routes/replay.ts: operator; an admin has every role). */
export const REPLAY_ROLES: readonly string[] = ['operator', 'admin']

export const counterfactualApi = {
  me: () => api<{ principal: { role: string } }>('GET', '/auth/me'),
  replay: (runId: string, flow: unknown, signal?: AbortSignal) => api<CounterfactualReport>('POST', `/runs/${encodeURIComponent(runId)}/replay`, { flow }, signal),
}

/** A count with its sign as a minus sign or plus: −24, +3, 0. */
export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0'
}

/** Customers who entered the step in the run and in the counterfactual (0 where the step is absent). */
export function enteredOf(node: NodeComparison): { original: number; counterfactual: number; delta: number } {
  const original = node.original?.entered ?? 0
  const counterfactual = node.counterfactual?.entered ?? 0
  return { original, counterfactual, delta: counterfactual - original }
}

/** Whether the counterfactual moved anyone at the step: who entered, or any output. */
export function nodeChanged(node: NodeComparison): boolean {
  return node.in !== 'both' || node.delta.entered !== 0 || Object.values(node.delta.outputs).some((d) => d !== 0)
}

/** The two counts along an edge: the customers its source step sent down `output` in each. */
export function edgeCounts(report: CounterfactualReport, from: string, output: string): { original: number; counterfactual: number } | null {
  const node = report.nodes.find((n) => n.nodeId === from)
  if (!node) return null
  return { original: node.original?.outputs[output] ?? 0, counterfactual: node.counterfactual?.outputs[output] ?? 0 }
}

function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/**
 * The stylesheet marking what the counterfactual changed: each changed step outlined in amber
 * and each edge whose count differs drawn thicker. Each rule sets `--counterfactual: changed`,
 * which tests read.
 */
export function counterfactualStyles(report: CounterfactualReport, edges: readonly { from: string; output: string; to: string }[]): string {
  const rules: string[] = []
  for (const node of report.nodes) {
    if (!nodeChanged(node)) continue
    rules.push(`.react-flow__node[data-id=${quoted(node.nodeId)}] .step { --counterfactual: changed; box-shadow: 0 0 0 3px #d97706, 0 0 0 7px #fde68a; }`)
  }
  for (const e of edges) {
    const counts = edgeCounts(report, e.from, e.output)
    if (!counts || counts.original === counts.counterfactual) continue
    const key = `${e.from}|${e.output}|${e.to}`
    rules.push(`.react-flow__edge[data-id=${quoted(key)}] { --counterfactual: changed; }`)
    rules.push(`.react-flow__edge[data-id=${quoted(key)}] .react-flow__edge-path { stroke: #d97706; stroke-width: 3; }`)
  }
  return rules.join('\n')
}

/** A path as the panel shows it, with the steps' titles: `Monthly (entered) › Score (pass)`; `empty` when the customer never entered. */
export function pathWords(path: readonly PathStep[], title: (nodeId: string) => string, empty: string): string {
  return path.length === 0 ? empty : path.map((s) => `${title(s.nodeId)} (${s.output})`).join(' › ')
}
