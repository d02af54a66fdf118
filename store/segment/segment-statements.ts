/**
 * The statements a segment becomes: a count (preview), the first keys in key order (sample),
 * and the matching keys of a cohort or of the whole store (filter node, audiences). Each is
 * one parameterized statement; the segment's values never enter the SQL text.
 */
import type { Dialect } from '../../engine/ports/store.ts'
import type { Segment } from '../../engine/segment/schema.ts'
import { compileSegment, type EvaluationMode } from './compile-segment.ts'
import { segmentDialect, SqlParams } from './sql-dialect.ts'

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

/** The external ids of the first `limit` matching customers, in key order. */
export function sampleStatement(segment: Segment, dialect: Dialect, now: number, limit: number): SegmentStatement {
  const params = new SqlParams(dialect)
  const condition = where(segment, dialect, now, 'set', params)
  const bound = params.add(limit, 'int')
  return { text: `SELECT c.external_id AS id FROM customers c WHERE ${condition} ORDER BY c.key LIMIT ${bound}`, params }
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
