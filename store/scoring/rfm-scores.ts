/**
 * RFM scores on each dialect: the statement of rfm-statement.ts run on the store's connection
 * (SQLite) or query function (Postgres), so it joins the store's open transaction.
 */
import type Database from 'better-sqlite3'
import type { RfmAnswer, RfmQuery } from '../../engine/ports/rfm.ts'
import type { PgQuery } from '../segment/pg-segments.ts'
import { rfmStatement, toRfmAnswer, type RfmRow } from './rfm-statement.ts'

/** RFM scores of the cohort `keys` on SQLite, in one query. */
export function sqliteRfmScores(db: Database.Database, query: RfmQuery, keys: readonly number[]): RfmAnswer {
  const statement = rfmStatement(query, 'sqlite', keys)
  return toRfmAnswer(db.prepare(statement.text).all(statement.params.bindings()) as RfmRow[])
}

/** RFM scores of the cohort `keys` on Postgres, in one query. */
export async function pgRfmScores(run: PgQuery, query: RfmQuery, keys: readonly number[]): Promise<RfmAnswer> {
  const statement = rfmStatement(query, 'postgres', keys)
  return toRfmAnswer(await run<RfmRow & Record<string, unknown>>(statement.text, statement.params.values))
}
