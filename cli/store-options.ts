/**
 * The store flags every command that touches the store shares: `--db PATH` (SQLite file) and
 * `--database-url URL` (Postgres; the DATABASE_URL environment variable works too). Which one
 * wins is openStore's rule: --database-url, then --db, then DATABASE_URL, then ./data/sluice.db.
 */
import type { Command } from 'commander'
import type { StorePort } from '../engine/ports/store.ts'
import { StoreMissingError } from '../store/common/store-missing.ts'
import { DEFAULT_SQLITE_PATH, openStore, resolveStoreTarget } from '../store/open-store.ts'

/** The parsed store flags. */
export interface StoreOptionValues {
  db?: string
  databaseUrl?: string
}

/** Adds --db and --database-url to `command`. */
export function addStoreOptions(command: Command): Command {
  // No commander default for --db: an implicit default must not beat DATABASE_URL.
  return command
    .option('--db <path>', `SQLite database file (default: ${DEFAULT_SQLITE_PATH})`)
    .option('--database-url <url>', 'PostgreSQL URL, e.g. postgres://user@host:5432/db (default: $DATABASE_URL)')
}

/**
 * How a command opens the store. `create`: only the commands that make a store (db migrate,
 * import, demo, generate, serve) create a missing one; every other command refuses it, so a
 * mistyped --db fails with how to create it instead of reporting on a new, empty store.
 */
export interface OpenStoreFlags {
  /** Apply pending migrations (an existing store of an older Sluice is upgraded). Default true. */
  migrate?: boolean
  /** Create the store when it is not there. Default false. */
  create?: boolean
}

/** Opens the store the flags point at, migrated; a missing store is refused unless `create`. */
export async function openStoreFromOptions(options: StoreOptionValues, { migrate = true, create = false }: OpenStoreFlags = {}): Promise<StorePort> {
  try {
    return await openStore({
      ...(options.db ? { db: options.db } : {}),
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      migrate,
      ifMissing: create ? 'create' : 'refuse',
    })
  } catch (error) {
    if (error instanceof StoreMissingError) throw new StoreMissingError(`${error.message}; ${howToCreate(options)}`)
    throw error
  }
}

/** Runs `fn` with the store open, closing it afterwards whatever happens. */
export async function withStore<T>(options: StoreOptionValues, fn: (store: StorePort) => Promise<T>, flags: OpenStoreFlags = {}): Promise<T> {
  const store = await openStoreFromOptions(options, flags)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** The commands that would create the store the flags point at, with those flags. */
function howToCreate(options: StoreOptionValues): string {
  const flag = options.databaseUrl ? ` --database-url ${quoteArgument(hidePassword(options.databaseUrl))}` : options.db ? ` --db ${quoteArgument(options.db)}` : ''
  const creating = `"sluice db migrate${flag}" (empty) or "sluice demo${flag}" (the demo data)`
  return storeDialect(options) === 'sqlite' ? `check the path, or create the store with ${creating}` : `create Sluice's tables with ${creating}`
}

/** The argument as a shell would need it: bare when it is plain, else in single quotes. */
function quoteArgument(value: string): string {
  return /^[\w@%+=:,./~-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`
}

function storeDialect(options: StoreOptionValues): 'sqlite' | 'postgres' {
  return resolveStoreTarget({ ...(options.db ? { db: options.db } : {}), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) }).dialect
}

/** Where the store is, for messages: `SQLite ./data/sluice.db` or `PostgreSQL postgres://u:***@h/db`. */
export function describeStore(options: StoreOptionValues): string {
  const target = resolveStoreTarget({
    ...(options.db ? { db: options.db } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  })
  return target.dialect === 'sqlite' ? `SQLite ${target.path}` : `PostgreSQL ${hidePassword(target.url)}`
}

/** The URL with its password masked, so it can be printed. */
function hidePassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')
  }
}
