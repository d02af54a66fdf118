/**
 * Deferred index maintenance for bulk loads into empty tables (an import or `generate` into a
 * fresh store). Keeping a secondary index up to date row by row means a random B-tree insert per
 * row; building it once at the end sorts the finished table instead. Measured on 2.8M generated
 * events: 15.7 s of inserts with both event indexes maintained, 4.0 s without them plus 5.7 s to
 * build them afterwards (docs/decisions.md, "Store bulk writes").
 *
 * Safety: it only happens inside an explicit transaction, and DDL is transactional in SQLite, so
 * a rolled-back load brings the indexes back and a committed one has them built again before
 * COMMIT: the load stays all-or-nothing and no other connection ever sees the store without them
 * (WAL readers keep reading the last committed schema). Reads inside the same transaction after
 * the drop stay correct, only without that index.
 */
import type Database from 'better-sqlite3'

/** The secondary indexes a bulk load may defer, by table. Unique indexes are never deferred: inserts rely on them. */
export const DEFERRABLE_INDEXES = {
  customer_addresses: ['customer_addresses_kind_address'],
  customer_tags: ['customer_tags_name_num'],
  events: ['events_customer_type_at', 'events_type_at'],
} as const

export type DeferrableTable = keyof typeof DEFERRABLE_INDEXES

/** `PRAGMA temp_store` value for temporary files on disk. */
const TEMP_STORE_FILE = 1

/** A batch at least this large into an empty table starts deferring its indexes; smaller writes keep them. */
export const BULK_LOAD_ROWS = 1_000

/** The indexes one open transaction has dropped, and the SQL that builds each again. */
export class DeferredIndexes {
  private readonly dropped = new Map<string, string>()
  /** Tables already looked at in this transaction (found non-empty, or already deferred). */
  private readonly seen = new Set<DeferrableTable>()

  constructor(private readonly db: Database.Database) {}

  /**
   * Called inside an open transaction before writing `rows` rows into `table`: when the table is
   * still empty and the batch is large, drops its deferrable indexes until `rebuild`.
   */
  beforeBulkWrite(table: DeferrableTable, rows: number): void {
    if (rows < BULK_LOAD_ROWS || this.seen.has(table)) return
    this.seen.add(table)
    // `table` is one of DEFERRABLE_INDEXES' keys, never input: safe to splice into the SQL.
    if (this.db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined) return
    for (const name of DEFERRABLE_INDEXES[table]) {
      const sql = this.indexSql(name)
      if (sql === undefined) continue
      this.db.exec(`DROP INDEX "${name}"`)
      this.dropped.set(name, sql)
    }
  }

  /** True when `index` is dropped until the end of the transaction. */
  isDeferred(index: string): boolean {
    return this.dropped.has(index) && this.indexSql(index) === undefined
  }

  /** Builds every index dropped in this transaction again, from its original definition; call right before COMMIT. */
  rebuild(): void {
    // A savepoint rolled back after the drop has already brought that index back.
    const pending = [...this.dropped].filter(([name]) => this.indexSql(name) === undefined)
    this.reset()
    if (pending.length === 0) return
    // The index sorts spill to temporary files instead of memory for the build: on 27.8M events
    // the in-memory sorts took the process past 2 GB, and the files are ~20 % faster too.
    const restore = this.sortToFiles()
    try {
      for (const [, sql] of pending) this.db.exec(sql)
    } finally {
      restore()
    }
  }

  /** Forgets this transaction's state (after COMMIT or ROLLBACK). */
  reset(): void {
    this.dropped.clear()
    this.seen.clear()
  }

  /** Switches temp_store to FILE; returns how to switch it back. SQLite refuses while temp tables are open: then nothing changes. */
  private sortToFiles(): () => void {
    const previous = Number(this.db.pragma('temp_store', { simple: true }))
    if (previous === TEMP_STORE_FILE || !Number.isInteger(previous)) return () => {}
    try {
      this.db.pragma(`temp_store = ${TEMP_STORE_FILE}`)
    } catch {
      return () => {}
    }
    return () => this.db.pragma(`temp_store = ${previous}`)
  }

  private indexSql(name: string): string | undefined {
    const row = this.db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").get(name) as { sql: string } | undefined
    return row?.sql
  }
}
