/**
 * RFM in two steps, so a cohort taken in many batches ranks the population once: the
 * population's quintile boundaries (one pass over the window's purchases), then, per batch,
 * the cohort's own measures (an index range per customer) scored against them. The scores are
 * exactly those of rfm-statement.ts's one-statement ranking:
 *
 * With the population's values of a measure sorted worst first, a[1..n], a customer's `RANK()`
 * is 1 + (how many are strictly worse), and score ≥ s ⇔ 5 × (rank − 1) ≥ (s − 1) × n ⇔ at least
 * k_s = ⌈(s − 1) × n / 5⌉ values are strictly worse ⇔ the value is strictly better than a[k_s].
 * So the four values a[k_2..k_5] per measure are all a batch needs: score = 1 + how many of them
 * the customer's value is strictly better than (ties stay on the lower score, as with RANK()).
 *
 * The boundaries come from SQL window functions on Postgres, and on SQLite from the buyers'
 * measures sorted in typed arrays: SQLite's three `row_number()` windows over 628k buyers took
 * ~12 s where reading the rows and three Float64Array sorts take ~0.4 s (1M customers, load 5–6).
 */
import type { Dialect } from '../../engine/ports/store.ts'
import type { RfmAnswer, RfmPopulation, RfmQuery, RfmScore } from '../../engine/ports/rfm.ts'
import { SqlParams } from '../core/sql-params.ts'
import { checkRfmQuery, measuresSql, type RfmStatement } from './rfm-measures.ts'

/** Positions (1-based, worst first) of the boundaries of scores 2..5 among `n` values. */
export function boundaryPositions(n: number): number[] {
  return [1, 2, 3, 4].map((s) => Math.ceil((s * n) / 5))
}

/**
 * The population's size and boundary values: rows `(measure, pos, value, n)` for the positions
 * of boundaryPositions(n), worst first (recency: most days first; frequency and monetary:
 * smallest first). No rows when nobody bought in the window.
 */
export function rfmPopulationStatement(query: RfmQuery, dialect: Dialect): RfmStatement {
  checkRfmQuery(query, [])
  const params = new SqlParams(dialect)
  const at = (column: string) => `${column} IN ((n + 4) / 5, (2 * n + 4) / 5, (3 * n + 4) / 5, (4 * n + 4) / 5)`
  const text = `WITH bought AS (${measuresSql(query, dialect, params)}), ranked AS (
      SELECT recency_days, frequency, monetary,
        row_number() OVER (ORDER BY recency_days DESC) AS r_pos,
        row_number() OVER (ORDER BY frequency) AS f_pos,
        row_number() OVER (ORDER BY monetary) AS m_pos,
        count(*) OVER () AS n
      FROM bought
    )
    SELECT 'r' AS measure, r_pos AS pos, recency_days AS value, n FROM ranked WHERE ${at('r_pos')}
    UNION ALL SELECT 'f', f_pos, frequency, n FROM ranked WHERE ${at('f_pos')}
    UNION ALL SELECT 'm', m_pos, monetary, n FROM ranked WHERE ${at('m_pos')}`
  return { text, params }
}

/** Every buyer's measures, rows `(recency_days, frequency, monetary)`, for populationOfMeasures (SQLite). */
export function rfmMeasuresStatement(query: RfmQuery, options: { scanTable: boolean }): RfmStatement {
  checkRfmQuery(query, [])
  const params = new SqlParams('sqlite')
  return { text: `SELECT recency_days, frequency, monetary FROM (${measuresSql(query, 'sqlite', params, options)})`, params }
}

/** The population's boundaries from every buyer's `[recency_days, frequency, monetary]`. */
export function populationOfMeasures(rows: Iterable<readonly [number, number, number]>): RfmPopulation {
  const recency: number[] = []
  const frequency: number[] = []
  const monetary: number[] = []
  for (const row of rows) {
    recency.push(row[0])
    frequency.push(row[1])
    monetary.push(row[2])
  }
  const n = recency.length
  const positions = n === 0 ? [] : boundaryPositions(n)
  // Typed arrays sort numerically, ascending.
  const ascending = (values: number[]) => Float64Array.from(values).sort()
  const r = ascending(recency)
  const f = ascending(frequency)
  const m = ascending(monetary)
  return {
    population: n,
    // Worst first is most days first: position p from that end is index n − p of the ascending order.
    recencyDays: positions.map((p) => r[n - p] as number),
    frequency: positions.map((p) => f[p - 1] as number),
    monetary: positions.map((p) => m[p - 1] as number),
  }
}

/** The cohort's measures, rows `(key, recency_days, frequency, monetary)` in key order; buyers in the window only. */
export function rfmCohortStatement(query: RfmQuery, dialect: Dialect, keys: readonly number[]): RfmStatement {
  checkRfmQuery(query, keys)
  const params = new SqlParams(dialect)
  return { text: `${measuresSql(query, dialect, params, { keys })} ORDER BY 1`, params }
}

/** A population row as both drivers return it (Postgres gives bigint and numeric as text). */
export interface PopulationRow {
  measure: string
  pos: number | string
  value: number | string
  n: number | string
}

/** A cohort row as both drivers return it. */
export interface CohortRow {
  key: number | string
  recency_days: number | string
  frequency: number | string
  monetary: number | string
}

/** The population's boundaries from its rows. */
export function toRfmPopulation(rows: readonly PopulationRow[]): RfmPopulation {
  const size = Number(rows[0]?.n ?? 0)
  const values = { r: new Map<number, number>(), f: new Map<number, number>(), m: new Map<number, number>() }
  for (const row of rows) values[row.measure as 'r' | 'f' | 'm'].set(Number(row.pos), Number(row.value))
  const positions = size === 0 ? [] : boundaryPositions(size)
  const pick = (measure: 'r' | 'f' | 'm') => positions.map((pos) => values[measure].get(pos) as number)
  return { population: size, recencyDays: pick('r'), frequency: pick('f'), monetary: pick('m') }
}

/** 1 + how many boundaries `better(value, boundary)` holds for. */
function scoreOf(value: number, boundaries: readonly number[], better: (value: number, boundary: number) => boolean): number {
  let score = 1
  for (const boundary of boundaries) if (better(value, boundary)) score++
  return score
}

/** The cohort's scores against the population. */
export function scoreCohort(population: RfmPopulation, rows: readonly CohortRow[]): RfmAnswer {
  const scores: RfmScore[] = rows.map((row) => {
    const recencyDays = Number(row.recency_days)
    const frequency = Number(row.frequency)
    const monetary = Number(row.monetary)
    return {
      key: Number(row.key),
      recencyDays,
      frequency,
      monetary,
      r: scoreOf(recencyDays, population.recencyDays, (v, b) => v < b),
      f: scoreOf(frequency, population.frequency, (v, b) => v > b),
      m: scoreOf(monetary, population.monetary, (v, b) => v > b),
    }
  })
  return { population: population.population, scores }
}
