/**
 * Opening a SQLite database for the store: folder creation, pragmas, and turning driver errors
 * a user can act on (locked, unreadable, not a database) into StoreUnavailableError.
 */
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StoreUnavailableError } from '../../engine/errors.ts'

/** SQLite's durability levels. NORMAL is safe in WAL mode (a power loss can lose the last commits, never corrupt); the outbox wants FULL. */
export type SqliteSynchronous = 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA'

export interface SqliteConnectionOptions {
  /** Database file, or `:memory:`. Its folder is created when missing. */
  path: string
  /** Default NORMAL. */
  synchronous?: SqliteSynchronous
  /** Page cache per connection, in KiB. Default 64 MiB: segment counts scan the customers table. */
  cacheSizeKib?: number
  /** How long a writer waits for another process's lock before giving up. Default 5 s. */
  busyTimeoutMs?: number
}

const SYNCHRONOUS_LEVELS: readonly SqliteSynchronous[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA']

/** Opens (creating if needed) the database file and applies the store's pragmas. */
export function openSqliteDatabase(options: SqliteConnectionOptions): Database.Database {
  const synchronous = options.synchronous ?? 'NORMAL'
  if (!SYNCHRONOUS_LEVELS.includes(synchronous)) {
    throw new StoreUnavailableError(`unknown SQLite synchronous level '${synchronous}': expected one of ${SYNCHRONOUS_LEVELS.join(', ')}`)
  }
  const cacheSizeKib = Math.trunc(options.cacheSizeKib ?? 64 * 1024)
  const busyTimeoutMs = Math.trunc(options.busyTimeoutMs ?? 5000)
  const memory = options.path === ':memory:'
  const path = memory ? options.path : resolve(options.path)
  let db: Database.Database
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true })
    db = new Database(path, { timeout: busyTimeoutMs })
    if (!memory) db.pragma('journal_mode = WAL')
    // Pragma values cannot be bound as parameters; each one here is validated or a number.
    db.pragma(`synchronous = ${synchronous}`)
    db.pragma('foreign_keys = ON')
    db.pragma(`cache_size = -${cacheSizeKib}`)
    db.pragma('temp_store = MEMORY')
  } catch (error) {
    throw sqliteUnavailable(path, error)
  }
  return db
}

/** The error to show a user when the SQLite file cannot be opened or used. */
export function sqliteUnavailable(path: string, error: unknown): StoreUnavailableError {
  const reason = error instanceof Error ? error.message : String(error)
  return new StoreUnavailableError(`cannot open the SQLite store at ${path}: ${reason}`)
}

// Primary result codes a user can act on; extended codes (SQLITE_BUSY_SNAPSHOT…) share the prefix.
const USER_ACTIONABLE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_CORRUPT']

/** Maps driver errors a user must act on (lock held elsewhere, disk full, read-only file) to StoreUnavailableError; others pass through. */
export function mapSqliteError(path: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (!(error instanceof Error) || typeof code !== 'string') return error
  const family = USER_ACTIONABLE_CODES.find((primary) => code === primary || code.startsWith(`${primary}_`))
  if (!family) return error
  const hint = family === 'SQLITE_BUSY' || family === 'SQLITE_LOCKED' ? ' (another process holds its write lock; retry when it is done)' : ''
  return new StoreUnavailableError(`the SQLite store at ${path} cannot be used: ${error.message}${hint}`)
}
