/**
 * The store driver (store/core/driver.ts) on one better-sqlite3 connection. Statements run
 * synchronously (the promises resolve at once); the customer store's transaction gate, not the
 * driver, keeps other callers out while a call runs. Every text is prepared once per connection;
 * bulk inserts are multi-row `VALUES` statements (multi-row-insert.ts), 64 rows per `run`.
 */
import type Database from 'better-sqlite3'
import { rowCount, type RowInsert, type RowUpdate, type SqlColumn, type SqlDriver, type SqlRow } from '../../core/driver.ts'
import { MultiRowInsert } from '../../sqlite/multi-row-insert.ts'
import { sqliteDialect } from './dialect.ts'

interface Prepared {
  statements: Map<string, Database.Statement>
  values: Map<string, Database.Statement>
  inserts: Map<string, MultiRowInsert>
}

const preparedByConnection = new WeakMap<Database.Database, Prepared>()

/** The driver on `db`; prepared statements are shared by every driver on the same connection. */
export function sqliteDriver(db: Database.Database): SqlDriver {
  let prepared = preparedByConnection.get(db)
  if (!prepared) preparedByConnection.set(db, (prepared = { statements: new Map(), values: new Map(), inserts: new Map() }))
  const { statements, values, inserts } = prepared
  const statement = (text: string): Database.Statement => {
    let found = statements.get(text)
    if (!found) statements.set(text, (found = db.prepare(text)))
    return found
  }
  const plucked = (text: string): Database.Statement => {
    let found = values.get(text)
    if (!found) values.set(text, (found = db.prepare(text).pluck()))
    return found
  }
  return {
    dialect: sqliteDialect,
    // async: a failing statement rejects the promise, as on Postgres, instead of throwing at the call.
    rows: async <R = SqlRow>(text: string, params: readonly unknown[]) => statement(text).all(bindable(params)) as R[],
    value: async (text, params) => plucked(text).get(bindable(params)) ?? null,
    run: async (text, params) => statement(text).run(bindable(params)).changes,
    list: (list) => JSON.stringify(list),
    insert: async (spec, rows) => multiRowInsert(db, inserts, spec).run(bindBooleans(spec, rows)),
    rowsParams: (columns, rows) => [rowsJson(columns, rows)],
    async updateRows(update, rows) {
      const one = statement(updateText(update))
      const names = update.columns.map((column) => column.name)
      const count = rowCount(update, rows)
      let changed = 0
      for (let row = 0; row < count; row++) {
        const params: Record<string, unknown> = {}
        names.forEach((name, i) => {
          const value = rows[row * names.length + i]
          params[name] = typeof value === 'boolean' ? (value ? 1 : 0) : value
        })
        changed += one.run(params).changes
      }
      return changed
    },
    async reserveKeys(table, key, n) {
      const last = Number(plucked(`SELECT coalesce(max(${key}), 0) FROM ${table}`).get())
      return Array.from({ length: n }, (_, i) => last + 1 + i)
    },
    compiledRows: async (text, bindings) => db.prepare(text).all(bindings) as SqlRow[],
  }
}

const updateTexts = new WeakMap<RowUpdate, string>()

/** `UPDATE table SET … WHERE key = @key`, input values as named parameters. */
function updateText(update: RowUpdate): string {
  let text = updateTexts.get(update)
  if (text === undefined) {
    const set = update.set((column) => `@${column}`, (column) => column, sqliteDialect)
    text = `UPDATE ${update.table} SET ${Object.entries(set).map(([column, expr]) => `${column} = ${expr}`).join(', ')} WHERE ${update.key} = @${update.columns[0]?.name}`
    updateTexts.set(update, text)
  }
  return text
}

/** The prepared multi-row statement of an insert shape, once per connection. */
function multiRowInsert(db: Database.Database, cache: Map<string, MultiRowInsert>, spec: RowInsert): MultiRowInsert {
  const verb = spec.replace ? 'INSERT OR REPLACE INTO' : 'INSERT INTO'
  const head = `${verb} ${spec.table} (${spec.columns.map((column) => column.name).join(', ')})`
  const row = `(${spec.columns.map((column) => (column.type === 'json' ? 'jsonb(?)' : '?')).join(', ')})`
  const key = `${head} ${row} ${spec.tail ?? ''}`
  let insert = cache.get(key)
  if (!insert) cache.set(key, (insert = new MultiRowInsert(db, head, row, spec.tail ?? '')))
  return insert
}

/** better-sqlite3 binds no booleans: SQLite's own true / false are 1 / 0. */
function bindable(params: readonly unknown[]): unknown[] {
  let out: unknown[] | null = null
  for (let i = 0; i < params.length; i++) {
    const value = params[i]
    if (typeof value !== 'boolean') continue
    out ??= params.slice()
    out[i] = value ? 1 : 0
  }
  return out ?? (params as unknown[])
}

function bindBooleans(spec: RowInsert, rows: readonly unknown[]): unknown[] {
  rowCount(spec, rows)
  const flags = spec.columns.flatMap((column, i) => (column.type === 'bool' ? [i] : []))
  if (flags.length === 0) return rows as unknown[]
  const out = rows.slice()
  const width = spec.columns.length
  for (let offset = 0; offset < out.length; offset += width) {
    for (const i of flags) if (typeof out[offset + i] === 'boolean') out[offset + i] = out[offset + i] ? 1 : 0
  }
  return out
}

/** Rows as one JSON array of arrays, JSON columns' text spliced in as it is (dialect.rowsTable reads it). */
function rowsJson(columns: readonly SqlColumn[], values: readonly unknown[]): string {
  const rows = rowCount({ columns }, values)
  const width = columns.length
  const out: string[] = new Array(rows)
  for (let row = 0; row < rows; row++) {
    let array = '['
    for (let i = 0; i < width; i++) {
      const value = values[row * width + i]
      const text = value === null || value === undefined ? 'null' : columns[i]?.type === 'json' ? (value as string) : JSON.stringify(value)
      array += i === 0 ? text : `,${text}`
    }
    out[row] = `${array}]`
  }
  return `[${out.join(',')}]`
}
