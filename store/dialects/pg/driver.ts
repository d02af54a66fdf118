/**
 * The store driver (store/core/driver.ts) on node-postgres: `?` placeholders become `$n`
 * (once per text), and a bulk insert is one `INSERT … SELECT FROM json_to_recordset(?)` per
 * 5,000 rows, its rows one JSON parameter (no 65,535-parameter cap, one round trip per chunk).
 */
import type pg from 'pg'
import { rowCount, type RowInsert, type RowUpdate, type SqlColumn, type SqlDriver, type SqlRow } from '../../core/driver.ts'
import { PG_TYPES, pgDialect } from './dialect.ts'

/** Rows per bulk statement: bounds the JSON parameter. */
const CHUNK = 5_000


/** Runs one statement on the current client (the open transaction's, or the pool). */
export type PgQuery = (text: string, params: unknown[]) => Promise<pg.QueryResult<SqlRow>>

const numbered = new Map<string, string>()

/** `?` placeholders as `$1, $2, …` (statement texts hold no `?` inside literals or JSON operators). */
export function numberPlaceholders(text: string): string {
  let out = numbered.get(text)
  if (out === undefined) {
    let n = 0
    out = text.replace(/\?/g, () => `$${++n}`)
    numbered.set(text, out)
  }
  return out
}

export function pgDriver(query: PgQuery): SqlDriver {
  const run = (text: string, params: readonly unknown[]) => query(numberPlaceholders(text), [...params])
  return {
    dialect: pgDialect,
    rows: async <R = SqlRow>(text: string, params: readonly unknown[]) => (await run(text, params)).rows as R[],
    async value(text, params) {
      const { rows, fields } = await run(text, params)
      const first = rows[0]
      return first && fields[0] ? (first[fields[0].name] ?? null) : null
    },
    run: async (text, params) => (await run(text, params)).rowCount ?? 0,
    list: (list) => [...list],
    async insert(spec, values) {
      let changed = 0
      for (const payload of payloads(spec.columns, values)) changed += (await query(insertText(spec), [payload])).rowCount ?? 0
      return changed
    },
    rowsParams: (columns, values) => payloads(columns, values),
    async updateRows(update, values) {
      const text = updateText(update)
      let changed = 0
      for (const payload of payloads(update.columns, values)) changed += (await query(text, [payload])).rowCount ?? 0
      return changed
    },
    async reserveKeys(table, key, n) {
      if (n === 0) return []
      const { rows } = await query(`SELECT nextval(pg_get_serial_sequence('${table}', '${key}')) AS key FROM generate_series(1, $1::int) ORDER BY 1`, [n])
      return rows.map((row) => Number(row.key))
    },
    compiledRows: async (text, bindings) => (await query(text, bindings as unknown[])).rows,
  }
}

const updateTexts = new WeakMap<RowUpdate, string>()

/** `UPDATE table AS t SET … FROM <rows> AS r WHERE t.key = r.<first column>`, the rows one JSON parameter. */
function updateText(update: RowUpdate): string {
  let text = updateTexts.get(update)
  if (text === undefined) {
    const set = update.set((column) => `r.${column}`, (column) => `t.${column}`, pgDialect)
    const rows = pgDialect.rowsTable('r', update.columns).replace('?', '$1')
    text = `UPDATE ${update.table} AS t SET ${Object.entries(set).map(([column, expr]) => `${column} = ${expr}`).join(', ')} FROM ${rows} WHERE t.${update.key} = r.${update.columns[0]?.name}`
    updateTexts.set(update, text)
  }
  return text
}

const insertTexts = new WeakMap<RowInsert, string>()

function insertText(spec: RowInsert): string {
  let text = insertTexts.get(spec)
  if (text !== undefined) return text
  const names = spec.columns.map((column) => column.name)
  // A JSON null travels as SQL NULL through the recordset; the column stores the JSON null itself.
  const selected = spec.columns.map((column) => (column.type === 'json' ? `coalesce(r.${column.name}, 'null'::jsonb)` : `r.${column.name}`))
  const binary = spec.columns.some((column) => column.type === 'json')
  const fields = spec.columns.map((column) => `${column.name} ${PG_TYPES[column.type]}`).join(', ')
  const recordset = binary ? `jsonb_to_recordset($1::jsonb) AS r(${fields})` : `json_to_recordset($1::json) AS r(${fields})`
  let tail = spec.tail ?? ''
  if (spec.replace) {
    const key = new Set(spec.replace)
    const sets = names.filter((name) => !key.has(name)).map((name) => `${name} = excluded.${name}`)
    tail = `ON CONFLICT (${spec.replace.join(', ')}) DO UPDATE SET ${sets.join(', ')}`
  }
  const overriding = spec.givenKeys ? 'OVERRIDING SYSTEM VALUE ' : ''
  text = `INSERT INTO ${spec.table} (${names.join(', ')}) ${overriding}SELECT ${selected.join(', ')} FROM ${recordset} ${tail}`
  insertTexts.set(spec, text)
  return text
}

/** The rows of `values` as JSON arrays of objects, at most CHUNK rows each; JSON columns' text is spliced in as it is. */
function payloads(columns: readonly SqlColumn[], values: readonly unknown[]): string[] {
  const rows = rowCount({ columns }, values)
  const width = columns.length
  const keys = columns.map((column) => `${JSON.stringify(column.name)}:`)
  const out: string[] = []
  for (let start = 0; start < rows; start += CHUNK) {
    const objects: string[] = []
    for (let row = start; row < Math.min(rows, start + CHUNK); row++) {
      let object = '{'
      for (let i = 0; i < width; i++) {
        const value = values[row * width + i]
        const text = value === null || value === undefined ? 'null' : columns[i]?.type === 'json' ? (value as string) : JSON.stringify(value)
        object += `${i === 0 ? '' : ','}${keys[i]}${text}`
      }
      objects.push(`${object}}`)
    }
    out.push(`[${objects.join(',')}]`)
  }
  return out
}
