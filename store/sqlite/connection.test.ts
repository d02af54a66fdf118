import { afterAll, describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../../engine/errors.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
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
  })
})
