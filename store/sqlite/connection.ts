/**
 * Opening a SQLite database for the store: folder creation, pragmas, and turning driver errors
 * a user can act on (locked, unreadable, not a database) into StoreUnavailableError. Before
 * anything is opened the file system is asked whether this user may read and write the file
 * and its folder: SQLite in WAL mode writes `-wal` and `-shm` files beside the database even to
 * read it, so a read-only file or folder would otherwise fail half-way and leave them behind.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StoreUnavailableError } from '../../engine/errors.ts'
import { StoreMissingError } from '../common/store-missing.ts'

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
  /**
   * Open only a database that is already there: a missing file is a StoreMissingError
   * (nothing is created), and so is a file without `table` (a SQLite file no store migrated),
   * checked before any pragma writes to the file.
   */
  mustExist?: { table: string }
}

const SYNCHRONOUS_LEVELS: readonly SqliteSynchronous[] = ['OFF', 'NORMAL', 'FULL', 'EXTRA']

/** Opens (creating it and its folder unless `mustExist`) the database file and applies the store's pragmas. */
export function openSqliteDatabase(options: SqliteConnectionOptions): Database.Database {
  const synchronous = options.synchronous ?? 'NORMAL'
  if (!SYNCHRONOUS_LEVELS.includes(synchronous)) {
    throw new StoreUnavailableError(`unknown SQLite synchronous level '${synchronous}': expected one of ${SYNCHRONOUS_LEVELS.join(', ')}`)
  }
  const cacheSizeKib = Math.trunc(options.cacheSizeKib ?? 64 * 1024)
  const busyTimeoutMs = Math.trunc(options.busyTimeoutMs ?? 5000)
  const memory = options.path === ':memory:'
  const path = memory ? options.path : resolve(options.path)
  if (!memory) {
    if (options.mustExist && !existsSync(path)) throw new StoreMissingError(`no store at ${options.path} (${path} does not exist)`)
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new StoreUnavailableError(`cannot use the SQLite store at ${path}: it is a folder, not a database file (give the file inside it, e.g. sluice.db)`)
    }
    checkFilePermissions(path)
  }
  let db: Database.Database
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true })
    db = new Database(path, { timeout: busyTimeoutMs, fileMustExist: Boolean(options.mustExist) })
  } catch (error) {
    throw sqliteUnavailable(path, error)
  }
  try {
    if (options.mustExist) checkHoldsTable(db, options.path, options.mustExist.table)
    if (!memory) db.pragma('journal_mode = WAL')
    // Pragma values cannot be bound as parameters; each one here is validated or a number.
    db.pragma(`synchronous = ${synchronous}`)
    db.pragma('foreign_keys = ON')
    db.pragma(`cache_size = -${cacheSizeKib}`)
    db.pragma('temp_store = MEMORY')
  } catch (error) {
    db.close()
    throw error instanceof StoreUnavailableError ? error : sqliteUnavailable(path, error)
  }
  return db
}

/**
 * Refuses, before SQLite touches anything, a database this user may not read and write: the
 * file, its `-wal` and `-shm` companions when present, and the folder they live in (or, for a
 * file still to be created, the nearest folder that exists). As root every check passes, as
 * SQLite's writes would.
 */
function checkFilePermissions(path: string): void {
  const folder = dirname(path)
  if (existsSync(path)) {
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (file !== path && !existsSync(file)) continue
      const which = file === path ? 'the file' : `its companion file ${basename(file)}`
      const readable = allowed(file, constants.R_OK)
      if (readable !== true) throw permissionDenied(path, `${which} is not readable for this user (${readable}): Sluice needs read and write permission on it`)
      const writable = allowed(file, constants.W_OK)
      if (writable !== true) {
        throw permissionDenied(path, `${which} is read-only for this user (${writable}): Sluice needs write permission on it, even to read (SQLite's WAL mode writes to it)`)
      }
    }
    const folderWritable = allowed(folder, constants.W_OK | constants.X_OK)
    if (folderWritable !== true) {
      throw permissionDenied(path, `its folder ${folder} is not writable for this user (${folderWritable}): SQLite creates ${basename(path)}-wal and ${basename(path)}-shm there, even to read`)
    }
    return
  }
  let existing = folder
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing)
  const creatable = allowed(existing, constants.W_OK | constants.X_OK)
  if (creatable !== true) throw permissionDenied(path, `the folder ${existing} is not writable for this user (${creatable}), so the store cannot be created there`)
}

/** True, or why not: `permission denied`, `read-only file system`… */
function allowed(file: string, mode: number): true | string {
  try {
    accessSync(file, mode)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (error as Error).message
  }
}

function permissionDenied(path: string, reason: string): StoreUnavailableError {
  return new StoreUnavailableError(`cannot use the SQLite store at ${path}: ${reason}`)
}

/** Refuses a file that is not a SQLite database, or one without `table`, reading only. */
function checkHoldsTable(db: Database.Database, given: string, table: string): void {
  let found: unknown
  try {
    found = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'SQLITE_NOTADB') throw new StoreUnavailableError(`${given} is not a Sluice store: it is not a SQLite database (check the path)`)
    throw error
  }
  if (!found) throw new StoreMissingError(`${given} is not a Sluice store: it is a SQLite database without Sluice's tables`)
}

/** The error to show a user when the SQLite file cannot be opened or used. */
export function sqliteUnavailable(path: string, error: unknown): StoreUnavailableError {
  const reason = error instanceof Error ? error.message : String(error)
  return new StoreUnavailableError(`cannot open the SQLite store at ${path}: ${reason}`)
}

// Primary result codes a user can act on; extended codes (SQLITE_BUSY_SNAPSHOT…) share the prefix.
const USER_ACTIONABLE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_READONLY', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_CORRUPT']

const HINTS: Record<string, string> = {
  SQLITE_BUSY: ' (another process holds its write lock; retry when it is done)',
  SQLITE_LOCKED: ' (another process holds its write lock; retry when it is done)',
  SQLITE_READONLY: ' (the file or its folder is read-only for this user: Sluice needs write permission on both)',
  SQLITE_CANTOPEN: ' (check that the file and its folder exist and that this user may read and write them)',
}

/** Maps driver errors a user must act on (lock held elsewhere, disk full, read-only file) to StoreUnavailableError; others pass through. */
export function mapSqliteError(path: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (!(error instanceof Error) || typeof code !== 'string') return error
  const family = USER_ACTIONABLE_CODES.find((primary) => code === primary || code.startsWith(`${primary}_`))
  if (!family) return error
  const hint = HINTS[family] ?? ''
  return new StoreUnavailableError(`the SQLite store at ${path} cannot be used: ${error.message}${hint}`)
}
