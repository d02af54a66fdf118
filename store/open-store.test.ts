import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { StoreUnavailableError } from '../engine/errors.ts'
import { createTestSchema, requirePostgres } from '../test/support/postgres.ts'
import { createTempFolder } from '../test/support/sqlite.ts'
import { StoreMissingError } from './common/store-missing.ts'
import { DEFAULT_SQLITE_PATH, openStore, resolveStoreTarget } from './open-store.ts'
import type { SqliteStore } from './sqlite/sqlite-store.ts'

const folder = createTempFolder('sluice-open-store-')
afterAll(() => folder.remove())

describe('resolveStoreTarget', () => {
  const env = { DATABASE_URL: 'postgres://env@db:5432/app' }

  it('prefers databaseUrl, then db, then DATABASE_URL, then the default SQLite file', () => {
    expect(resolveStoreTarget({ databaseUrl: 'postgres://explicit/x', db: 'file.db', env })).toEqual({ dialect: 'postgres', url: 'postgres://explicit/x' })
    expect(resolveStoreTarget({ db: 'file.db', env })).toEqual({ dialect: 'sqlite', path: 'file.db' })
    expect(resolveStoreTarget({ env })).toEqual({ dialect: 'postgres', url: 'postgres://env@db:5432/app' })
    expect(resolveStoreTarget({ env: {} })).toEqual({ dialect: 'sqlite', path: DEFAULT_SQLITE_PATH })
  })

  it('reads a postgres:// or postgresql:// value of db as Postgres', () => {
    expect(resolveStoreTarget({ db: 'postgresql://u@h/d', env: {} })).toEqual({ dialect: 'postgres', url: 'postgresql://u@h/d' })
    expect(resolveStoreTarget({ db: 'POSTGRES://u@h/d', env: {} }).dialect).toBe('postgres')
  })
})

describe('openStore', () => {
  it('creates the SQLite file and its folder, migrated and ready', async () => {
    const path = join(folder.db('nested'), 'deeper', 'sluice.db')
    const store = await openStore({ db: path, env: {} })
    try {
      expect(existsSync(path)).toBe(true)
      expect(await store.upsertCustomers([{ id: 'c-1' }])).toEqual({ inserted: 1, updated: 0 })
    } finally {
      await store.close()
    }
  })

  it('applies the SQLite pragmas: WAL, foreign keys, busy timeout, and the synchronous level asked for', async () => {
    const store = await openStore({ db: folder.db(), sqliteSynchronous: 'FULL', env: {} })
    try {
      const db = (store as SqliteStore).database
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('synchronous', { simple: true })).toBe(2)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    } finally {
      await store.close()
    }
  })

  it('turns an unreachable Postgres into a StoreUnavailableError that says where and what to do', async () => {
    const error = await openStore({ databaseUrl: 'postgres://postgres:secret@127.0.0.1:1/test' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect((error as Error).message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1: .*ECONNREFUSED.* — is it running\? set DATABASE_URL$/)
    expect((error as Error).message).not.toContain('secret')
  })

  it('rejects a Postgres schema name that is not a plain identifier before connecting', async () => {
    const error = await openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test', pgSchema: 'x; DROP SCHEMA public' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect((error as Error).message).toContain("invalid PostgreSQL schema name 'x; DROP SCHEMA public'")
  })

  it("refuses, with ifMissing 'refuse', a Postgres schema without Sluice's tables instead of migrating it", async () => {
    const pgSchema = await createTestSchema('openStore ifMissing refuse')
    const client = await requirePostgres('openStore ifMissing refuse')
    const tables = async () => (await client.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [pgSchema.schema])).rows[0].n as number
    try {
      const error = await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema, ifMissing: 'refuse' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreMissingError)
      const { host, pathname } = new URL(pgSchema.url)
      expect((error as Error).message).toBe(`no store in PostgreSQL database ${pathname.slice(1)} on ${host}, schema ${pgSchema.schema}: it has no Sluice tables`)
      expect(await tables()).toBe(0)

      await (await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema })).close()
      const store = await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema, ifMissing: 'refuse' })
      expect(await store.countCustomers()).toBe(0)
      await store.close()
    } finally {
      await client.end()
      await pgSchema.drop()
    }
  })
})
