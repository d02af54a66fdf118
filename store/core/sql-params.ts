/**
 * Bound parameters of a compiled statement and the pieces every compiler of dialect-specific SQL
 * shares (the segment compiler, RFM scoring, channel facts, goal measurement): numbered
 * placeholders per dialect, SQLite's JSON path of a key, and the query function a compiled
 * Postgres statement runs through. They sit in core so capability folders do not import each
 * other's dialect code.
 */
import type { Dialect } from '../../engine/ports/store.ts'

/** Bound parameters of one statement, with the placeholders that refer to them. */
export class SqlParams {
  readonly values: unknown[] = []

  constructor(readonly dialect: Dialect) {}

  /** Binds `value` and returns its placeholder (`@p3` on SQLite, `$3::cast` on Postgres). */
  add(value: unknown, pgCast?: string): string {
    // better-sqlite3 binds no booleans: SQLite's own true/false are 1/0.
    this.values.push(this.dialect === 'sqlite' && typeof value === 'boolean' ? (value ? 1 : 0) : value)
    const n = this.values.length
    if (this.dialect === 'sqlite') return `@p${n}`
    return pgCast ? `$${n}::${pgCast}` : `$${n}`
  }

  /** The values in the shape the driver binds: an object of named parameters (SQLite) or a positional array (Postgres). */
  bindings(): Record<string, unknown> | unknown[] {
    if (this.dialect === 'postgres') return this.values
    return Object.fromEntries(this.values.map((value, index) => [`p${index + 1}`, value]))
  }
}

/** The SQLite JSON path of one object key, with `"` and `\` escaped (SQLite ≥ 3.45 path syntax). */
export function sqliteJsonPath(key: string): string {
  return `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** Runs one compiled Postgres statement (its own `$n` placeholders) and returns its rows. */
export type PgQuery = <R extends Record<string, unknown>>(text: string, params: unknown[]) => Promise<R[]>
