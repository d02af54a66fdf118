/**
 * The store port on SQLite (better-sqlite3). One connection, used synchronously: the async port
 * methods run their SQL without yielding, so a write batch is never interleaved with another.
 * Hot paths are prepared multi-row statements (store/sqlite/multi-row-insert.ts) inside one
 * transaction (no round trips: the database is in-process); simple reads go through drizzle.
 * JSONB columns are written with `jsonb(?)` and read with `json(col)`.
 *
 * Transactions: `transaction(fn)` holds BEGIN IMMEDIATE … COMMIT on the connection while the
 * async `fn` runs. Other callers of the store wait for it to finish (they would otherwise see or
 * join its uncommitted writes); calls made from inside `fn` — on `tx`, on a nested
 * `transaction`, or even on the outer store — join it.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type {
  ListMembersResult,
  SegmentPreview,
  StaticList,
  StorePort,
} from '../../engine/ports/store.ts'
import type { Segment } from '../../engine/segment/schema.ts'
import { transactionFinished } from '../common/store-helpers.ts'
import { mapSqliteError, openSqliteDatabase, type SqliteConnectionOptions } from './connection.ts'
import type { SqlDriver } from '../core/driver.ts'
import { sqliteDriver } from '../dialects/sqlite/driver.ts'
import type { BulkWriteHooks } from '../customers/upsert-customers.ts'
import type { KeysOf } from '../contact/contact.ts'
import { CustomerStoreCapabilities } from '../customer-store.ts'
import { BackgroundCheckpoints } from './background-checkpoints.ts'
import { DeferredIndexes, type DeferrableTable } from './deferred-indexes.ts'
import {
  sqliteCreateList,
  sqliteListLists,
  sqliteMatchSegment,
  sqlitePreviewSegment,
  sqliteWriteListMembers,
} from '../segment/sqlite-segments.ts'
import { sqliteRfmPopulation, sqliteRfmScores } from '../scoring/rfm-scores.ts'
import type { RfmAnswer, RfmPopulation, RfmQuery } from '../../engine/ports/rfm.ts'
import * as schema from '../dialects/sqlite/schema.ts'
import { migrationsFolder } from '../core/migrations.ts'
import { sqliteChannelFacts } from '../channel-facts/index.ts'
import type { ChannelFacts, ChannelFactsQuery } from '../../engine/ports/channel-facts.ts'
import { sqliteContactPolicyFacts } from '../contact-policy/contact-policy-facts.ts'
import type { ContactPolicyFacts, ContactPolicyQuery } from '../../engine/ports/contact-policy-facts.ts'

export interface SqliteStoreOptions extends SqliteConnectionOptions {
  /** Clock for created/updated times (epoch ms); tests and simulations pass their own. */
  now?: () => number
}

/** `PRAGMA synchronous` reads back as a number: OFF 0, NORMAL 1, FULL 2, EXTRA 3. */
const SYNCHRONOUS_NORMAL = 1

const MIGRATIONS_FOLDER = migrationsFolder('sqlite')

/** State shared by the store and the transaction views it hands out. */
interface Shared {
  db: Database.Database
  orm: BetterSQLite3Database<typeof schema>
  path: string
  now: () => number
  statements: Map<string, Database.Statement>
  /** Secondary indexes the open transaction's bulk load dropped, built again before COMMIT. */
  deferred: DeferredIndexes
  /**
   * Keys of the customers the last `upsertCustomers` of the open transaction wrote. Importers and
   * the generator write consents and events for exactly those customers next, so their key
   * look-up needs no query. Only kept inside a transaction (customers are never deleted through
   * the port, and the foreign keys would refuse a stale key) and dropped when it ends.
   */
  recentKeys: { tx: TxHandle; keys: Map<string, number> } | null
  /** The worker that checkpoints the WAL, once `checkpointInBackground()` started it. */
  checkpoints: BackgroundCheckpoints | null
  /** Settles when the open transaction ends; null when none is open. */
  active: Promise<void> | null
  /** The transaction the current async context runs in, so calls from inside `fn` join it. */
  scope: AsyncLocalStorage<TxHandle>
}

interface TxHandle {
  open: boolean
}

// The customer-key look-up of the bulk writes, prepared once per connection.
const SQL_TEXT = {
  resolveCustomers: 'SELECT external_id AS id, key FROM customers WHERE external_id IN (SELECT value FROM json_each(?))',
} as const

/** The customer store on a SQLite file (or `:memory:`). */
export class SqliteStore extends CustomerStoreCapabilities implements StorePort {
  readonly dialect = 'sqlite' as const

  private constructor(
    private readonly shared: Shared,
    private readonly tx: TxHandle | null,
  ) {
    super()
  }

  /** Opens the database file (creating it and its folder); call `migrate()` before first use. */
  static open(options: SqliteStoreOptions): SqliteStore {
    const db = openSqliteDatabase(options)
    return new SqliteStore(
      {
        db,
        orm: drizzle({ client: db, schema }),
        path: options.path,
        now: options.now ?? Date.now,
        statements: new Map(),
        deferred: new DeferredIndexes(db),
        recentKeys: null,
        checkpoints: null,
        active: null,
        scope: new AsyncLocalStorage(),
      },
      null,
    )
  }

