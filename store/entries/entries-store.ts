/**
 * Entry history per flow and customer (how often and when they last entered, for re-entry
 * rules) and who is active in any run of a flow. One implementation over the store driver.
 */
import type { EngineStore, EntryRow } from '../../engine/ports/engine-store.ts'
import type { RowInsert } from '../core/driver.ts'
import type { StoreSession } from '../core/session.ts'
import { num } from '../core/values.ts'

export type EntriesPort = Pick<EngineStore, 'getEntries' | 'recordEntries' | 'activeInFlow'>

const RECORD_ENTRIES: RowInsert = {
  table: 'entries',
  columns: [{ name: 'flow_id', type: 'text' }, { name: 'customer_key', type: 'int' }, { name: 'last_entry_at', type: 'bigint' }, { name: 'count', type: 'int' }],
  tail: 'ON CONFLICT (flow_id, customer_key) DO UPDATE SET last_entry_at = excluded.last_entry_at, count = entries.count + 1',
}

export function entriesStore(db: StoreSession): EntriesPort {
  const { dialect: d } = db.driver
  const getEntries = `SELECT customer_key AS "customerKey", last_entry_at AS "lastEntryAt", count FROM entries
    WHERE flow_id = ? AND ${d.inList('customer_key', 'int')}`
  // CROSS JOIN fixes SQLite's order (runs, then keys, then one primary-key probe each): left to
  // itself its planner scans the run's positions once per key, quadratic in the cohort.
  const activeInFlow = `SELECT DISTINCT p.customer_key AS key FROM runs r CROSS JOIN ${d.listTable('j', 'int')} CROSS JOIN positions p
    WHERE r.flow_id = ? AND p.run_id = r.id AND p.customer_key = j.value AND p.state = 'active'`
  return {
    getEntries: async (flowId, customerKeys) => {
      if (customerKeys.length === 0) return new Map<number, EntryRow>()
      return db.use(async (sql) => {
        const rows = await sql.rows(getEntries, [flowId, sql.list(customerKeys)])
        return new Map(rows.map((row) => [num(row.customerKey), { customerKey: num(row.customerKey), lastEntryAt: num(row.lastEntryAt), count: num(row.count) }]))
      })
    },
    recordEntries: async (flowId, rows) => {
      if (rows.length === 0) return
      const values: unknown[] = []
      for (const row of rows) values.push(flowId, row.customerKey, row.at, 1)
      await db.use((sql) => sql.insert(RECORD_ENTRIES, values))
    },
    activeInFlow: async (flowId, customerKeys) => {
      if (customerKeys.length === 0) return new Set<number>()
      return db.use(async (sql) => new Set((await sql.rows(activeInFlow, [sql.list(customerKeys), flowId])).map((row) => num(row.key))))
    },
  }
}
