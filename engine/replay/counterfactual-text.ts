/**
 * The counterfactual's changed customers in words and as CSV: pure functions over the report
 * (type-only imports), shared by `sluice replay --flow … --csv` and the editor's download.
 */
import type { ChangedCustomer, PathStep } from './counterfactual.ts'

/** A path as text: `rfm → pass, policy → held`. */
export function pathText(path: readonly PathStep[]): string {
  return path.length === 0 ? '(did not enter)' : path.map((s) => `${s.nodeId} → ${s.output}`).join(', ')
}

/** What changed for one customer, in a few words (the CSV's `change` column). */
export function changeOf(customer: ChangedCustomer): string {
  const before = customer.originalSends.length > 0
  const after = customer.counterfactualSends.length > 0
  if (before && !after) return 'no longer sent'
  if (!before && after) return 'newly sent'
  if (customer.original.length === 0) return 'entered only in the counterfactual'
  if (customer.counterfactual.length === 0) return 'entered only in the run'
  if (customer.originalSends.join() !== customer.counterfactualSends.join()) return 'sends changed'
  return customer.original.length === customer.counterfactual.length && customer.original.every((s, i) => s.nodeId === customer.counterfactual[i]?.nodeId && s.output === customer.counterfactual[i]?.output) ? 'holdout holds changed' : 'path changed'
}

/** Every changed customer as CSV (RFC 4180 quoting): id, change, both paths, both sends and both holdout holds. */
export function counterfactualCsv(report: { changed: readonly ChangedCustomer[] }): string {
  const rows = [['customer_id', 'change', 'run_path', 'counterfactual_path', 'run_sends', 'counterfactual_sends', 'run_held', 'counterfactual_held']]
  for (const c of report.changed) {
    rows.push([c.customerId, changeOf(c), pathText(c.original), pathText(c.counterfactual), c.originalSends.join(' '), c.counterfactualSends.join(' '), c.originalHeld.join(' '), c.counterfactualHeld.join(' ')])
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}
