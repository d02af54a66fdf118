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
  AttributeDef,
  ConsentInput,
  ContactInput,
  Customer,
  CustomerInput,
  EventConflict,
  EventInput,
  EventInsertResult,
  ListMembersResult,
  SegmentPreview,
  StaticList,
  StoredContact,
  StoredEvent,
  StorePort,
  StoreStats,
  SuppressionInput,
  Tag,
  UpsertResult,
} from '../../engine/ports/store.ts'
import type { Segment } from '../../engine/segment/schema.ts'
import { toEventConflict, type ConflictRow } from '../common/event-conflicts.ts'
import type { EventFilter } from '../common/events-of-query.ts'
import { transactionFinished } from '../common/store-helpers.ts'
import { initialAttributes, mergeDuplicateCustomers, validateCustomers, validateEvents, type EventRow } from '../common/validate-input.ts'
import { mapSqliteError, openSqliteDatabase, type SqliteConnectionOptions } from './connection.ts'
import type { SqlDriver } from '../core/driver.ts'
import { sqliteDriver } from '../dialects/sqlite/driver.ts'
import { defineAttributes, listAttributes } from '../attributes/attributes.ts'
import { addSuppressions, getConsents, listContacts, recordContacts, removeSuppressions, setConsents, suppressedCustomers } from '../contact/contact.ts'
import { countCustomers, getCustomers, listCustomers, storeStats } from '../customers/customers.ts'
import { listEvents, listEventsOf } from '../events/events.ts'
import { setTags, writeTag } from '../tags/tags.ts'
import { BackgroundCheckpoints } from './background-checkpoints.ts'
import { DeferredIndexes, type DeferrableTable } from './deferred-indexes.ts'
import { MultiRowInsert } from './multi-row-insert.ts'
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
  inserts: Map<string, MultiRowInsert>
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

// The statements of the write paths, prepared once per connection.
const SQL_TEXT = {
  // jsonb_patch is RFC 7396 merge-patch: keys set to null in the patch are removed.
  updateCustomer: `UPDATE customers SET
      attributes = coalesce(jsonb_patch(attributes, ?), attributes),
      time_zone = coalesce(?, time_zone),
      preferred_channel = CASE WHEN ? THEN ? ELSE preferred_channel END,
      updated_at = ?
    WHERE key = ?`,
  // The key SQLite itself would give the next row (largest + 1); new customers get theirs from it.
  maxCustomerKey: 'SELECT coalesce(max(key), 0) FROM customers',
  deleteAddress: 'DELETE FROM customer_addresses WHERE customer_key = ? AND kind = ?',
  resolveCustomers: 'SELECT external_id AS id, key FROM customers WHERE external_id IN (SELECT value FROM json_each(?))',
  // Events of a batch whose id is stored with other content: `?` is [[index, id, key, type, at,
  // properties], ...]. Properties are compared as JSON values: equal JSONB bytes first (the
  // common, cheap case: the same text gives the same bytes), else the same set of (path, type,
  // value) nodes either way, so key order does not matter and array order does (as in
  // Postgres' jsonb equality).
  selectEventConflicts: `WITH input AS (
      SELECT value->>0 AS i, value->>1 AS id, value->>2 AS k, value->>3 AS type, value->>4 AS at, value->'$[5]' AS props FROM json_each(?)
    )
    SELECT input.i, e.customer_key IS NOT input.k AS customer_differs, e.type IS NOT input.type AS type_differs,
      e.at IS NOT input.at AS at_differs,
      (e.properties IS NOT jsonb(input.props) AND (
        EXISTS (SELECT t.fullkey, iif(t.type = 'real', 'integer', t.type), t.atom FROM json_tree(e.properties) t
          EXCEPT SELECT u.fullkey, iif(u.type = 'real', 'integer', u.type), u.atom FROM json_tree(input.props) u)
        OR EXISTS (SELECT u.fullkey, iif(u.type = 'real', 'integer', u.type), u.atom FROM json_tree(input.props) u
          EXCEPT SELECT t.fullkey, iif(t.type = 'real', 'integer', t.type), t.atom FROM json_tree(e.properties) t)
      )) AS properties_differ
    FROM input JOIN events e ON e.event_id = input.id
    WHERE customer_differs OR type_differs OR at_differs OR properties_differ
    ORDER BY input.i`,
} as const