  /** The underlying connection, for engine tables added by later modules and for measurements. */
  get database(): Database.Database {
    return this.shared.db
  }

  async migrate(): Promise<void> {
    if (this.currentTx()) throw new Error('migrate() cannot run inside a transaction')
    await this.run(() => migrate(this.shared.orm, { migrationsFolder: MIGRATIONS_FOLDER }))
  }

  async close(): Promise<void> {
    // Waiting for the open transaction from inside it would never end.
    if (this.currentTx()) throw new Error('close() cannot be called inside a transaction')
    while (this.shared.active) await this.shared.active
    await this.shared.checkpoints?.stop()
    this.shared.checkpoints = null
    if (this.shared.db.open) this.shared.db.close()
  }

  /**
   * Moves WAL checkpoints from this connection's commits to a worker thread
   * (store/sqlite/background-checkpoints.ts), for a long-running process such as the engine's.
   * File databases only (`:memory:` has no WAL); starting it twice is a no-op; `close()` stops it.
   */
  checkpointInBackground(): void {
    const { db } = this.shared
    if (db.memory || this.shared.checkpoints) return
    this.shared.checkpoints = BackgroundCheckpoints.start(db, { busyTimeoutMs: db.pragma('busy_timeout', { simple: true }) as number })
  }

  async transaction<T>(fn: (tx: StorePort) => Promise<T>): Promise<T> {
    return this.begin(fn, false)
  }

  /** `transaction`; `deferFsync`: its COMMIT does not wait for the disk (decision 16, `lowerSynchronous`). */
  private async begin<T>(fn: (tx: StorePort) => Promise<T>, deferFsync: boolean): Promise<T> {
    const current = this.currentTx()
    if (current) {
      if (!current.open) throw transactionFinished()
      return fn(this.tx ? this : new SqliteStore(this.shared, current))
    }
    while (this.shared.active) await this.shared.active
    const { db } = this.shared
    const handle: TxHandle = { open: true }
    let release = () => {}
    this.shared.active = new Promise<void>((resolve) => (release = resolve))
    // The level cannot change inside a transaction: lowered before BEGIN, once the gate is ours
    // (every other caller of the connection waits for it), and restored after the end.
    const restoreSync = deferFsync ? this.lowerSynchronous() : null
    try {
      this.exec(() => db.exec('BEGIN IMMEDIATE'))
      const result = await this.shared.scope.run(handle, () => fn(new SqliteStore(this.shared, handle)))
      this.exec(() => {
        this.shared.deferred.rebuild()
        db.exec('COMMIT')
      })
      return result
    } catch (error) {
      if (db.open && db.inTransaction) db.exec('ROLLBACK')
      throw error
    } finally {
      this.shared.deferred.reset()
      this.shared.recentKeys = null
      if (restoreSync !== null && db.open) db.pragma(`synchronous = ${restoreSync}`)
      handle.open = false
      this.shared.active = null
      release()
    }
  }

  // Segments and static lists: compiled and run by store/segment, inside this store's run/write.
  async matchSegment(segment: Segment, options: { now: number; keys?: readonly number[] }): Promise<Set<number>> {
    return this.run(() => sqliteMatchSegment(this.shared.db, segment, options))
  }

  async previewSegment(segment: Segment, options: { now: number; sample?: number; afterKey?: number }): Promise<SegmentPreview> {
    return this.run(() => sqlitePreviewSegment(this.shared.db, segment, options))
  }

  async createList(list: { name: string; description?: string }): Promise<StaticList> {
    return this.write(() => sqliteCreateList(this.shared.db, list, this.shared.now()))
  }

  async replaceListMembers(name: string, customerIds: string[]): Promise<ListMembersResult> {
    return this.write(() => sqliteWriteListMembers(this.shared.db, 'replace', name, customerIds, this.shared.now()))
  }

  async appendListMembers(name: string, customerIds: string[]): Promise<ListMembersResult> {
    return this.write(() => sqliteWriteListMembers(this.shared.db, 'append', name, customerIds, this.shared.now()))
  }

  async listLists(): Promise<StaticList[]> {
    return this.run(() => sqliteListLists(this.shared.db))
  }

  async rfmScores(query: RfmQuery, keys: readonly number[], population?: RfmPopulation): Promise<RfmAnswer> {
    return this.run(() => sqliteRfmScores(this.shared.db, query, keys, population))
  }

  async rfmPopulation(query: RfmQuery): Promise<RfmPopulation> {
    return this.run(() => sqliteRfmPopulation(this.shared.db, query))
  }

  async channelFacts(keys: readonly number[], query: ChannelFactsQuery, memo?: Map<string, unknown>): Promise<ChannelFacts> {
    return this.run(() => sqliteChannelFacts(this.shared.db, keys, query, memo))
  }

  async contactPolicyFacts(keys: readonly number[], query: ContactPolicyQuery): Promise<ContactPolicyFacts> {
    return this.run(() => sqliteContactPolicyFacts(this.shared.db, keys, query))
  }

