import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MultiRowInsert } from './multi-row-insert.ts'

describe('MultiRowInsert', () => {
  let db: Database.Database

  beforeEach(() => {
    db = new Database(':memory:')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL)')
  })
  afterEach(() => db.close())

  const rows = () => db.prepare('SELECT id, name, n FROM t ORDER BY id').raw().all()

  it.each([0, 1, 7, 8, 9, 63, 64, 65, 137])('writes %i rows in input order, every value in its column', (count) => {
    const insert = new MultiRowInsert(db, 'INSERT INTO t (id, name, n)', '(?, ?, ?)')
    const values = Array.from({ length: count }, (_, i) => [i + 1, `name-${i}`, i * 10]).flat()
    expect(insert.run(values)).toBe(count)
    expect(rows()).toEqual(Array.from({ length: count }, (_, i) => [i + 1, `name-${i}`, i * 10]))
  })

  it('applies ON CONFLICT row by row, so a later row of the same statement sees an earlier one', () => {
    const insert = new MultiRowInsert(db, 'INSERT INTO t (id, name, n)', '(?, ?, ?)', 'ON CONFLICT (name) DO UPDATE SET n = excluded.n WHERE excluded.n >= t.n')
    // 70 rows: the 64-row statement holds a conflict inside itself, the 1-row tail one across statements.
    const values: unknown[] = []
    for (let i = 0; i < 68; i++) values.push(i + 1, `name-${i}`, 1)
    values.push(100, 'name-3', 5) // same statement as name-3: updates it
    values.push(101, 'name-4', 0) // older value: kept out by the WHERE
    const changes = insert.run(values)
    expect(changes).toBe(69)
    expect(db.prepare('SELECT n FROM t WHERE name = ?').pluck().get('name-3')).toBe(5)
    expect(db.prepare('SELECT n FROM t WHERE name = ?').pluck().get('name-4')).toBe(1)
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(68)
  })

  it('counts only inserted rows under DO NOTHING', () => {
    const insert = new MultiRowInsert(db, 'INSERT INTO t (id, name, n)', '(?, ?, ?)', 'ON CONFLICT DO NOTHING')
    expect(insert.run([1, 'a', 1, 2, 'b', 2, 3, 'a', 3])).toBe(2)
    expect(rows()).toEqual([[1, 'a', 1], [2, 'b', 2]])
  })

  it('applies SQL functions in the row template to every row', () => {
    db.exec('CREATE TABLE j (doc BLOB NOT NULL)')
    const insert = new MultiRowInsert(db, 'INSERT INTO j (doc)', '(jsonb(?))')
    insert.run(Array.from({ length: 10 }, (_, i) => JSON.stringify({ i })))
    expect(db.prepare('SELECT json(doc) FROM j ORDER BY rowid').pluck().all()).toEqual(Array.from({ length: 10 }, (_, i) => `{"i":${i}}`))
  })

  it('refuses values that do not fill whole rows', () => {
    const insert = new MultiRowInsert(db, 'INSERT INTO t (id, name, n)', '(?, ?, ?)')
    expect(() => insert.run([1, 'a'])).toThrow(/multiple of 3 values, got 2/)
    expect(rows()).toEqual([])
  })
})
