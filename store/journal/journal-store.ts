/**
 * The run journal: rows appended in the batch's order (ids follow it), read by run, node and
 * kind, and the per-node totals the run summary shows. One implementation over the store driver.
 */
import type { EngineStore, JournalRow, JournalTotal, StoredJournalRow } from '../../engine/ports/engine-store.ts'
import type { RowInsert } from '../core/driver.ts'
import type { StoreSession } from '../core/session.ts'
import { num, numOrNull, textOrNull } from '../core/values.ts'

export type JournalPort = Pick<EngineStore, 'appendJournal' | 'readJournal' | 'journalTotals' | 'lastBatch' | 'parkDetails'>

const APPEND_JOURNAL: RowInsert = {
  table: 'journal',
  columns: [
    { name: 'run_id', type: 'text' }, { name: 'batch', type: 'int' }, { name: 'node_id', type: 'text' }, { name: 'kind', type: 'text' },
    { name: 'output', type: 'text' }, { name: 'at', type: 'bigint' }, { name: 'count', type: 'int' }, { name: 'keys', type: 'text' },
    { name: 'customer_key', type: 'int' }, { name: 'data', type: 'text' },
  ],
}

const SQL = {
  journalTotals: `SELECT node_id AS "nodeId", kind, output, sum(count) AS count FROM journal
    WHERE run_id = ? AND kind IN ('arrive', 'route', 'park', 'error', 'held') GROUP BY node_id, kind, output ORDER BY 1, 2, 3`,
  lastBatch: 'SELECT coalesce(max(batch), 0) FROM journal WHERE run_id = ?',
} as const

const JOURNAL_COLUMNS = `id, run_id AS "runId", batch, node_id AS "nodeId", kind, output, at, count, keys, customer_key AS "customerKey", data`

export function journalStore(db: StoreSession): JournalPort {
  const { dialect: d } = db.driver
  const readJournal = `SELECT ${JOURNAL_COLUMNS}
    FROM journal WHERE run_id = ? AND (${d.param('text')} IS NULL OR node_id = ?) AND (${d.param('text[]')} IS NULL OR ${d.inList('kind', 'text')})
    AND id > ? ORDER BY id LIMIT ?`
  // A park's reasons are the detail rows without an output, journalled at the time the parked position was written.
  const parkDetails = `SELECT ${JOURNAL_COLUMNS} FROM journal
    WHERE run_id = ? AND node_id = ? AND kind = 'detail' AND output IS NULL AND ${d.inList('at', 'bigint')} ORDER BY id`
  return {
    appendJournal: async (rows) => {
      if (rows.length === 0) return
      const values: unknown[] = []
      for (const r of rows) values.push(r.runId, r.batch, r.nodeId, r.kind, r.output, r.at, r.count, r.keys, r.customerKey, r.data)
      // Multi-row statements keep the rows' order, so journal ids still follow the batch's order.
      await db.use((sql) => sql.insert(APPEND_JOURNAL, values))
    },
    readJournal: (runId, options = {}) =>
      db.use(async (sql) => {
        const nodeId = options.nodeId ?? null
        const kinds = options.kinds ? sql.list(options.kinds) : null
        const rows = await sql.rows(readJournal, [runId, nodeId, nodeId, kinds, kinds, options.afterId ?? 0, options.limit ?? d.noLimit])
        return rows.map(toJournalRow)
      }),
    parkDetails: async (runId, nodeId, ats) => {
      if (ats.length === 0) return []
      return db.use(async (sql) => (await sql.rows(parkDetails, [runId, nodeId, sql.list([...new Set(ats)])])).map(toJournalRow))
    },
    journalTotals: (runId) =>
      db.use(async (sql) =>
        (await sql.rows(SQL.journalTotals, [runId])).map((row): JournalTotal => ({
          nodeId: String(row.nodeId), kind: row.kind as JournalTotal['kind'], output: textOrNull(row.output), count: num(row.count),
        }))),
    lastBatch: (runId) => db.use(async (sql) => num(await sql.value(SQL.lastBatch, [runId]))),
  }
}

function toJournalRow(row: Record<string, unknown>): StoredJournalRow {
  return {
    id: num(row.id), runId: String(row.runId), batch: num(row.batch), nodeId: String(row.nodeId), kind: row.kind as JournalRow['kind'],
    output: textOrNull(row.output), at: num(row.at), count: num(row.count), keys: textOrNull(row.keys), customerKey: numOrNull(row.customerKey),
    data: textOrNull(row.data),
  }
}