const ADDRESS_COLUMNS = 'INSERT INTO customer_addresses (customer_key, kind, address)'
const TAG_COLUMNS = 'INSERT INTO customer_tags (customer_key, name, layer, value, num, at, source)'
const TAG_ROW = '(?, ?, ?, ?, ?, ?, ?)'

// The batch write statements, as multi-row inserts: [head, one row's placeholders, tail].
const MULTI_ROW_TEXT = {
  // Keys are given explicitly (see upsertCustomers), so neither RETURNING nor lastInsertRowid is needed.
  insertCustomers: [
    'INSERT INTO customers (key, external_id, time_zone, preferred_channel, attributes, created_at, updated_at)',
    '(?, ?, ?, ?, jsonb(?), ?, ?)',
    '',
  ],
  // A customer inserted in this batch has no addresses or tags yet: plain inserts are ~40 % cheaper than upserts.
  insertAddresses: [ADDRESS_COLUMNS, '(?, ?, ?)', ''],
  upsertAddresses: [ADDRESS_COLUMNS, '(?, ?, ?)', 'ON CONFLICT (customer_key, kind) DO UPDATE SET address = excluded.address'],
  insertTags: [TAG_COLUMNS, TAG_ROW, ''],
  upsertTags: [
    TAG_COLUMNS,
    TAG_ROW,
    `ON CONFLICT (customer_key, name) DO UPDATE SET layer = excluded.layer, value = excluded.value,
      num = excluded.num, at = excluded.at, source = excluded.source`,
  ],
  insertEvents: ['INSERT INTO events (event_id, customer_key, type, at, properties)', '(?, ?, ?, ?, jsonb(?))', 'ON CONFLICT (event_id) DO NOTHING'],
} as const satisfies Record<string, readonly [string, string, string]>

/** The customer store on a SQLite file (or `:memory:`). */
export class SqliteStore implements StorePort {
  readonly dialect = 'sqlite' as const

