/**
 * RFM scores on each dialect: the statements of rfm-population.ts run on the store's connection
 * (SQLite) or query function (Postgres), so they join the store's open transaction. The
 * population's boundaries may be passed in (computed once for a cohort taken in batches);
 * without them they are computed first.
 */
import type Database from 'better-sqlite3'
import type { RfmAnswer, RfmPopulation, RfmQuery } from '../../engine/ports/rfm.ts'
import type { PgQuery } from '../core/sql-params.ts'
import { checkRfmQuery } from './rfm-measures.ts'
import {
  populationOfMeasures,
  rfmCohortStatement,
  rfmMeasuresStatement,
  rfmPopulationStatement,
  scoreCohort,
  toRfmPopulation,
  type CohortRow,
  type PopulationRow,
} from './rfm-population.ts'

/**
 * The events table is read front to back rather than through `events (type, at)` when at least
 * one event in this many is a purchase of the window. A 4 KiB page holds some 20–30 events, so
 * from about there on nearly every page holds a purchase, and the index's table look-ups read
 * as many pages as a scan, in random order when events were not written in time order. On the
 * 1M-customer bench data (1.7M of 4.9M events are purchases of the window): 13–15 s through
 * the index, 2–5 s scanning (load 5–6).
 */
const SCAN_WHEN_ONE_IN = 16

/** Whether the window's purchases are a large enough share of the events for a table scan to pay. */
export function scanPays(db: Database.Database, query: RfmQuery): boolean {
  // Counting is cheap: the (type, at, customer_key) index covers it (0.2 s for 1.7M purchases).
  const purchases = db.prepare('SELECT count(*) FROM events WHERE type = ? AND at >= ? AND at <= ?').pluck().get(query.event, query.from, query.now) as number
  // The largest key bounds the number of events from above in O(log n).
  const events = db.prepare('SELECT coalesce(max(key), 0) FROM events').pluck().get() as number
  return purchases * SCAN_WHEN_ONE_IN >= events
}

/** The population's quintile boundaries on SQLite: one pass over the window's purchases. */
export function sqliteRfmPopulation(db: Database.Database, query: RfmQuery): RfmPopulation {
  checkRfmQuery(query, []) // before the share is counted with the query's values
  const statement = rfmMeasuresStatement(query, { scanTable: scanPays(db, query) })
  const rows = db.prepare(statement.text).raw().iterate(statement.params.bindings()) as Iterable<[number, number, number]>
  return populationOfMeasures(rows)
}

/** RFM scores of the cohort `keys` on SQLite. */
export function sqliteRfmScores(db: Database.Database, query: RfmQuery, keys: readonly number[], population?: RfmPopulation): RfmAnswer {
  const base = population ?? sqliteRfmPopulation(db, query)
  if (keys.length === 0) return { population: base.population, scores: [] }
  const statement = rfmCohortStatement(query, 'sqlite', keys)
  return scoreCohort(base, db.prepare(statement.text).all(statement.params.bindings()) as CohortRow[])
}

/** The population's quintile boundaries on Postgres, in one query. */
export async function pgRfmPopulation(run: PgQuery, query: RfmQuery): Promise<RfmPopulation> {
  const statement = rfmPopulationStatement(query, 'postgres')
  return toRfmPopulation(await run<PopulationRow & Record<string, unknown>>(statement.text, statement.params.values))
}

/** RFM scores of the cohort `keys` on Postgres. */
export async function pgRfmScores(run: PgQuery, query: RfmQuery, keys: readonly number[], population?: RfmPopulation): Promise<RfmAnswer> {
  const base = population ?? (await pgRfmPopulation(run, query))
  if (keys.length === 0) return { population: base.population, scores: [] }
  const statement = rfmCohortStatement(query, 'postgres', keys)
  return scoreCohort(base, await run<CohortRow & Record<string, unknown>>(statement.text, statement.params.values))
}
