/**
 * When customers passed a node of a run, read back from the journal's `route` rows (one per
 * batch, node and output, customers packed). The journal already records every passage with
 * its batch time, so the measure node's "N days after the customer passed node X" needs no
 * extra per-customer write on the hot path: the cost moves to the (rare) reader, one pass over
 * the node's journal rows per cohort.
 */
import type { EngineTables } from '../ports/engine-store.ts'
import { unpackKeys } from './packed-keys.ts'

const PAGE = 2_000

/** Latest time each of `keys` left `nodeId` in `runId` at or before `until`: key → epoch ms. */
export async function passagesOf(
  journal: Pick<EngineTables, 'readJournal'>,
  runId: string,
  nodeId: string,
  keys: Iterable<number> | 'all',
  until = Number.POSITIVE_INFINITY,
): Promise<Map<number, number>> {
  const wanted = keys === 'all' ? undefined : new Set(keys)
  const passed = new Map<number, number>()
  if (wanted?.size === 0) return passed
  let afterId = 0
  for (;;) {
    const rows = await journal.readJournal(runId, { nodeId, afterId, limit: PAGE, kinds: ['route'] })
    for (const row of rows) {
      if (row.kind !== 'route' || row.keys === null || row.at > until) continue
      for (const key of unpackKeys(row.keys)) {
        if (wanted && !wanted.has(key)) continue
        const before = passed.get(key)
        if (before === undefined || row.at > before) passed.set(key, row.at)
      }
    }
    if (rows.length < PAGE) return passed
    afterId = (rows.at(-1) as { id: number }).id
  }
}