  private constructor(
    private readonly shared: Shared,
    private readonly tx: TxHandle | null,
  ) {}

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
        inserts: new Map(),
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
      handle.open = false
      this.shared.active = null
      release()
    }
  }

  async upsertCustomers(input: CustomerInput[]): Promise<UpsertResult> {
    const { rows, repeats } = mergeDuplicateCustomers(validateCustomers(input))
    return this.write(() => {
      const now = this.shared.now()
      // One look-up for the batch splits it: new customers take the insert-only path (one
      // multi-row insert, plain inserts of their addresses and tags), known ones the merge path.
      const existing = this.resolveCustomerKeys(rows.map((row) => row.id))
      // Inside this write transaction nobody else inserts customers, so the keys SQLite would
      // assign (largest + 1, in row order) can be given up front and are known without a query.
      let nextKey = existing.size === rows.length ? 0 : (this.statement('maxCustomerKey', true).get() as number) + 1
      const update = this.statement('updateCustomer')
      const deleteAddress = this.statement('deleteAddress')
      const written = new Map<string, number>()
      const newCustomers: unknown[] = []
      const newAddresses: unknown[] = []
      const changedAddresses: unknown[] = []
      const newTags: unknown[] = []
      const changedTags: unknown[] = []
      let inserted = 0
      let updated = repeats
      if (existing.size === 0) this.deferIndexesOf('customer_addresses', rows.length)
      if (existing.size === 0) this.deferIndexesOf('customer_tags', rows.length)
      for (const row of rows) {
        const patch = row.attributes === null ? null : JSON.stringify(row.attributes)
        let key = existing.get(row.id)
        const isNew = key === undefined
        if (key === undefined) {
          key = nextKey++
          const initial = patch === null ? '{}' : row.clearsAttributes ? JSON.stringify(initialAttributes(row.attributes)) : patch
          newCustomers.push(key, row.id, row.timeZone ?? 'UTC', row.preferredChannel, initial, now, now)
          inserted += 1
        } else {
          update.run(patch, row.timeZone, row.setPreferredChannel ? 1 : 0, row.preferredChannel, now, key)
          updated += 1
        }
        written.set(row.id, key)
        for (const kind in row.addresses) {
          const address = row.addresses[kind as keyof typeof row.addresses]
          if (address === null) {
            if (!isNew) deleteAddress.run(key, kind)
          } else if (address !== undefined) {
            if (isNew) newAddresses.push(key, kind, address)
            else changedAddresses.push(key, kind, address)
          }
        }
        for (const tag of row.tags) pushTag(isNew ? newTags : changedTags, key, tag)
      }
      this.insert('insertCustomers').run(newCustomers)
      // New address rows go in sorted by (kind, address), so the address index is written in
      // key order rather than at random pages (pointless while a bulk load defers that index).
      const deferred = this.shared.deferred.isDeferred('customer_addresses_kind_address')
      this.insert('insertAddresses').run(deferred ? newAddresses : sortedAddressRows(newAddresses))
      this.insert('upsertAddresses').run(changedAddresses)
      this.insert('insertTags').run(newTags)
      this.insert('upsertTags').run(changedTags)
      // Recorded once the batch is written: a batch that fails leaves no keys behind.
      const tx = this.currentTx()
      this.shared.recentKeys = tx ? { tx, keys: written } : null
      return { inserted, updated }
    })
  }

  async getCustomers(ids: string[]): Promise<Customer[]> {
    return this.use((sql) => getCustomers(sql, ids))
  }

  async listCustomers(options: { afterKey?: number; limit?: number } = {}): Promise<Customer[]> {
    return this.use((sql) => listCustomers(sql, options))
  }

  async countCustomers(): Promise<number> {
    return this.use(countCustomers)
  }

  async insertEvents(input: EventInput[]): Promise<EventInsertResult> {
    const rows = validateEvents(input)
    return this.write(() => {
      const keys = this.resolveCustomerKeys(rows.map((row) => row.customerId))
      this.deferIndexesOf('events', rows.length)
      const unknownCustomers: number[] = []
      const values: unknown[] = []
      rows.forEach((row, index) => {
        const key = keys.get(row.customerId)
        if (key === undefined) unknownCustomers.push(index)
        else values.push(row.id, key, row.type, row.at, row.propertiesJson)
      })
      // ON CONFLICT DO NOTHING: the change count is the number of events actually inserted.
      const inserted = this.insert('insertEvents').run(values)
      const known = rows.length - unknownCustomers.length
      // Only a batch that left rows out can hold conflicts: a fresh ingest pays nothing for the check.
      const conflicts = inserted < known ? this.eventConflicts(rows, keys) : []
      return { inserted, duplicates: known - inserted, unknownCustomers, conflicts }
    }, { deferFsync: true })
  }

  /** The events of `rows` stored under their id with other content, in one query. */
  private eventConflicts(rows: EventRow[], keys: Map<string, number>): EventConflict[] {
    const input: string[] = []
    rows.forEach((row, index) => {
      const key = keys.get(row.customerId)
      // Properties are already JSON text: spliced in rather than parsed and serialised again.
      if (key !== undefined) input.push(`[${index},${JSON.stringify(row.id)},${key},${JSON.stringify(row.type)},${row.at},${row.propertiesJson}]`)
    })
    return (this.statement('selectEventConflicts').all(`[${input.join(',')}]`) as ConflictRow[]).map(toEventConflict)
  }

  async listEvents(customerId: string, options: { type?: string; from?: number; to?: number; last?: number } = {}): Promise<StoredEvent[]> {
    return this.use((sql) => listEvents(sql, customerId, options))
  }

  async listEventsOf(customerIds: string[], options: EventFilter = {}): Promise<StoredEvent[]> {
    return this.use((sql) => listEventsOf(sql, customerIds, options))
  }

  async setConsents(input: ConsentInput[]): Promise<void> {
    await this.use((sql) => setConsents(sql, this.keysOf, input))
  }

  async getConsents(customerIds: string[]): Promise<ConsentInput[]> {
    return this.use((sql) => getConsents(sql, customerIds))
  }

  async addSuppressions(input: SuppressionInput[]): Promise<void> {
    await this.use((sql) => addSuppressions(sql, input))
  }

  async removeSuppressions(input: Pick<SuppressionInput, 'scope' | 'value'>[]): Promise<void> {
    await this.use((sql) => removeSuppressions(sql, input))
  }

  async suppressedCustomers(customerIds: string[]): Promise<Set<string>> {
    return this.use((sql) => suppressedCustomers(sql, customerIds))
  }

  async recordContacts(input: ContactInput[]): Promise<void> {
    await this.use((sql) => recordContacts(sql, this.keysOf, input))
  }

  async listContacts(customerId: string, options: { from?: number; to?: number } = {}): Promise<StoredContact[]> {
    return this.use((sql) => listContacts(sql, customerId, options))
  }

  async defineAttributes(input: AttributeDef[]): Promise<void> {
    await this.use((sql) => defineAttributes(sql, input, this.shared.now()))
  }

  async listAttributes(): Promise<AttributeDef[]> {
    return this.use(listAttributes)
  }

  async setTags(input: { customerId: string; tag: Tag }[]): Promise<void> {
    await this.use((sql) => setTags(sql, this.keysOf, input))
  }

  async stats(): Promise<StoreStats> {
    return this.use(storeStats)
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
   * Runs a capability written once over the store driver (store/customers, events, contact,
   * attributes, tags): inside the open transaction as part of it; outside one in a short
   * transaction of its own, so it never reads or joins another caller's uncommitted rows on the
   * one connection.
   */
  private async use<T>(work: (sql: SqlDriver) => Promise<T>): Promise<T> {
    const current = this.currentTx()
    if (current && !current.open) throw transactionFinished()
    const guarded = async () => {
      try {
        return await work(sqliteDriver(this.shared.db))
      } catch (error) {
        throw mapSqliteError(this.shared.path, error)
      }
    }
    return current ? guarded() : this.transaction(guarded)
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
   * `deferFsync`: a transaction of its own commits without waiting for the disk (decision 16).
   */
  private write<T>(work: () => T, options: { deferFsync?: boolean } = {}): Promise<T> {
    if (this.currentTx()) return this.run(work)
    const transaction = () => this.shared.db.transaction(work).immediate()
    return this.run(options.deferFsync ? () => this.withoutCommitFsync(transaction) : transaction)
  }

  /**
   * Runs `work` with the connection at `synchronous = NORMAL` when it is set higher (the engine
   * store sets FULL), then restores the level: in WAL mode its commit then skips the fsync, and
   * the next commit that syncs (any engine batch) or checkpoint makes it durable.
   */
  private withoutCommitFsync<T>(work: () => T): T {
    const { db } = this.shared
    const level = db.pragma('synchronous', { simple: true }) as number
    if (level <= SYNCHRONOUS_NORMAL) return work()
    db.pragma('synchronous = NORMAL')
    try {
      return work()
    } finally {
      db.pragma(`synchronous = ${level}`)
    }
  }

  private exec<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      throw mapSqliteError(this.shared.path, error)
    }
  }

  private statement(name: keyof typeof SQL_TEXT, pluck = false): Database.Statement {
    const cacheKey = pluck ? `${name}:pluck` : name
    let statement = this.shared.statements.get(cacheKey)
    if (!statement) {
      statement = this.shared.db.prepare(SQL_TEXT[name])
      if (pluck) statement.pluck()
      this.shared.statements.set(cacheKey, statement)
    }
    return statement
  }

  /** Inside a transaction, lets a large first load into an empty table build its secondary indexes at commit. */
  private deferIndexesOf(table: DeferrableTable, rows: number): void {
    if (this.currentTx()) this.shared.deferred.beforeBulkWrite(table, rows)
  }

  private insert(name: keyof typeof MULTI_ROW_TEXT): MultiRowInsert {
    let insert = this.shared.inserts.get(name)
    if (!insert) {
      const [head, row, tail] = MULTI_ROW_TEXT[name]
      insert = new MultiRowInsert(this.shared.db, head, row, tail)
      this.shared.inserts.set(name, insert)
    }
    return insert
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

/** Address rows (flat key, kind, address triples) reordered by (kind, address). */
function sortedAddressRows(values: unknown[]): unknown[] {
  const order = Array.from({ length: values.length / 3 }, (_, i) => 3 * i)
  const text = (i: number) => values[i] as string
  order.sort((a, b) => {
    const kindA = text(a + 1)
    const kindB = text(b + 1)
    if (kindA !== kindB) return kindA < kindB ? -1 : 1
    const addressA = text(a + 2)
    const addressB = text(b + 2)
    return addressA < addressB ? -1 : addressA > addressB ? 1 : 0
  })
  return order.flatMap((i) => [values[i], values[i + 1], values[i + 2]])
}

/** Appends a tag row's values. */
function pushTag(values: unknown[], key: number, tag: Tag): void {
  writeTag(values, values.length, key, tag)
}
