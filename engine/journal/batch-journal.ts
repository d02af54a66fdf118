/**
 * The journal of one batch, collected in memory while the executor moves the batch and written
 * in the batch's transaction. Compact by construction: one row per (node, kind, output) group
 * with the customers packed; the reasons and values nodes gave go in `detail` rows, also one per
 * (node, output) group (keys packed, `data` the details in key order as a shape table, see
 * detail-codec.ts; a group of one customer keeps the single form: `customerKey` and the detail
 * object), and `note` rows for node logs and notes. readDetails() expands either form. Together with the run's pinned flow version,
 * seed and the batch's `now`, this is what explains a customer's path and what replay reads.
 */
import type { JournalKind, JournalRow } from '../ports/engine-store.ts'
import { decodeDetails, encodeDetails } from './detail-codec.ts'
import { packKeys, unpackKeys } from './packed-keys.ts'

/** Details of one (node, output) group, filled in while the batch moves and packed by rows(). */
interface DetailGroup {
  row: JournalRow
  details: { key: number; detail: { reason?: string; values?: Record<string, unknown> } }[]
}

/** Collects the journal rows of one batch. */
export class BatchJournal {
  readonly #rows: JournalRow[] = []
  readonly #details = new Map<string, DetailGroup>()
  #lastDetails: DetailGroup | undefined

  constructor(
    readonly runId: string,
    readonly batch: number,
    readonly at: number,
  ) {}

  /** A group of customers: arrived at a node, left on an output, parked, failed, or had a send held back. */
  group(nodeId: string, kind: Exclude<JournalKind, 'detail' | 'note'>, output: string | null, keys: readonly number[], data?: Record<string, unknown>): void {
    if (keys.length === 0) return
    this.#rows.push(this.#row(nodeId, kind, output, { count: keys.length, keys: packKeys(keys), data }))
  }

  /**
   * One customer's reason and values (only kept when the node gave one). The group's row takes
   * the place of its first detail, so details stay next to the route they explain.
   */
  detail(nodeId: string, output: string | null, customerKey: number, detail: { reason?: string; values?: Record<string, unknown> }): void {
    if (detail.reason === undefined && detail.values === undefined) return
    // The executor gives a group's details one after the other: keep the last group at hand.
    let group = this.#lastDetails
    if (group === undefined || group.row.nodeId !== nodeId || group.row.output !== output) {
      const id = `${nodeId}\u0000${output ?? ''}\u0000${output === null ? 0 : 1}`
      group = this.#details.get(id)
      if (!group) {
        group = { row: this.#row(nodeId, 'detail', output, { count: 0 }), details: [] }
        this.#details.set(id, group)
        this.#rows.push(group.row)
      }
      this.#lastDetails = group
    }
    group.details.push({ key: customerKey, detail })
  }

  /** A note or log line of a node, about the batch or one customer. */
  note(nodeId: string, message: string, extra: { level?: string; data?: Record<string, unknown>; customerKey?: number } = {}): void {
    this.#rows.push(
      this.#row(nodeId, 'note', null, {
        count: 0,
        ...(extra.customerKey === undefined ? {} : { customerKey: extra.customerKey }),
        data: { message, level: extra.level ?? 'info', ...(extra.data === undefined ? {} : { data: extra.data }) },
      }),
    )
  }

  /** The rows collected so far, in the order they happened. */
  rows(): JournalRow[] {
    for (const { row, details } of this.#details.values()) packDetails(row, details)
    return [...this.#rows]
  }

  #row(nodeId: string, kind: JournalKind, output: string | null, extra: { count: number; keys?: string; customerKey?: number; data?: unknown }): JournalRow {
    return {
      runId: this.runId,
      batch: this.batch,
      nodeId,
      kind,
      output,
      at: this.at,
      count: extra.count,
      keys: extra.keys ?? null,
      customerKey: extra.customerKey ?? null,
      data: extra.data === undefined ? null : JSON.stringify(extra.data),
    }
  }
}

/** Fills a detail group's row: the single form for one customer, keys packed with an aligned array otherwise. */
function packDetails(row: JournalRow, details: DetailGroup['details']): void {
  row.count = details.length
  if (details.length === 1) {
    const [only] = details as [DetailGroup['details'][number]]
    row.customerKey = only.key
    row.keys = null
    row.data = JSON.stringify(only.detail)
    return
  }
  // Cohorts come in key order, so the details usually are already.
  const sorted = details.every((d, i) => i === 0 || (details[i - 1] as DetailGroup['details'][number]).key < d.key) ? details : [...details].sort((a, b) => a.key - b.key)
  row.customerKey = null
  row.keys = packKeys(sorted.map((d) => d.key))
  row.data = encodeDetails(sorted.map((d) => d.detail))
}

/** One customer's detail as readDetails gives it. */
export interface CustomerDetail {
  customerKey: number
  nodeId: string
  output: string | null
  batch: number
  at: number
  detail: { reason?: string; values?: Record<string, unknown> }
}

/** The per-customer details of journal rows (either form of `detail` row), in row then key order. */
export function readDetails(rows: readonly JournalRow[]): CustomerDetail[] {
  const out: CustomerDetail[] = []
  for (const row of rows) {
    if (row.kind !== 'detail' || row.data === null) continue
    const base = { nodeId: row.nodeId, output: row.output, batch: row.batch, at: row.at }
    if (row.keys === null) {
      out.push({ ...base, customerKey: row.customerKey as number, detail: JSON.parse(row.data) as CustomerDetail['detail'] })
      continue
    }
    const details = decodeDetails(row.data)
    unpackKeys(row.keys).forEach((customerKey, i) => out.push({ ...base, customerKey, detail: details[i] as CustomerDetail['detail'] }))
  }
  return out
}
