/**
 * The SQL fragments in which SQLite and Postgres differ for the store's own statements: list
 * parameters, typed NULL-able parameters, JSON as text, a JSON object parameter read by key,
 * index hints, "no limit". Segment SQL has its own, larger dialect (store/segment/sql-dialect.ts,
 * `SegmentDialect`); a dialect folder exports both (store/dialects/{sqlite,pg}/dialect.ts).
 */
import type { Dialect } from '../../engine/ports/store.ts'
import type { SqlColumn } from './driver.ts'

export type SqlType = 'int' | 'bigint' | 'text'

export interface StoreDialect {
  readonly name: Dialect
  /** `expr IN (…)` against one list parameter (bind `driver.list(values)` in its place). */
  inList(expr: string, type: SqlType): string
  /** A list parameter as a table `alias` with one column `value` (bind `driver.list(values)`). */
  listTable(alias: string, type: SqlType): string
  /** A parameter of a known type, for `? IS NULL OR …` filters Postgres cannot type from context. */
  param(type: SqlType | 'bool' | 'text[]'): string
  /** A JSON column as JSON text in a result row. */
  jsonText(expr: string): string
  /** The text value of key `key` (an SQL expression) in a JSON object parameter, NULL when absent. */
  jsonObjectParamValue(key: string): string
  /** `INDEXED BY index` where the planner needs the hint (SQLite), nothing elsewhere. */
  indexedBy(index: string): string
  /** The LIMIT value that means no limit (SQLite -1, Postgres NULL). */
  readonly noLimit: number | null
  /**
   * Rows bound as one parameter (`driver.rowsParams`) as a table `alias` with `columns`: a
   * `json` column reads as JSON (NULL for a JSON null), a `bool` one as a boolean (SQLite 1/0).
   */
  rowsTable(alias: string, columns: readonly SqlColumn[]): string
  /**
   * `target` (a stored JSON object) with `patch` (JSON) merged in, keys set to null in the patch
   * removed: SQLite's RFC 7396 `jsonb_patch`, Postgres `||` then stripping nulls (stored
   * attributes never hold a JSON null, so the two agree on flat objects).
   */
  jsonMergePatch(target: string, patch: string): string
  /**
   * True when the stored JSON `stored` and the JSON `given` are different values: key order does
   * not matter, array order does, 1 equals 1.0 (Postgres' jsonb equality; SQLite compares the
   * JSONB bytes first, then the (path, type, value) nodes of both trees).
   */
  jsonDiffers(stored: string, given: string): string
}
