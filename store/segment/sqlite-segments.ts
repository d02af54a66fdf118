/**
 * Segments and static lists on SQLite: synchronous functions over a better-sqlite3 connection,
 * called by SqliteStore inside its own `run` / `write` (so they join its transactions and its
 * error mapping). The ISO date function the compiled SQL calls is registered on the
 * connection here, once.
 */
import type Database from 'better-sqlite3'
import { UserError } from '../../engine/errors.ts'
import type { ListMembersResult, SegmentPreview, StaticList } from '../../engine/ports/store.ts'
import { isoTimeToEpochMs } from '../../engine/segment/iso-time.ts'
import type { Segment } from '../../engine/segment/schema.ts'
import { parseSegment } from '../../engine/segment/validate-segment.ts'
import { countStatement, MAX_CUSTOMER_KEY_SQL, matchStatement, sampleMode, sampleStatement, type SegmentStatement } from './segment-statements.ts'
import { SQLITE_ISO_MS_FUNCTION } from './sql-dialect.ts'
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

const DEFAULT_SAMPLE = 10
const MAX_SAMPLE = 1000
const SQL = listSql('sqlite')
const prepared = new WeakSet<Database.Database>()

/** Registers the segment SQL functions on a connection (idempotent). */
export function prepareSqliteConnection(db: Database.Database): void {
  if (prepared.has(db)) return
  // Deterministic: SQLite may then evaluate it once per distinct input and use it in indexes.
  db.function(SQLITE_ISO_MS_FUNCTION, { deterministic: true }, (text: unknown) => isoTimeToEpochMs(text))
  prepared.add(db)
}

function all(db: Database.Database, statement: SegmentStatement): unknown[] {
  prepareSqliteConnection(db)
  return db.prepare(statement.text).all(statement.params.bindings())
}

/** Keys matching the segment at `now`, among `keys` or over the whole store. */
export function sqliteMatchSegment(db: Database.Database, input: Segment, options: { now: number; keys?: readonly number[] }): Set<number> {
  const segment = parseSegment(input)
  if (options.keys !== undefined && options.keys.length === 0) return new Set()
  const rows = all(db, matchStatement(segment, 'sqlite', options.now, options.keys)) as { key: number }[]
  return new Set(rows.map((row) => row.key))
}

/** Count and the first `sample` ids of the segment at `now` (after `afterKey` when given). */
export function sqlitePreviewSegment(db: Database.Database, input: Segment, options: { now: number; sample?: number; afterKey?: number }): SegmentPreview {
  const segment = parseSegment(input)
  const limit = sampleSize(options.sample)
  const [counted] = all(db, countStatement(segment, 'sqlite', options.now)) as { n: number }[]
  const count = counted?.n ?? 0
  if (limit === 0 || count === 0) return { count, sample: [] }
  const { k: maxKey } = db.prepare(MAX_CUSTOMER_KEY_SQL).get() as { k: number }
  const mode = sampleMode(count, maxKey, limit)
  const sample = (all(db, sampleStatement(segment, 'sqlite', options.now, limit, mode, options.afterKey)) as { id: string }[]).map((row) => row.id)
  return { count, sample }
}

/** The sample size asked for, checked. */
export function sampleSize(sample: number | undefined): number {
  const limit = sample ?? DEFAULT_SAMPLE
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SAMPLE) throw new UserError('segment.sample', `sample must be a whole number from 0 to ${MAX_SAMPLE}, got ${limit}`)
  return limit
}

/** Creates an empty list; fails when the name is taken. */
export function sqliteCreateList(db: Database.Database, list: { name: string; description?: string }, now: number): StaticList {
  const name = checkListName(list.name)
  const description = checkListDescription(list.description)
  if (db.prepare(SQL.insertList).run(name, description, now, now).changes === 0) throw listExists(name)
  return toStaticList(db.prepare(SQL.oneList).get(name) as ListRecord)
}

/** Replaces (`replace`) or extends (`append`) a list's members; call inside a transaction. */
export function sqliteWriteListMembers(db: Database.Database, mode: 'replace' | 'append', name: string, ids: string[], now: number): ListMembersResult {
  checkListName(name)
  const unique = checkListIds(ids)
  const list = db.prepare(SQL.listKey).get(name) as { key: number } | undefined
  if (!list) throw listNotFound(name)
  const rows = db.prepare(SQL.resolveCustomers).all(JSON.stringify(unique)) as { id: string; key: number }[]
  const keys = new Map(rows.map((row) => [row.id, row.key]))
  const memberKeys = JSON.stringify([...keys.values()])
  const removed = mode === 'replace' ? db.prepare(SQL.removeOthers).run(list.key, memberKeys).changes : 0
  const added = db.prepare(SQL.addMembers).run(list.key, now, memberKeys).changes
  db.prepare(SQL.touchList).run(now, list.key)
  const members = (db.prepare(SQL.countMembers).get(list.key) as { n: number }).n
  return { list: name, added, removed, members, unknownIds: unknownIds(unique, keys) }
}

/** Every list with its member count. */
export function sqliteListLists(db: Database.Database): StaticList[] {
  return (db.prepare(SQL.lists).all() as ListRecord[]).map(toStaticList)
}
