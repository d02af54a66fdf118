/**
 * Postgres for tests: connect or fail (never skip), and a throw-away schema per test file so
 * files run in parallel against one database.
 *
 * @example
 *   const pgSchema = await createTestSchema('the importer suite')
 *   const store = await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema })
 *   afterAll(() => pgSchema.drop())
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The server tests use: `DATABASE_URL`, or the local `test` database. */
export const POSTGRES_TEST_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

/**
 * A connected client, or an error that says PostgreSQL is required (a suite that needs
 * Postgres must fail, not pass silently, when the server is missing).
 */
export async function requirePostgres(suite: string, url = POSTGRES_TEST_URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  try {
    await client.connect()
    return client
  } catch (error) {
    await client.end().catch(() => {})
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error)
    throw new Error(`PostgreSQL is required for ${suite} at ${redactUrl(url)}: ${reason}`)
  }
}

export interface TestSchema {
  url: string
  /** `sluice_t_<random>`: pass it as the store's `pgSchema`. */
  schema: string
  /** Empties every table of the schema (between tests), keeping the migrated structure. */
  truncate(): Promise<void>
  /** Drops the schema and everything in it. */
  drop(): Promise<void>
}

/** Creates an empty schema with a random name; `drop()` removes it (call it in afterAll). */
export async function createTestSchema(suite: string, url = POSTGRES_TEST_URL): Promise<TestSchema> {
  const client = await requirePostgres(suite, url)
  // Lower-case hex: a valid identifier, so it can be interpolated into DDL.
  const schema = `sluice_t_${randomBytes(6).toString('hex')}`
  await client.query(`CREATE SCHEMA ${schema}`)
  return {
    url,
    schema,
    async truncate() {
      const tables = await client.query<{ name: string }>(
        "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> '__drizzle_migrations'",
        [schema],
      )
      if (tables.rows.length === 0) return
      await client.query(`TRUNCATE ${tables.rows.map((row) => `${schema}.${row.name}`).join(', ')} RESTART IDENTITY`)
    },
    async drop() {
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await client.end()
      }
    },
  }
}
