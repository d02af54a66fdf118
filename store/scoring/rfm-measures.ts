/**
 * The window's purchases per customer as SQL — `key, recency_days, frequency, monetary` — the
 * one definition of the RFM measures that the population pass, the per-batch cohort read and
 * the one-statement RANK() reference (rfm-statement.ts) all build on, on SQLite and Postgres.
 */
import type { Dialect } from '../../engine/ports/store.ts'
import type { RfmQuery } from '../../engine/ports/rfm.ts'
import type { SqlParams } from '../core/sql-params.ts'
import { jsonScalars } from '../core/json-scalars.ts'

const MS_PER_DAY = 86_400_000

/** SQL text and its bound values. */
export interface RfmStatement {
  text: string
  params: SqlParams
}

/** Which purchases to read, and how. */
export interface MeasuresOptions {
  /** Only these customers' purchases (a batch of the cohort); all buyers when absent. */
  keys?: readonly number[]
  /**
   * SQLite: read the events table front to back instead of through the `(type, at)` index
   * (see rfm-scores.ts for when that pays).
   */
  scanTable?: boolean
}

/** Checks the query's values before they are bound (times must be integer epoch ms). */
export function checkRfmQuery(query: RfmQuery, keys: readonly number[]): void {
  if (!Number.isSafeInteger(query.from) || !Number.isSafeInteger(query.now)) {
    throw new Error(`RFM window bounds must be epoch milliseconds, got from=${String(query.from)} now=${String(query.now)}`)
  }
  if (query.from > query.now) throw new Error(`RFM window starts after it ends (from=${query.from}, now=${query.now})`)
  if (typeof query.event !== 'string' || query.event.length === 0) throw new Error('RFM event type must be a non-empty string')
  if (typeof query.amountProperty !== 'string' || query.amountProperty.length === 0) throw new Error('RFM amount property must be a non-empty string')
  for (const key of keys) if (!Number.isSafeInteger(key)) throw new Error(`customer keys must be integers, got ${String(key)}`)
}

/**
 * The measures' SELECT, grouped by customer (so in key order on SQLite): recency in whole days
 * from the last purchase to `now` (purchases on the same day tie), the number of purchases, and
 * the sum of the numeric amounts rounded to 6 decimals (non-numeric or missing amounts count 0).
 */
export function measuresSql(query: RfmQuery, dialect: Dialect, params: SqlParams, options: MeasuresOptions = {}): string {
  const sql = jsonScalars(dialect)
  const type = params.add(query.event, 'text')
  // better-sqlite3 binds JS numbers as REAL: cast, or `(now - last) / day` would not be whole days.
  const integer = (value: number) => (dialect === 'sqlite' ? `CAST(${params.add(value)} AS INTEGER)` : params.add(value, 'bigint'))
  const from = integer(query.from)
  const now = integer(query.now)
  const amount = sql.typed(sql.ref(params, 'e.properties', query.amountProperty), 'number')
  const { keys } = options
  const cohort =
    keys === undefined
      ? ''
      : dialect === 'sqlite'
        ? `e.customer_key IN (SELECT value FROM json_each(${params.add(JSON.stringify(keys))})) AND `
        : `e.customer_key = ANY(${params.add(keys, 'int[]')}) AND `
  const events = options.scanTable && dialect === 'sqlite' ? 'events e NOT INDEXED' : 'events e'
  return `SELECT e.customer_key AS key, (${now} - max(e.at)) / ${MS_PER_DAY} AS recency_days, count(*) AS frequency,
      ${sql.round6(`coalesce(sum(${amount}), 0)`)} AS monetary
    FROM ${events}
    WHERE ${cohort}e.type = ${type} AND e.at >= ${from} AND e.at <= ${now}
    GROUP BY e.customer_key`
}
