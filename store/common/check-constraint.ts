import { sql, type SQL } from 'drizzle-orm'

const SAFE_LITERAL = /^[a-z_]+$/

/**
 * `column IN ('a', 'b')` for a CHECK constraint. Only for the port's own constant lists: the
 * values are inlined into DDL, so each one is checked against a strict pattern first.
 */
export function oneOf(column: string, values: readonly string[]): SQL {
  for (const value of [column, ...values]) {
    if (!SAFE_LITERAL.test(value)) throw new Error(`not a safe identifier or literal for a CHECK constraint: ${value}`)
  }
  return sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`)
}
