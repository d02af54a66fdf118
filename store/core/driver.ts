/**
 * What a store capability needs from a database, so each capability (store/runs,
 * store/positions, store/journal, store/outbox, …) is written once: statements use `?`
 * placeholders and the few fragments that differ come from the dialect object (dialect.ts).
 * Each dialect's driver (store/dialects/{sqlite,pg}/driver.ts) runs them its own fast way:
 * SQLite prepares every text once per connection and runs multi-row `VALUES` statements in
 * process; Postgres numbers the placeholders and sends a bulk insert as one JSON parameter
 * unpacked with `json(b)_to_recordset`, one round trip per 5,000 rows.
 *
 * Transactions are not the driver's: the customer store owns them (BEGIN IMMEDIATE on SQLite's
 * one connection, a pooled client on Postgres, joined through AsyncLocalStorage), and a driver
 * runs its statements in whatever transaction is current. `EngineDb.use` (engine-db.ts) adds
 * the one rule SQLite needs on top: outside a transaction a call takes a short one of its own.
 */
import type { StoreDialect } from './dialect.ts'

/** A column of a bulk statement and how its value travels. */
export interface SqlColumn {
  name: string
  /** `json`: the value is JSON text. `bool`: a JS boolean (SQLite stores 1 / 0). */
  type: 'int' | 'bigint' | 'float' | 'text' | 'bool' | 'json'
}

/**
 * A multi-row INSERT: `INSERT INTO table (columns) <rows> <tail>`. With `replace`, a row whose
 * key (`replace` columns) exists replaces it whole: SQLite's `INSERT OR REPLACE`, Postgres'
 * `ON CONFLICT (key) DO UPDATE SET` every other column.
 */
export interface RowInsert {
  table: string
  columns: readonly SqlColumn[]
  /** What follows the rows (`ON CONFLICT … DO NOTHING`): the same text on both dialects. */
  tail?: string
  /** The conflict key of a whole-row replace (then no tail). */
  replace?: readonly string[]
  /**
   * The rows carry the table's generated key, reserved with `driver.reserveKeys` (Postgres'
   * identity column then needs `OVERRIDING SYSTEM VALUE`; SQLite takes a given rowid as it is).
   */
  givenKeys?: boolean
}

/** An update of stored rows by key from input rows (`driver.updateRows`). */
export interface RowUpdate {
  table: string
  /** The table's key column; the first of `columns` holds its value. */
  key: string
  columns: readonly SqlColumn[]
  /**
   * The SET assignments (column → expression) written with `input(column)` for a value of the
   * input row and `stored(column)` for the stored one (SQLite binds inputs by name, so one may
   * appear several times; Postgres reads them from the rows table).
   */
  set(input: (column: string) => string, stored: (column: string) => string, dialect: StoreDialect): Record<string, string>
}

/** Rows of a statement, as the database returns them (Postgres: bigint and count columns as strings). */
export type SqlRow = Record<string, unknown>

/** Statements on the current transaction (or none), written with `?` placeholders. */
export interface SqlDriver {
  readonly dialect: StoreDialect
  /** Rows of a query. */
  rows<R = SqlRow>(text: string, params: readonly unknown[]): Promise<R[]>
  /** The first column of the first row, or null when there is no row. */
  value(text: string, params: readonly unknown[]): Promise<unknown>
  /** Runs a write; the number of rows it changed. */
  run(text: string, params: readonly unknown[]): Promise<number>
  /** A list bound as one parameter, as `dialect.inList` and `dialect.listTable` expect it. */
  list(values: readonly (string | number)[]): unknown
  /** Inserts the rows held in `values` (`columns.length` values a row), in order; rows inserted or updated. */
  insert(insert: RowInsert, values: readonly unknown[]): Promise<number>
  /**
   * The rows held in `values` (`columns.length` values a row; `json` columns as JSON text) as the
   * parameters of `dialect.rowsTable(alias, columns)`: one per statement to run, since Postgres
   * sends at most 5,000 rows a statement (SQLite: all in one). A statement that reads a rows
   * table (UPDATE … FROM, DELETE … IN, a join) is run once per parameter.
   */
  rowsParams(columns: readonly SqlColumn[], values: readonly unknown[]): unknown[]
  /**
   * Updates the stored rows that the rows held in `values` name by key (the first of `columns`),
   * with `update.set`: Postgres one `UPDATE … FROM` a rows table per 5,000 rows, SQLite one
   * prepared `UPDATE … WHERE key = …` per row (in process that beats unpacking JSON text per
   * column, and UPDATE … FROM costs SQLite twice a plain update per row). The rows changed.
   */
  updateRows(update: RowUpdate, values: readonly unknown[]): Promise<number>
  /**
   * `n` fresh values of `table`'s generated key `key`, ascending, for rows inserted with
   * `RowInsert.givenKeys`: SQLite the next rowids (largest + 1 …, what it would assign itself;
   * valid inside the write transaction, SQLite having one writer), Postgres the identity's sequence.
   */
  reserveKeys(table: string, key: string, n: number): Promise<number[]>
  /**
   * Rows of a statement compiled for this dialect with its own placeholders and bindings
   * (store/segment/sql-dialect.ts `SqlParams`: named `@p1` on SQLite, `$1` on Postgres).
   */
  compiledRows(text: string, bindings: Record<string, unknown> | unknown[]): Promise<SqlRow[]>
}

/** The number of rows in a flat array of `columns.length` values a row. */
export function rowCount(spec: { columns: readonly SqlColumn[] }, values: readonly unknown[]): number {
  const width = spec.columns.length
  if (values.length % width !== 0) {
    throw new Error(`expected a multiple of ${width} values for ${spec.columns.map((c) => c.name).join(', ')}, got ${values.length}`)
  }
  return values.length / width
}