  /**
   * Runs a capability written once over the store driver (store/customer-store.ts): inside the open transaction as part of it; outside one in a short
   * transaction of its own, so it never reads or joins another caller's uncommitted rows on the
   * one connection.
   */
  private async use<T>(work: (sql: SqlDriver) => Promise<T>, options: { deferFsync?: boolean } = {}): Promise<T> {
    const current = this.currentTx()
    if (current && !current.open) throw transactionFinished()
    const guarded = async () => {
      try {
        return await work(sqliteDriver(this.shared.db))
      } catch (error) {
        throw mapSqliteError(this.shared.path, error)
      }
    }
    return current ? guarded() : this.begin(guarded, options.deferFsync ?? false)
  }

  /**
   * What SQLite adds around the bulk writes (store/customers/upsert-customers.ts,
   * store/events/insert-events.ts): a large first load inside a transaction defers the table's
   * secondary indexes; new addresses go in sorted by (kind, address), so the address index is
   * written in key order rather than at random pages (pointless while it is deferred); the keys
   * of the transaction's last customer batch are kept for its consents and events.
   */
  protected read<T>(work: (sql: SqlDriver) => Promise<T>): Promise<T> {
    return this.use(work)
  }

  protected change<T>(work: (sql: SqlDriver, keysOf: KeysOf) => Promise<T>, options: { deferFsync?: boolean } = {}): Promise<T> {
    return this.use((sql) => work(sql, this.keysOf), options)
  }

  protected now(): number {
    return this.shared.now()
  }

  protected override readonly bulkHooks: BulkWriteHooks = {
    beforeBulkWrite: (table, rows) => this.deferIndexesOf(table, rows),
    sortsNewAddresses: () => !this.shared.deferred.isDeferred('customer_addresses_kind_address'),
    wrote: (keys) => {
      const tx = this.currentTx()
      this.shared.recentKeys = tx ? { tx, keys } : null
    },
  }

  /** Customer keys for the capabilities' writes: the transaction's last customer batch first. */
  private readonly keysOf = async (ids: string[]): Promise<Map<string, number>> => this.resolveCustomerKeys(ids)

  private currentTx(): TxHandle | undefined {
    return this.tx ?? this.shared.scope.getStore()
  }

  /** Runs synchronous work once no other caller's transaction is open (or inside ours). */
  private async run<T>(work: () => T): Promise<T> {
    const current = this.currentTx()
    if (current) {
      if (!current.open) throw transactionFinished()
      return this.exec(work)
    }
    while (this.shared.active) await this.shared.active
    return this.exec(work)
  }

  /**
   * Like `run`, atomically: its own transaction, or — inside an open one — part of it, as a nested
   * `transaction()` is (the caller's transaction rolls back if its function throws). No SAVEPOINT
   * there: with `temp_store = MEMORY` every multi-row statement under a savepoint copies the pages
   * it touches into an in-memory sub-journal that only the savepoint's end frees, so one
   * 450,000-row tag write inside an engine batch took 62 s and ~1 GB instead of 3.7 s.
   */
  private write<T>(work: () => T): Promise<T> {
    if (this.currentTx()) return this.run(work)
    return this.run(() => this.shared.db.transaction(work).immediate())
  }

  /**
   * Sets the connection to `synchronous = NORMAL` when it is set higher (the engine store sets
   * FULL) and returns the level to restore (null: nothing changed): in WAL mode a commit then
   * skips the fsync, and the next commit that syncs (any engine batch) or checkpoint makes it durable.
   */
  private lowerSynchronous(): number | null {
    const { db } = this.shared
    const level = db.pragma('synchronous', { simple: true }) as number
    if (level <= SYNCHRONOUS_NORMAL) return null
    db.pragma('synchronous = NORMAL')
    return level
  }


  private exec<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      throw mapSqliteError(this.shared.path, error)
    }
  }

  private statement(name: keyof typeof SQL_TEXT): Database.Statement {
    let statement = this.shared.statements.get(name)
    if (!statement) {
      statement = this.shared.db.prepare(SQL_TEXT[name])
      this.shared.statements.set(name, statement)
    }
    return statement
  }


  /** Inside a transaction, lets a large first load into an empty table build its secondary indexes at commit. */
  private deferIndexesOf(table: DeferrableTable, rows: number): void {
    if (this.currentTx()) this.shared.deferred.beforeBulkWrite(table, rows)
  }


  /** Internal keys of the given external ids: from the last upserted batch, the rest in one query. */
  private resolveCustomerKeys(ids: string[]): Map<string, number> {
    const keys = new Map<string, number>()
    const recent = this.shared.recentKeys
    let missing: Set<string>
    if (recent && recent.tx === this.currentTx()) {
      missing = new Set()
      for (const id of ids) {
        const key = recent.keys.get(id)
        if (key === undefined) missing.add(id)
        else keys.set(id, key)
      }
      if (missing.size === 0) return keys
    } else {
      missing = new Set(ids)
    }
    const rows = this.statement('resolveCustomers').all(JSON.stringify([...missing])) as { id: string; key: number }[]
    for (const row of rows) keys.set(row.id, row.key)
    return keys
  }

}
