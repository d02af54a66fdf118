/**
 * Static lists, dialect-neutral parts: input checks and the SQL of each operation. Members are
 * written set-based (one statement per operation, the ids as one array parameter), inside the
 * store's transaction, so an upload is all or nothing.
 */
import { NotFoundError, UserError, ValidationError } from '../../engine/errors.ts'
import type { Dialect, StaticList } from '../../engine/ports/store.ts'
import { LIST_NAME_PATTERN } from '../../engine/segment/schema.ts'
import { validateIds } from '../common/validate-input.ts'

/** Checks a list name; throws a ValidationError naming the rule. */
export function checkListName(name: unknown): string {
  if (typeof name !== 'string' || !LIST_NAME_PATTERN.test(name)) {
    throw new ValidationError(`invalid list name ${JSON.stringify(name)}`, [
      { code: 'list.name', path: 'name', message: `expected a list name of lower-case letters, digits, "-" or "_" (at most 64, starting with a letter or digit), got ${JSON.stringify(name)}`, severity: 'error' },
    ])
  }
  return name
}

/** Checks a description: optional text of at most 1000 characters. */
export function checkListDescription(description: unknown): string | null {
  if (description === undefined || description === null) return null
  if (typeof description !== 'string' || description.length > 1000) {
    throw new ValidationError('invalid list description', [{ code: 'list.description', path: 'description', message: 'expected text of at most 1000 characters', severity: 'error' }])
  }
  return description
}

/** Checks uploaded ids and removes repeats (first occurrence order). */
export function checkListIds(ids: string[]): string[] {
  validateIds(ids, 'customerIds')
  return [...new Set(ids)]
}

export function listExists(name: string): UserError {
  return new UserError('list.exists', `a list named "${name}" already exists; replace or append its members instead`)
}

export function listNotFound(name: string): NotFoundError {
  return new NotFoundError('static list', name)
}

/** The ids of `ids` that did not resolve to a customer key. */
export function unknownIds(ids: readonly string[], keys: ReadonlyMap<string, number>): string[] {
  return ids.filter((id) => !keys.has(id))
}

/** A row of the lists query, as either driver returns it. */
export interface ListRecord {
  name: string
  description: string | null
  members: number | string
  created_at: number | string
  updated_at: number | string
}

/** Maps a list row (Postgres returns bigints as strings). */
export function toStaticList(row: ListRecord): StaticList {
  return { name: row.name, description: row.description, members: Number(row.members), createdAt: Number(row.created_at), updatedAt: Number(row.updated_at) }
}

/** SQL of the list operations, per dialect (SQLite binds positionally with `?`, Postgres with `$n`). */
export function listSql(dialect: Dialect) {
  const pg = dialect === 'postgres'
  const keysParam = pg ? 'unnest($2::int[])' : 'json_each(?)'
  const keyColumn = pg ? 'k' : 'value'
  return {
    insertList: pg
      ? 'INSERT INTO static_lists (name, description, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (name) DO NOTHING'
      : 'INSERT INTO static_lists (name, description, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
    listKey: pg ? 'SELECT key FROM static_lists WHERE name = $1' : 'SELECT key FROM static_lists WHERE name = ?',
    resolveCustomers: pg
      ? 'SELECT external_id AS id, key FROM customers WHERE external_id = ANY($1::text[])'
      : 'SELECT external_id AS id, key FROM customers WHERE external_id IN (SELECT value FROM json_each(?))',
    // Replace: drop the members that are not in the upload, then add the new ones.
    removeOthers: pg
      ? 'DELETE FROM static_list_members WHERE list_key = $1 AND NOT (customer_key = ANY($2::int[]))'
      : 'DELETE FROM static_list_members WHERE list_key = ? AND customer_key NOT IN (SELECT value FROM json_each(?))',
    addMembers: pg
      ? `INSERT INTO static_list_members (list_key, customer_key, added_at) SELECT $1, ${keyColumn}, $3 FROM ${keysParam} AS u(k) ON CONFLICT DO NOTHING`
      : `INSERT INTO static_list_members (list_key, customer_key, added_at) SELECT ?, ${keyColumn}, ? FROM ${keysParam} WHERE TRUE ON CONFLICT DO NOTHING`,
    touchList: pg ? 'UPDATE static_lists SET updated_at = $2 WHERE key = $1' : 'UPDATE static_lists SET updated_at = ? WHERE key = ?',
    countMembers: pg ? 'SELECT count(*) AS n FROM static_list_members WHERE list_key = $1' : 'SELECT count(*) AS n FROM static_list_members WHERE list_key = ?',
    lists: `SELECT l.name, l.description, l.created_at, l.updated_at,
        (SELECT count(*) FROM static_list_members m WHERE m.list_key = l.key) AS members
      FROM static_lists l ORDER BY l.name`,
    oneList: `SELECT l.name, l.description, l.created_at, l.updated_at,
        (SELECT count(*) FROM static_list_members m WHERE m.list_key = l.key) AS members
      FROM static_lists l WHERE l.name = ${pg ? '$1' : '?'}`,
  }
}
