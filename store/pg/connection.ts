/**
 * Connecting to PostgreSQL for the store: the pool (bound to one schema through search_path),
 * a connection check at open, and turning connection-level failures into StoreUnavailableError
 * with a message that says where and what to do.
 */
import pg from 'pg'
import { StoreUnavailableError } from '../../engine/errors.ts'

/** Schema names the store accepts: they go into search_path and DDL, so only plain identifiers. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export interface PgConnectionOptions {
  /** `postgres://user@host:port/database`. */
  url: string
  /** Schema holding the store's tables (created by migrate). Default `public`. */
  schema?: string
  /** Pool size. Default 10. */
  max?: number
}

/** Validates a schema name; throws a StoreUnavailableError naming the rule when it is not a plain identifier. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreUnavailableError(`invalid PostgreSQL schema name '${schema}': use lower-case letters, digits and _ (not starting with a digit)`)
  }
  return schema
}

/** `host:port` of a URL, for messages (never the password). */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`
  } catch {
    return 'the configured server (DATABASE_URL is not a valid URL)'
  }
}

/** Creates the pool and checks that the server answers; fails with StoreUnavailableError when it does not. */
export async function openPgPool(options: PgConnectionOptions): Promise<pg.Pool> {
  const schema = checkSchemaName(options.schema ?? 'public')
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    // Every connection resolves the store's unqualified table names in its schema.
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 10_000,
  })
  // An idle client losing its server emits 'error' on the pool; unhandled, it would crash the process.
  // The next query then fails and is reported through mapPgError.
  pool.on('error', () => {})
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end().catch(() => {})
    throw pgUnavailable(options.url, error)
  }
  return pool
}

/** The error to show when the server cannot be reached or refuses us. */
export function pgUnavailable(url: string, error: unknown): StoreUnavailableError {
  const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error)
  return new StoreUnavailableError(`cannot reach PostgreSQL at ${describeServer(url)}: ${reason} — is it running? set DATABASE_URL`)
}

// SQLSTATE classes that mean "the database is not usable as configured", not "your data is bad":
// 08 connection, 28 authorisation, 3D invalid database, 53 resources, 57 operator intervention.
const UNAVAILABLE_CLASSES = new Set(['08', '28', '3D', '53', '57'])
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE'])

/** Maps connection-level failures to StoreUnavailableError; other errors pass through unchanged. */
export function mapPgError(url: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string') {
    const message = error instanceof Error ? error.message : ''
    return /Connection terminated|timeout exceeded when trying to connect/i.test(message) ? pgUnavailable(url, error) : error
  }
  return SOCKET_CODES.has(code) || UNAVAILABLE_CLASSES.has(code.slice(0, 2)) ? pgUnavailable(url, error) : error
}
