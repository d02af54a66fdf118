/**
 * The store port on PostgreSQL (node-postgres). Each write batch is a handful of set-based
 * statements whose rows travel as one JSON parameter unpacked with `json(b)_to_recordset`, which
 * sidesteps the 65,535-parameter cap and keeps one round trip per statement whatever the batch
 * size. Simple reads go through drizzle.
 *
 * Transactions: `transaction(fn)` checks out one pooled client, runs BEGIN … COMMIT on it, and
 * every call on `tx` (and any store call made from inside `fn`, found through async context)
 * runs on that client. A write method called outside a transaction opens its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import type pg from 'pg'
import type {
  ListMembersResult,
  SegmentPreview,
  StaticList,
  StorePort,
} from '../../engine/ports/store.ts'
import type { Segment } from '../../engine/segment/schema.ts'
import { transactionFinished } from '../common/store-helpers.ts'
import { checkSchemaName, mapPgError, openPgPool, type PgConnectionOptions } from './connection.ts'
import type { SqlDriver } from '../core/driver.ts'
import { pgDriver } from '../dialects/pg/driver.ts'
import type { KeysOf } from '../contact/contact.ts'
import { CustomerStoreCapabilities } from '../customer-store.ts'
import { pgCreateList, pgListLists, pgMatchSegment, pgPreviewSegment, pgWriteListMembers } from '../segment/pg-segments.ts'
import type { PgQuery } from '../core/sql-params.ts'
import { pgRfmPopulation, pgRfmScores } from '../scoring/rfm-scores.ts'
import type { RfmAnswer, RfmPopulation, RfmQuery } from '../../engine/ports/rfm.ts'
import * as schema from '../dialects/pg/schema.ts'
import { migrationsFolder } from '../core/migrations.ts'
import { pgChannelFacts } from '../channel-facts/index.ts'
import type { ChannelFacts, ChannelFactsQuery } from '../../engine/ports/channel-facts.ts'
import { pgContactPolicyFacts } from '../contact-policy/contact-policy-facts.ts'
import type { ContactPolicyFacts, ContactPolicyQuery } from '../../engine/ports/contact-policy-facts.ts'

export interface PgStoreOptions extends PgConnectionOptions {
  /** Clock for created/updated times (epoch ms); tests and simulations pass their own. */
  now?: () => number
}

const MIGRATIONS_FOLDER = migrationsFolder('postgres')

type Queryable = pg.Pool | pg.PoolClient

interface Shared {
  pool: pg.Pool
  orm: NodePgDatabase<typeof schema>
  url: string
  schema: string
  now: () => number
  scope: AsyncLocalStorage<TxContext>
}

interface TxContext {
  client: pg.PoolClient
  orm: NodePgDatabase<typeof schema>
  open: boolean
}


// The customer-key look-up of the bulk writes and the capabilities' writes.
const SQL_TEXT = {
  resolveCustomers: 'SELECT external_id AS id, key FROM customers WHERE external_id = ANY($1::text[])',
} as const

/** The customer store on PostgreSQL, its tables in one schema. */
export class PgStore extends CustomerStoreCapabilities implements StorePort {
  readonly dialect = 'postgres' as const

  private constructor(
    private readonly shared: Shared,
    private readonly tx: TxContext | null,
  ) {
    super()
  }

