/**
 * The one way the CLI, server, importers and tests get a store. Which database:
 *   1. an explicit `databaseUrl` (Postgres),
 *   2. else an explicit `db`: a postgres:// URL means Postgres, anything else is a SQLite file,
 *   3. else the `DATABASE_URL` environment variable (Postgres),
 *   4. else the SQLite file ./data/sluice.db.
 * Explicit options beat the environment, so `--db other.db` works with DATABASE_URL set.
 * `ifMissing: 'refuse'` (what the CLI's reading and running commands ask for) opens only a store
 * that exists and was migrated: a StoreMissingError otherwise, with nothing created.
 */
import type { StorePort } from '../engine/ports/store.ts'
import { StoreMissingError } from './common/store-missing.ts'
import { PgStore } from './pg/pg-store.ts'
import type { SqliteSynchronous } from './sqlite/connection.ts'
import { SqliteStore } from './sqlite/sqlite-store.ts'

/** The SQLite file used when nothing else is configured. */
export const DEFAULT_SQLITE_PATH = './data/sluice.db'

export interface OpenStoreOptions {
  /** SQLite file path (or `:memory:`), or a postgres:// URL. */
  db?: string
  /** PostgreSQL URL; wins over `db` and `DATABASE_URL`. */
  databaseUrl?: string
  /** Apply pending migrations after opening. Default true. */
  migrate?: boolean
  /**
   * A store that is not there: `create` it (default), or `refuse` it with a StoreMissingError —
   * a missing SQLite file, a file or Postgres schema without Sluice's tables — creating nothing.
   */
  ifMissing?: 'create' | 'refuse'
  /** SQLite durability; default NORMAL (the engine's outbox asks for FULL). */
  sqliteSynchronous?: SqliteSynchronous
  /** PostgreSQL schema for the store's tables; default `public`. */
  pgSchema?: string
  /** Clock for created/updated times; default the wall clock. */
  now?: () => number
  /** Environment to read DATABASE_URL from; default process.env. */
  env?: Record<string, string | undefined>
}

export type StoreTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string }

const POSTGRES_URL = /^postgres(ql)?:\/\//i

/** The table drizzle's migrator keeps (in the store's schema on Postgres): a store was migrated if it has it. */
const MIGRATIONS_TABLE = '__drizzle_migrations'

/** Which database the options point at, by the precedence documented above. */
export function resolveStoreTarget(options: Pick<OpenStoreOptions, 'db' | 'databaseUrl' | 'env'> = {}): StoreTarget {
  const env = options.env ?? process.env
  if (options.databaseUrl) return { dialect: 'postgres', url: options.databaseUrl }
  if (options.db) return POSTGRES_URL.test(options.db) ? { dialect: 'postgres', url: options.db } : { dialect: 'sqlite', path: options.db }
  if (env.DATABASE_URL) return { dialect: 'postgres', url: env.DATABASE_URL }
  return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH }
}

/** Opens (and by default migrates) the store the options point at. */
export async function openStore(options: OpenStoreOptions = {}): Promise<StorePort> {
  const target = resolveStoreTarget(options)
  const now = options.now ? { now: options.now } : {}
  const refuseMissing = options.ifMissing === 'refuse'
  const store =
    target.dialect === 'postgres'
      ? await PgStore.open({ url: target.url, ...(options.pgSchema ? { schema: options.pgSchema } : {}), ...now })
      : SqliteStore.open({
          path: target.path,
          ...(options.sqliteSynchronous ? { synchronous: options.sqliteSynchronous } : {}),
          ...(refuseMissing && target.path !== ':memory:' ? { mustExist: { table: MIGRATIONS_TABLE } } : {}),
          ...now,
        })
  try {
    if (refuseMissing && store instanceof PgStore && target.dialect === 'postgres') await checkPgStoreExists(store, target.url, options.pgSchema ?? 'public')
    if (options.migrate ?? true) await store.migrate()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

/** Refuses a Postgres database whose schema has no Sluice tables, before migrating creates them. */
async function checkPgStoreExists(store: PgStore, url: string, schema: string): Promise<void> {
  const found = await store.pool.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, MIGRATIONS_TABLE])
  if (found.rowCount === 0) throw new StoreMissingError(`no store in PostgreSQL ${describePgDatabase(url, schema)}: it has no Sluice tables`)
}

/** `database test on 127.0.0.1:5432, schema public`: never the user or password. */
function describePgDatabase(url: string, schema: string): string {
  try {
    const parsed = new URL(url)
    return `database ${decodeURIComponent(parsed.pathname.slice(1)) || '(default)'} on ${parsed.host}, schema ${schema}`
  } catch {
    return `schema ${schema}`
  }
}
