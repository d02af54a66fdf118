/**
 * Looks through every table of a store, whatever its schema, for traces of one customer: the
 * erasure tests ask "is any of this person's data left anywhere?" without naming the tables,
 * so a table added later is searched too.
 *
 * SQLite: every table in sqlite_master, every column of every row as text (JSONB blobs keep
 * strings and numbers as text inside, so their bytes are searched as UTF-8). Postgres: every
 * table of the store's schema, each row as its text form (`t::text`, jsonb included).
 */
import type { PgStore } from '../../store/pg/pg-store.ts'
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { unpackKeys } from '../../engine/journal/packed-keys.ts'

/** `table: text` for every row (SQLite: every cell) holding one of the needles. */
export async function findInTables(store: StorePort, needles: readonly string[]): Promise<string[]> {
  const hits: string[] = []
  const look = (table: string, text: string) => {
    for (const needle of needles) if (text.includes(needle)) hits.push(`${table}: ${needle} in ${text.slice(0, 200)}`)
  }
  if (store.dialect === 'sqlite') {
    const db = (store as SqliteStore).database
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null) continue
          look(`${name}.${column}`, Buffer.isBuffer(value) ? value.toString('utf8') : String(value))
        }
      }
    }
    return hits
  }
  const db = (store as PgStore).connection
  const tables = await db.query<{ name: string }>('SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema()')
  for (const { name } of tables.rows) {
    for (const { row } of (await db.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`)).rows) look(name, row)
  }
  return hits
}

/** Rows naming store key `key`: a `customer_key`/`key`-of-customers column equal to it, or a journal row whose packed keys hold it. */
export async function rowsNamingKey(store: StorePort, key: number): Promise<string[]> {
  const found: string[] = []
  const columns = store.dialect === 'sqlite'
    ? ((store as SqliteStore).database.prepare(
      "SELECT m.name AS tbl, p.name AS col FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'customer_key'",
    ).all() as { tbl: string; col: string }[])
    : (await (store as PgStore).connection.query<{ tbl: string; col: string }>(
      "SELECT table_name AS tbl, column_name AS col FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'customer_key'",
    )).rows
  // Statements here hold at most one `?`.
  const all = async (text: string, params: unknown[]): Promise<Record<string, unknown>[]> =>
    store.dialect === 'sqlite'
      ? ((store as SqliteStore).database.prepare(text).all(...params) as Record<string, unknown>[])
      : (await (store as PgStore).connection.query(text.replace('?', '$1'), params)).rows
  for (const { tbl } of [...columns, { tbl: 'customers', col: 'key' }]) {
    const column = tbl === 'customers' ? 'key' : 'customer_key'
    const [row] = await all(`SELECT count(*) AS n FROM ${tbl} WHERE ${column} = ?`, [key])
    if (Number(row?.n) > 0) found.push(`${tbl}: ${String(row?.n)} rows`)
  }
  for (const row of await all('SELECT id, keys FROM journal WHERE keys IS NOT NULL', [])) {
    if (unpackKeys(String(row.keys)).includes(key)) found.push(`journal ${String(row.id)}: packed keys`)
  }
  return found
}
