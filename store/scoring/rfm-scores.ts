/**
 * RFM scores on each dialect: the statements of rfm-population.ts run on the store's connection
 * (SQLite) or query function (Postgres), so they join the store's open transaction. The
 * population's boundaries may be passed in (computed once for a cohort taken in batches);
 * without them they are computed first.
 */
import type Database from 'better-sqlite3'
import type { RfmAnswer, RfmPopulation, RfmQuery } from '../../engine/ports/rfm.ts'
import type { PgQuery } from '../segment/pg-segments.ts'
import { rfmCohortStatement, rfmPopulationStatement, scoreCohort, toRfmPopulation, type CohortRow, type PopulationRow } from './rfm-population.ts'

/** The population's quintile boundaries on SQLite, in one query. */
export function sqliteRfmPopulation(db: Database.Database, query: RfmQuery): RfmPopulation {
  const statement = rfmPopulationStatement(query, 'sqlite')
  return toRfmPopulation(db.prepare(statement.text).all(statement.params.bindings()) as PopulationRow[])
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
