/**
 * RFM quintiles as one parameterized statement, the same SQL on SQLite and Postgres except for
 * JSON access and the cohort list (both from store/segment's dialect layer). The population is
 * every customer with a purchase in the window, over the whole store; the window functions rank
 * that population, and only then is the answer narrowed to the cohort, so a customer's score
 * does not depend on who else is in the flow or in the batch.
 *
 * Scores: `1 + 5 × (rank − 1) / n` in integer arithmetic, where `rank` is `RANK()` from worst to
 * best (recency: most days since the last purchase first; frequency and monetary: smallest
 * first). `RANK()` gives tied rows the lowest rank of their group, so ties share the lower score.
 * Recency is counted in whole days so purchases on the same day tie.
 *
 * The store scores through rfm-population.ts (the population ranked once per tick, batches
 * scored against its boundaries); this statement is the definition those scores are tested
 * against (rfm-scores.test.ts).
 */
import type { Dialect } from '../../engine/ports/store.ts'
import type { RfmAnswer, RfmQuery, RfmScore } from '../../engine/ports/rfm.ts'
import { SqlParams } from '../core/sql-params.ts'
import { checkRfmQuery, measuresSql, type RfmStatement } from './rfm-measures.ts'

/** A row as both drivers return it (Postgres gives bigint and numeric as text). */
export interface RfmRow {
  /** NULL on the one row of a cohort without buyers. */
  key: number | string | null
  recency_days: number | string | null
  frequency: number | string | null
  monetary: number | string | null
  r: number | string | null
  f: number | string | null
  m: number | string | null
  n: number | string
}

/**
 * The scores of the cohort's buyers (`keys`), ranked over the whole population, in one
 * statement. It always returns at least one row: the population size `n` comes from a one-row
 * count the cohort's rows are left-joined to, so a cohort without buyers yields one row whose
 * `key` is NULL.
 */
export function rfmStatement(query: RfmQuery, dialect: Dialect, keys: readonly number[]): RfmStatement {
  checkRfmQuery(query, keys)
  const params = new SqlParams(dialect)
  const cohort =
    dialect === 'sqlite'
      ? `r.key IN (SELECT value FROM json_each(${params.add(JSON.stringify(keys))}))`
      : `r.key = ANY(${params.add(keys, 'int[]')})`
  const score = (rank: string) => `1 + 5 * (r.${rank} - 1) / r.n`
  const text = `WITH bought AS (${measuresSql(query, dialect, params)}), ranked AS (
      SELECT key, recency_days, frequency, monetary,
        rank() OVER (ORDER BY recency_days DESC) AS r_rank,
        rank() OVER (ORDER BY frequency) AS f_rank,
        rank() OVER (ORDER BY monetary) AS m_rank,
        count(*) OVER () AS n
      FROM bought
    )
    SELECT r.key AS key, r.recency_days AS recency_days, r.frequency AS frequency, r.monetary AS monetary,
      ${score('r_rank')} AS r, ${score('f_rank')} AS f, ${score('m_rank')} AS m, p.total AS n
    FROM (SELECT count(*) AS total FROM bought) p
    LEFT JOIN ranked r ON ${cohort}
    ORDER BY r.key`
  return { text, params }
}

/** Turns the statement's rows into the port's answer (numbers, whatever the driver returned). */
export function toRfmAnswer(rows: readonly RfmRow[]): RfmAnswer {
  const population = Number(rows[0]?.n ?? 0)
  const scores: RfmScore[] = []
  for (const row of rows) {
    if (row.key === null) continue
    scores.push({
      key: Number(row.key),
      recencyDays: Number(row.recency_days),
      frequency: Number(row.frequency),
      monetary: Number(row.monetary),
      r: Number(row.r),
      f: Number(row.f),
      m: Number(row.m),
    })
  }
  return { population, scores }
}
