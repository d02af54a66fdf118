/**
 * The journal of one batch, collected in memory while the executor moves the batch and written
 * in the batch's transaction. Compact by construction: one row per (node, kind, output) group
 * with the customers packed, plus a `detail` row only for a customer whose node gave a reason or
 * values, and `note` rows for node logs and notes. Together with the run's pinned flow version,
 * seed and the batch's `now`, this is what explains a customer's path and what replay reads.
 */
import type { JournalKind, JournalRow } from '../ports/engine-store.ts'
import { packKeys } from './packed-keys.ts'

/** Collects the journal rows of one batch. */
export class BatchJournal {
  readonly #rows: JournalRow[] = []

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

  /** One customer's reason and values (only written when the node gave one). */
  detail(nodeId: string, output: string | null, customerKey: number, detail: { reason?: string; values?: Record<string, unknown> }): void {
    if (detail.reason === undefined && detail.values === undefined) return
    this.#rows.push(this.#row(nodeId, 'detail', output, { count: 1, customerKey, data: detail }))
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