  /** Connects (failing with StoreUnavailableError when the server cannot be reached); call `migrate()` before first use. */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const schemaName = checkSchemaName(options.schema ?? 'public')
    const pool = await openPgPool({ ...options, schema: schemaName })
    return new PgStore(
      {
        pool,
        orm: drizzle({ client: pool, schema }),
        url: options.url,
        schema: schemaName,
        now: options.now ?? Date.now,
        scope: new AsyncLocalStorage(),
      },
      null,
    )
  }

  /** The pool, for engine tables added by later modules and for measurements. */
  get pool(): pg.Pool {
    return this.shared.pool
  }

  /**
   * Where a query runs now: the open transaction's client (this view's, or the caller's async
   * context), else the pool. The engine's tables join the store's transactions through it.
   */
  get connection(): pg.Pool | pg.PoolClient {
    return this.db()
  }

  async migrate(): Promise<void> {
    if (this.currentTx()) throw new Error('migrate() cannot run inside a transaction')
    const client = await this.guard(this.shared.pool.connect())
    const { schema: schemaName } = this.shared
    try {
      // Two processes starting together must not both apply the same migration.
      await this.guard(client.query('SELECT pg_advisory_lock(hashtext($1))', [`sluice-migrate:${schemaName}`]))
      try {
        // schemaName passed checkSchemaName: a plain lower-case identifier.
        await this.guard(client.query(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`))
        await this.guard(migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER, migrationsSchema: schemaName }))
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`sluice-migrate:${schemaName}`])
      }
    } finally {
      client.release()
    }
  }

  async close(): Promise<void> {
    if (this.currentTx()) throw new Error('close() cannot be called inside a transaction')
    await this.shared.pool.end()
  }

  async transaction<T>(fn: (tx: StorePort) => Promise<T>): Promise<T> {
    const current = this.currentTx()
    if (current) {
      if (!current.open) throw transactionFinished()
      return fn(this.tx ? this : new PgStore(this.shared, current))
    }
    const client = await this.guard(this.shared.pool.connect())
    const context: TxContext = { client, orm: drizzle({ client, schema }), open: true }
    let broken: Error | undefined
    try {
      await this.guard(client.query('BEGIN'))
      const result = await this.shared.scope.run(context, () => fn(new PgStore(this.shared, context)))
      await this.guard(client.query('COMMIT'))
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))
      })
      throw error
    } finally {
      context.open = false
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than pool it.
      client.release(broken)
    }
  }

  // Segments and static lists: compiled and run by store/segment on this store's client.
  async matchSegment(segment: Segment, options: { now: number; keys?: readonly number[] }): Promise<Set<number>> {
    return pgMatchSegment(this.queryOn(this.db()), segment, options)
  }

  async previewSegment(segment: Segment, options: { now: number; sample?: number; afterKey?: number }): Promise<SegmentPreview> {
    return pgPreviewSegment(this.queryOn(this.db()), segment, options)
  }

  async createList(list: { name: string; description?: string }): Promise<StaticList> {
    return this.write((client) => pgCreateList(this.queryOn(client), list, this.shared.now()))
  }

  async replaceListMembers(name: string, customerIds: string[]): Promise<ListMembersResult> {
    return this.write((client) => pgWriteListMembers(this.queryOn(client), 'replace', name, customerIds, this.shared.now()))
  }

  async appendListMembers(name: string, customerIds: string[]): Promise<ListMembersResult> {
    return this.write((client) => pgWriteListMembers(this.queryOn(client), 'append', name, customerIds, this.shared.now()))
  }

  async listLists(): Promise<StaticList[]> {
    return pgListLists(this.queryOn(this.db()))
  }

  async rfmScores(query: RfmQuery, keys: readonly number[], population?: RfmPopulation): Promise<RfmAnswer> {
    return pgRfmScores(this.queryOn(this.db()), query, keys, population)
  }

  async rfmPopulation(query: RfmQuery): Promise<RfmPopulation> {
    return pgRfmPopulation(this.queryOn(this.db()), query)
  }

  async channelFacts(keys: readonly number[], query: ChannelFactsQuery, memo?: Map<string, unknown>): Promise<ChannelFacts> {
    return pgChannelFacts(this.queryOn(this.db()), keys, query, memo)
  }

  async contactPolicyFacts(keys: readonly number[], query: ContactPolicyQuery): Promise<ContactPolicyFacts> {
    return pgContactPolicyFacts(this.queryOn(this.db()), keys, query)
  }

  /** A driver (store/core) on `db`, its errors mapped as every other statement's. */
  private driverOn(db: Queryable): SqlDriver {
    return pgDriver((text, params) => this.query(db, text, params))
  }

  /** Runs a read capability written once over the store driver on the open transaction's client, or the pool. */
  protected read<T>(work: (sql: SqlDriver) => Promise<T>): Promise<T> {
    return work(this.driverOn(this.db()))
  }

  /** Runs a write capability atomically: inside the open transaction, or in a new one. */
  protected change<T>(work: (sql: SqlDriver, keysOf: KeysOf) => Promise<T>, options: { deferFsync?: boolean } = {}): Promise<T> {
    return this.write((client) => work(this.driverOn(client), (ids) => this.resolveCustomerKeys(client, ids)), options)
  }

  protected now(): number {
    return this.shared.now()
  }

  private queryOn(db: Queryable): PgQuery {
    return async <R extends Record<string, unknown>>(text: string, params: unknown[]) => (await this.query<R>(db, text, params)).rows
  }

  private currentTx(): TxContext | undefined {
    return this.tx ?? this.shared.scope.getStore()
  }

  /** Where a read runs: the open transaction's client, or the pool. */
  private db(): Queryable {
    const current = this.currentTx()
    if (!current) return this.shared.pool
    if (!current.open) throw transactionFinished()
    return current.client
  }

  private orm(): NodePgDatabase<typeof schema> {
    const current = this.currentTx()
    if (!current) return this.shared.orm
    if (!current.open) throw transactionFinished()
    return current.orm
  }

  /** Runs a multi-statement write atomically: inside the open transaction, or in a new one. */
  private async write<T>(work: (db: pg.PoolClient) => Promise<T>, options: { deferFsync?: boolean } = {}): Promise<T> {
    const current = this.currentTx()
    if (current) {
      if (!current.open) throw transactionFinished()
      return work(current.client)
    }
    return this.transaction(async () => {
      const { client } = this.shared.scope.getStore() as TxContext
      // Asynchronous commit for this transaction only: COMMIT returns before its WAL is flushed
      // (the WAL writer flushes within wal_writer_delay); a crash of the server can lose it, never
      // corrupt anything (docs/decisions.md #16).
      if (options.deferFsync) await this.query(client, 'SET LOCAL synchronous_commit = off', [])
      return work(client)
    })
  }

  private query<R extends pg.QueryResultRow = pg.QueryResultRow>(db: Queryable, text: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    return this.guard(db.query<R>(text, params))
  }

  private async guard<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise
    } catch (error) {
      throw mapPgError(this.shared.url, error)
    }
  }

  /** Internal keys of the given external ids, in one query. */
  private async resolveCustomerKeys(db: Queryable, ids: string[]): Promise<Map<string, number>> {
    const result = await this.query<{ id: string; key: number }>(db, SQL_TEXT.resolveCustomers, [[...new Set(ids)]])
    return new Map(result.rows.map((row) => [row.id, Number(row.key)]))
  }

}
