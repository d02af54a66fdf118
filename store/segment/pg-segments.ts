/**
 * Segments and static lists on PostgreSQL: async functions over a query function that
 * PgStore supplies (its transaction's client or the pool, with its error mapping), so they
 * join the store's transactions.
 */
import type { ListMembersResult, SegmentPreview, StaticList } from '../../engine/ports/store.ts'
import type { Segment } from '../../engine/segment/schema.ts'
import { parseSegment } from '../../engine/segment/validate-segment.ts'
import { countStatement, MAX_CUSTOMER_KEY_SQL, matchStatement, sampleMode, sampleStatement, type SegmentStatement } from './segment-statements.ts'
import { sampleSize } from './sqlite-segments.ts'
import type { PgQuery } from '../core/sql-params.ts'
import {
  checkListDescription,
  checkListIds,
  checkListName,
  listExists,
  listNotFound,
  listSql,
  toStaticList,
  unknownIds,
  type ListRecord,
} from './static-lists.ts'

/** Runs one statement and returns its rows. */

const SQL = listSql('postgres')

function rows<R extends Record<string, unknown>>(query: PgQuery, statement: SegmentStatement): Promise<R[]> {
  return query<R>(statement.text, statement.params.values)
}

/** Keys matching the segment at `now`, among `keys` or over the whole store. */
export async function pgMatchSegment(query: PgQuery, input: Segment, options: { now: number; keys?: readonly number[] }): Promise<Set<number>> {
  const segment = parseSegment(input)
  if (options.keys !== undefined && options.keys.length === 0) return new Set()
  const result = await rows<{ key: number | string }>(query, matchStatement(segment, 'postgres', options.now, options.keys))
  return new Set(result.map((row) => Number(row.key)))
}

/** Count and the first `sample` ids of the segment at `now` (after `afterKey` when given). */
export async function pgPreviewSegment(query: PgQuery, input: Segment, options: { now: number; sample?: number; afterKey?: number }): Promise<SegmentPreview> {
  const segment = parseSegment(input)
  const limit = sampleSize(options.sample)
  const [counted] = await rows<{ n: number | string }>(query, countStatement(segment, 'postgres', options.now))
  const count = Number(counted?.n ?? 0)
  if (limit === 0 || count === 0) return { count, sample: [] }
  const [range] = await query<{ k: number | string }>(MAX_CUSTOMER_KEY_SQL, [])
  const mode = sampleMode(count, Number(range?.k ?? 0), limit)
  const sample = (await rows<{ id: string }>(query, sampleStatement(segment, 'postgres', options.now, limit, mode, options.afterKey))).map((row) => row.id)
  return { count, sample }
}

/** Creates an empty list; fails when the name is taken. */
export async function pgCreateList(query: PgQuery, list: { name: string; description?: string }, now: number): Promise<StaticList> {
  const name = checkListName(list.name)
  const description = checkListDescription(list.description)
  if ((await count(query, SQL.insertList, [name, description, now])) === 0) throw listExists(name)
  const [row] = await query<Record<string, unknown>>(SQL.oneList, [name])
  return toStaticList(row as unknown as ListRecord)
}

/** Replaces (`replace`) or extends (`append`) a list's members; call inside a transaction. */
export async function pgWriteListMembers(query: PgQuery, mode: 'replace' | 'append', name: string, ids: string[], now: number): Promise<ListMembersResult> {
  checkListName(name)
  const unique = checkListIds(ids)
  const [list] = await query<{ key: number }>(SQL.listKey, [name])
  if (!list) throw listNotFound(name)
  const resolved = await query<{ id: string; key: number | string }>(SQL.resolveCustomers, [unique])
  const keys = new Map(resolved.map((row) => [row.id, Number(row.key)]))
  const memberKeys = [...keys.values()]
  const removed = mode === 'replace' ? await count(query, SQL.removeOthers, [list.key, memberKeys]) : 0
  const added = await count(query, SQL.addMembers, [list.key, memberKeys, now])
  await query(SQL.touchList, [list.key, now])
  const [members] = await query<{ n: number | string }>(SQL.countMembers, [list.key])
  return { list: name, added, removed, members: Number(members?.n ?? 0), unknownIds: unknownIds(unique, keys) }
}

/** Every list with its member count. */
export async function pgListLists(query: PgQuery): Promise<StaticList[]> {
  return (await query<Record<string, unknown>>(SQL.lists, [])).map((row) => toStaticList(row as unknown as ListRecord))
}

/** Rows a write changed, counted in SQL (the query function returns rows, not a row count). */
async function count(query: PgQuery, text: string, params: unknown[]): Promise<number> {
  const [row] = await query<{ n: number | string }>(`WITH changed AS (${text} RETURNING 1) SELECT count(*) AS n FROM changed`, params)
  return Number(row?.n ?? 0)
}
