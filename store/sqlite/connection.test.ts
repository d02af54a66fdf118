import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../../engine/errors.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { openStore } from '../open-store.ts'
import { mapSqliteError, openSqliteDatabase } from './connection.ts'
import { SqliteStore } from './sqlite-store.ts'

const folder = createTempFolder('sluice-sqlite-connection-')
afterAll(() => folder.remove())

describe('SQLite connection', () => {
  it('reports a write lock held by another connection as StoreUnavailableError, not a driver error', async () => {
    const path = folder.db()
    const holder = SqliteStore.open({ path })
    await holder.migrate()
    const waiter = SqliteStore.open({ path, busyTimeoutMs: 0 })
    const lock = openSqliteDatabase({ path })
    try {
      lock.exec('BEGIN IMMEDIATE')
      const error = await waiter.upsertCustomers([{ id: 'c-1' }]).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreUnavailableError)
      expect((error as Error).message).toMatch(/cannot be used: database is locked \(another process holds its write lock/)
    } finally {
      lock.exec('ROLLBACK')
      lock.close()
      await waiter.close()
      await holder.close()
    }
  })

  it('rejects an unknown synchronous level', () => {
    expect(() => openSqliteDatabase({ path: ':memory:', synchronous: 'SOMETIMES' as never })).toThrow(StoreUnavailableError)
  })

  it('passes errors that are not about the database file through unchanged', () => {
    const constraint = Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })
    expect(mapSqliteError('x.db', constraint)).toBe(constraint)
    const readonly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY_DBMOVED' })
    expect(mapSqliteError('x.db', readonly)).toBeInstanceOf(StoreUnavailableError)
    expect((mapSqliteError('x.db', readonly) as Error).message).toBe(
      'the SQLite store at x.db cannot be used: attempt to write a readonly database (the file or its folder is read-only for this user: Sluice needs write permission on both)',
    )
  })

  it('turns SQLITE_READONLY from a write on a read-only connection into a StoreUnavailableError naming the file', async () => {
    const path = folder.db('readonly')
    await (await openStore({ db: path })).close()
    // A connection opened read-only fails its writes with SQLITE_READONLY, whoever the user is.
    const readonly = new Database(path, { readonly: true })
    try {
      let error: unknown
      try {
        readonly.prepare('DELETE FROM attributes').run()
      } catch (caught) {
        error = caught
      }
      expect((error as { code?: string }).code).toBe('SQLITE_READONLY')
      const mapped = mapSqliteError(path, error)
      expect(mapped).toBeInstanceOf(StoreUnavailableError)
      expect((mapped as Error).message).toContain(`the SQLite store at ${path} cannot be used: attempt to write a readonly database (the file or its folder is read-only`)
    } finally {
      readonly.close()
    }
  })
})
