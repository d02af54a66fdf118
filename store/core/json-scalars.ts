/**
 * Typed scalars read out of a JSON document column, per dialect: what every compiler of
 * dialect-specific SQL reads JSON with (the segment compiler's conditions, RFM's amount
 * property). In core so capability folders share it without importing the segment folder.
 * Keys are bound parameters: Postgres takes the key itself (`doc -> $1`), SQLite a JSON path
 * built from it (`json_extract(doc, @p1)` with `$."name"`), so no user text is SQL text.
 */
import type { Dialect } from '../../engine/ports/store.ts'
import { sqliteJsonPath, type SqlParams } from './sql-params.ts'

/** A JSON scalar inside a document column, e.g. attribute `tenure` of `c.attributes`. */
export interface JsonRef {
  /** SQLite: the document expression and the bound JSON path. */
  sqlite?: { doc: string; path: string }
  /** Postgres: the value as jsonb and as text (`->` and `->>`). */
  pg?: { json: string; text: string }
}

export type ScalarType = 'number' | 'text' | 'boolean'

export interface JsonScalars {
  /** A reference to key `key` of the JSON object in column `doc` (`null`: the document itself is the scalar). */
  ref(params: SqlParams, doc: string, key: string | null): JsonRef
  /** The value when it is of `type`, else NULL (numbers compare as numbers, text as text). */
  typed(ref: JsonRef, type: ScalarType): string
  /** A sum or average rounded to 6 decimals (SQLite sums doubles, Postgres numerics). */
  round6(expr: string): string
}

export const sqliteJsonScalars: JsonScalars = {
  ref(params, doc, key) {
    return { sqlite: { doc, path: key === null ? "'$'" : params.add(sqliteJsonPath(key)) } }
  },
  typed(ref, type) {
    const { doc, path } = need(ref.sqlite)
    // json_extract turns JSON true into 1, so numbers need json_type to tell them from booleans.
    if (type === 'number') return `CASE WHEN json_type(${doc}, ${path}) IN ('integer', 'real') THEN json_extract(${doc}, ${path}) END`
    if (type === 'boolean') return `CASE json_type(${doc}, ${path}) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END`
    // Attributes and properties are scalars, so text from json_extract is a JSON string; the
    // inner SELECT reads the value once (a second JSON lookup costs ~0.25 s per 1M rows).
    return `(SELECT CASE WHEN typeof(x) = 'text' THEN x END FROM (SELECT json_extract(${doc}, ${path}) AS x))`
  },
  round6: (expr) => `round(${expr}, 6)`,
}

export const pgJsonScalars: JsonScalars = {
  ref(params, doc, key) {
    if (key === null) return { pg: { json: doc, text: `(${doc} #>> '{}')` } }
    const name = params.add(key, 'text')
    return { pg: { json: `(${doc} -> ${name})`, text: `(${doc} ->> ${name})` } }
  },
  typed(ref, type) {
    const { json, text } = need(ref.pg)
    if (type === 'number') return `CASE WHEN jsonb_typeof(${json}) = 'number' THEN ${json}::numeric END`
    if (type === 'boolean') return `CASE WHEN jsonb_typeof(${json}) = 'boolean' THEN ${json}::boolean END`
    return `CASE WHEN jsonb_typeof(${json}) = 'string' THEN ${text} END`
  },
  round6: (expr) => `round((${expr})::numeric, 6)`,
}

/** The JSON scalars of a store dialect. */
export function jsonScalars(dialect: Dialect): JsonScalars {
  return dialect === 'sqlite' ? sqliteJsonScalars : pgJsonScalars
}

/** The part of a reference this dialect made; another dialect's is a programming error. */
export function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a JSON reference of another dialect was passed to this dialect')
  return value
}
