/**
 * "Where did customer X go, and why": the journal rows of a run that concern one customer, in
 * order, read by decoding each group's packed keys. A scan of the run's journal (group rows are
 * few: one per batch, node and output), fine for an operator's question; replay reads the same rows.
 */
import type { EngineTables, JournalKind } from '../ports/engine-store.ts'
import { decodeDetailAt } from './detail-codec.ts'
import { unpackKeys } from './packed-keys.ts'

/** One step of a customer's path through a run. */
export interface TrailStep {
  batch: number
  at: number
  nodeId: string
  kind: JournalKind
  output: string | null
  /** The reason, values, error or note attached to the step, when there is one. */
  data?: unknown
}

const PAGE = 10_000

/** The steps of one customer (by store key) in a run, in journal order. */
export async function customerTrail(store: Pick<EngineTables, 'readJournal'>, runId: string, customerKey: number): Promise<TrailStep[]> {
  const steps: TrailStep[] = []
  for (let afterId = 0; ; ) {
    const rows = await store.readJournal(runId, { afterId, limit: PAGE })
    if (rows.length === 0) break
    for (const row of rows) {
      // Single rows name the customer; group rows pack keys (a packed detail row holds one detail per key, in key order).
      const single = row.customerKey === customerKey
      const index = single || row.keys === null ? -1 : unpackKeys(row.keys).indexOf(customerKey)
      if (!single && index < 0) continue
      const data = row.data === null ? undefined : row.kind === 'detail' && index >= 0 ? decodeDetailAt(row.data, index) : (JSON.parse(row.data) as unknown)
      steps.push({ batch: row.batch, at: row.at, nodeId: row.nodeId, kind: row.kind, output: row.output, ...(data === undefined ? {} : { data }) })
    }
    afterId = rows[rows.length - 1]?.id as number
  }
  return steps
}
