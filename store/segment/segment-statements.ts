/**
 * The statements a segment becomes: a count (preview), the first keys in key order (sample),
 * and the matching keys of a cohort or of the whole store (filter node, audiences). Each is
 * one parameterized statement; the segment's values never enter the SQL text.
 */
import type { Dialect } from '../../engine/ports/store.ts'
import type { Segment } from '../../engine/segment/schema.ts'
import { compileSegment, type EvaluationMode } from './compile-segment.ts'
import { SqlParams } from '../core/sql-params.ts'
import { segmentDialect } from './sql-dialect.ts'

/** SQL text and its bound values. */
export interface SegmentStatement {
  text: string
  params: SqlParams
}

function where(segment: Segment, dialect: Dialect, now: number, mode: EvaluationMode, params: SqlParams): string {
  checkNow(now)
  return compileSegment(segment, params, { dialect: segmentDialect(dialect), now, mode })
}

/** `SELECT count(*) AS n` of the customers matching `segment` at `now`. */
export function countStatement(segment: Segment, dialect: Dialect, now: number): SegmentStatement {
  const params = new SqlParams(dialect)
  const condition = where(segment, dialect, now, 'set', params)
  return { text: `SELECT count(*) AS n FROM customers c WHERE ${condition}`, params }
}

/**
 * The external ids of the first `limit` matching customers in key order (after `afterKey` when
 * given: a page), evaluated in `mode`: `probe` tests customers one by one in key order and stops
 * at the `limit`-th match, `set` gathers every condition's keys first (see {@link sampleMode}).
 */
export function sampleStatement(segment: Segment, dialect: Dialect, now: number, limit: number, mode: EvaluationMode, afterKey?: number): SegmentStatement {
  const params = new SqlParams(dialect)
  if (afterKey !== undefined && !Number.isSafeInteger(afterKey)) throw new Error(`afterKey must be an integer, got ${String(afterKey)}`)
  const after = afterKey === undefined ? '' : `c.key > ${params.add(afterKey, 'int')} AND `
  const condition = where(segment, dialect, now, mode, params)
  const bound = params.add(limit, 'int')
  return { text: `SELECT c.external_id AS id FROM customers c WHERE ${after}${condition} ORDER BY c.key LIMIT ${bound}`, params }
}

/** The highest customer key: a bound on how many customers a scan in key order can test. */
export const MAX_CUSTOMER_KEY_SQL = 'SELECT max(key) AS k FROM customers'

/** Customers a preview's sample may test one by one; beyond that gathering the keys first costs less. */
export const SAMPLE_PROBE_BUDGET = 50_000

/**
 * How a preview finds its sample once the count is known: matches spread over the key range,
 * so the first `limit` of `count` lie within about `limit × maxKey / count` keys. Testing those
 * one by one is cheap (a segment matching 1 % of 1M customers: ~1,000 tests) where the `set`
 * shape would gather every condition's keys over the whole store again, as the count did.
 */
export function sampleMode(count: number, maxKey: number, limit: number): EvaluationMode {
  return count > 0 && (limit * maxKey) / count <= SAMPLE_PROBE_BUDGET ? 'probe' : 'set'
}

/**
 * The keys matching `segment` at `now`: among `keys` (a cohort, passed as one array parameter)
 * or, without keys, over the whole store.
 */
export function matchStatement(segment: Segment, dialect: Dialect, now: number, keys?: readonly number[]): SegmentStatement {
  const params = new SqlParams(dialect)
  if (keys === undefined) {
    const condition = where(segment, dialect, now, 'set', params)
    return { text: `SELECT c.key AS key FROM customers c WHERE ${condition}`, params }
  }
  for (const key of keys) {
    if (!Number.isSafeInteger(key)) throw new Error(`customer keys must be integers, got ${String(key)}`)
  }
  const cohort =
    dialect === 'sqlite'
      ? `c.key IN (SELECT value FROM json_each(${params.add(JSON.stringify(keys))}))`
      : `c.key = ANY(${params.add(keys, 'int[]')})`
  const condition = where(segment, dialect, now, 'probe', params)
  return { text: `SELECT c.key AS key FROM customers c WHERE ${cohort} AND ${condition}`, params }
}

function checkNow(now: number): void {
  if (!Number.isSafeInteger(now)) throw new Error(`the evaluation time must be epoch milliseconds, got ${String(now)}`)
}
