/**
 * Channel facts on both dialects: SQLite runs the statements synchronously on its connection
 * (inside the store's own run, so it joins open transactions), Postgres on the store's client.
 */
import type Database from 'better-sqlite3'
import type { ChannelFacts, ChannelFactsQuery } from '../../engine/ports/channel-facts.ts'
import type { PgQuery } from '../core/sql-params.ts'
import { assembleChannelFacts, channelFactsStatements, type FactsRows, type FactsStatement, type FactsStatements } from './channel-facts-sql.ts'

const EMPTY: ChannelFacts = { customers: new Map(), pooled: {}, used: {} }

/** Statements whose answer does not depend on the cohort: kept in a caller's memo when one is given. */
const COHORT_FREE = new Set<keyof FactsStatements>(['pooledContacts', 'pooledResponses', 'pooledConversions', 'segmentContacts', 'segmentResponses', 'segmentConversions'])

/** The memo key of a cohort-free statement: its text and parameters. */
function memoKey(statement: FactsStatement): string {
  return JSON.stringify([statement.text, statement.params])
}

/** Channel facts of the cohort `keys` on a SQLite connection (cohort-free answers from `memo` when there). */
export function sqliteChannelFacts(db: Database.Database, keys: readonly number[], query: ChannelFactsQuery, memo?: Map<string, unknown>): ChannelFacts {
  if (keys.length === 0) return { ...EMPTY, customers: new Map() }
  const statements = channelFactsStatements('sqlite', keys, query)
  const rows = {} as FactsRows
  for (const name of Object.keys(statements) as (keyof FactsStatements)[]) {
    const statement = statements[name] as FactsStatement
    const key = memo && COHORT_FREE.has(name) ? memoKey(statement) : undefined
    const known = key === undefined ? undefined : (memo?.get(key) as Record<string, unknown>[] | undefined)
    rows[name] = known ?? (db.prepare(statement.text).all(statement.params) as Record<string, unknown>[])
    if (key !== undefined && !known) memo?.set(key, rows[name])
  }
  return assembleChannelFacts(keys, query, rows)
}

/** Channel facts of the cohort `keys` through a Postgres query function. */
export async function pgChannelFacts(run: PgQuery, keys: readonly number[], query: ChannelFactsQuery, memo?: Map<string, unknown>): Promise<ChannelFacts> {
  if (keys.length === 0) return { ...EMPTY, customers: new Map() }
  const statements = channelFactsStatements('postgres', keys, query)
  const rows = {} as FactsRows
  for (const name of Object.keys(statements) as (keyof FactsStatements)[]) {
    const statement = statements[name] as FactsStatement
    const key = memo && COHORT_FREE.has(name) ? memoKey(statement) : undefined
    const known = key === undefined ? undefined : (memo?.get(key) as Record<string, unknown>[] | undefined)
    rows[name] = known ?? (await run(statement.text, statement.params))
    if (key !== undefined && !known) memo?.set(key, rows[name])
  }
  return assembleChannelFacts(keys, query, rows)
}
