/**
 * The store driver's contract on both dialects, on a table of its own: what every capability
 * relies on (placeholders, list parameters, booleans, the first value, change counts, bulk
 * inserts in order across chunk sizes, whole-row replace, a shared tail). Postgres is required.
 */
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts'
import { pgDriver } from '../dialects/pg/driver.ts'
import { sqliteDriver } from '../dialects/sqlite/driver.ts'
import type { RowInsert, SqlDriver } from './driver.ts'
import { bool, num } from './values.ts'

const TABLE = `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, flag BOOLEAN NOT NULL, size BIGINT, seen INTEGER NOT NULL DEFAULT 0)`

const ITEMS: RowInsert = { table: 'items', columns: [{ name: 'id', type: 'int' }, { name: 'name', type: 'text' }, { name: 'flag', type: 'bool' }, { name: 'size', type: 'bigint' }] }

interface Harness {
  name: string
  open(): Promise<SqlDriver>
  close(): Promise<void>
}

function sqlite(): Harness {
  let db: Database.Database
  return {
    name: 'sqlite',
    open: async () => {
      db = new Database(':memory:')
      db.exec(TABLE)
      return sqliteDriver(db)
    },
    close: async () => void db.close(),
  }
}

function postgres(): Harness {
  let schema: TestSchema
  let pool: pg.Pool
  return {
    name: 'postgres',
    open: async () => {
      schema = await createTestSchema('the store driver contract')
      pool = new pg.Pool({ connectionString: schema.url, options: `-c search_path=${schema.schema}` })
      await pool.query(TABLE)
      return pgDriver((text, params) => pool.query(text, params))
    },
    close: async () => {
      await pool?.end()
      await schema?.drop()
    },
  }
}

describe.each([sqlite(), postgres()])('store driver: $name', (harness) => {
  let sql: SqlDriver
  beforeAll(async () => {
    sql = await harness.open()
  })
  afterAll(() => harness.close())

  it('inserts rows in order across the multi-row chunk sizes, binds booleans, and reads them back through list parameters', async () => {
    const values: unknown[] = []
    for (let id = 1; id <= 75; id++) values.push(id, `item-${id}`, id % 2 === 0, id === 3 ? null : id * 1_000_000_000)
    expect(await sql.insert(ITEMS, values)).toBe(75)
    const d = sql.dialect
    const rows = await sql.rows(`SELECT id, name, flag, size FROM items WHERE ${d.inList('id', 'int')} ORDER BY id`, [sql.list([3, 4, 75, 99])])
    expect(rows.map((r) => [num(r.id), r.name, bool(r.flag), r.size === null ? null : num(r.size)])).toEqual([
      [3, 'item-3', false, null], [4, 'item-4', true, 4e9], [75, 'item-75', false, 75e9],
    ])
    expect(num(await sql.value(`SELECT count(*) FROM items WHERE flag = ${d.param('bool')}`, [true]))).toBe(37)
    expect(num(await sql.value(`SELECT count(*) FROM ${d.listTable('t', 'text')} WHERE t.value LIKE 'a%'`, [sql.list(['ab', 'ac', 'b'])]))).toBe(2)
    expect(await sql.value('SELECT name FROM items WHERE id = ?', [999])).toBeNull()
  })

  it('replaces whole rows on the key, applies a shared tail, and counts changed rows', async () => {
    expect(await sql.insert({ ...ITEMS, replace: ['id'] }, [1, 'renamed', true, null, 200, 'new', false, 7])).toBe(2)
    expect(await sql.rows('SELECT id, name, size FROM items WHERE id IN (1, 200) ORDER BY id', [])).toEqual([
      { id: 1, name: 'renamed', size: null }, { id: 200, name: 'new', size: sql.dialect.name === 'postgres' ? '7' : 7 },
    ])
    expect(await sql.insert({ ...ITEMS, tail: 'ON CONFLICT (id) DO NOTHING' }, [1, 'ignored', false, null, 201, 'added', false, null])).toBe(1)
    expect(await sql.run(`UPDATE items SET seen = seen + 1 WHERE ${sql.dialect.inList('id', 'int')}`, [sql.list([1, 2, 201])])).toBe(3)
    expect(await sql.run('DELETE FROM items WHERE id = ?', [12345])).toBe(0)
    expect(await sql.rows(`SELECT id FROM items WHERE (${sql.dialect.param('text')} IS NULL OR name = ?) AND id > ? ORDER BY id LIMIT ?`, [null, null, 199, sql.dialect.noLimit]))
      .toEqual([{ id: 200 }, { id: 201 }])
  })

  it('refuses a flat array that is not whole rows, naming the columns', async () => {
    await expect(sql.insert(ITEMS, [1, 'x', true])).rejects.toThrow('expected a multiple of 4 values for id, name, flag, size, got 3')
  })
})
