/**
 * Channel facts on both dialects: SQLite runs the statements synchronously on its connection
 * (inside the store's own run, so it joins open transactions), Postgres on the store's client.
 */
import type Database from 'better-sqlite3'
import type { ChannelFacts, ChannelFactsQuery } from '../../engine/ports/channel-facts.ts'
import type { PgQuery } from '../segment/pg-segments.ts'
import { assembleChannelFacts, channelFactsStatements, type FactsRows, type FactsStatement, type FactsStatements } from './channel-facts-sql.ts'

const EMPTY: ChannelFacts = { customers: new Map(), pooled: {}, used: {} }

/** Channel facts of the cohort `keys` on a SQLite connection. */
export function sqliteChannelFacts(db: Database.Database, keys: readonly number[], query: ChannelFactsQuery): ChannelFacts {
  if (keys.length === 0) return { ...EMPTY, customers: new Map() }
  const statements = channelFactsStatements('sqlite', keys, query)
  const rows = {} as FactsRows
  for (const name of Object.keys(statements) as (keyof FactsStatements)[]) {
    const statement = statements[name] as FactsStatement
    rows[name] = db.prepare(statement.text).all(statement.params) as Record<string, unknown>[]
  }
  return assembleChannelFacts(keys, query, rows)
}

/** Channel facts of the cohort `keys` through a Postgres query function. */
export async function pgChannelFacts(run: PgQuery, keys: readonly number[], query: ChannelFactsQuery): Promise<ChannelFacts> {
  if (keys.length === 0) return { ...EMPTY, customers: new Map() }
  const statements = channelFactsStatements('postgres', keys, query)
  const rows = {} as FactsRows
  for (const name of Object.keys(statements) as (keyof FactsStatements)[]) {
    const statement = statements[name] as FactsStatement
    rows[name] = await run(statement.text, statement.params)
  }
  return assembleChannelFacts(keys, query, rows)
}
