/**
 * The store flags every command that touches the store shares: `--db PATH` (SQLite file) and
 * `--database-url URL` (Postgres; the DATABASE_URL environment variable works too). Which one
 * wins is openStore's rule: --database-url, then --db, then DATABASE_URL, then ./data/sluice.db.
 */
import type { Command } from 'commander'
import type { StorePort } from '../engine/ports/store.ts'
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

/** Opens the store the flags point at; migrated by default so a fresh file is ready to use. */
export async function openStoreFromOptions(options: StoreOptionValues, { migrate = true } = {}): Promise<StorePort> {
  return openStore({
    ...(options.db ? { db: options.db } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    migrate,
  })
}

/** Runs `fn` with the store open, closing it afterwards whatever happens. */
export async function withStore<T>(options: StoreOptionValues, fn: (store: StorePort) => Promise<T>, { migrate = true } = {}): Promise<T> {
  const store = await openStoreFromOptions(options, { migrate })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
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
