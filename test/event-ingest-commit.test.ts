/**
 * How an event batch commits (docs/decisions.md #16): written on its own, `insertEvents` commits
 * without waiting for the flush to disk — SQLite at `synchronous = NORMAL` even when the engine
 * store has set the connection to FULL, Postgres with `synchronous_commit = off` for that
 * transaction only — and inside a caller's transaction it commits as that transaction does.
 */
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EventInput } from '../engine/ports/store.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import type { PgStore } from '../store/pg/pg-store.ts'
import type { SqliteStore } from '../store/sqlite/sqlite-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { createTempFolder } from './support/sqlite.ts'

const T0 = 1_767_225_600_000

const events = (from: number): EventInput[] =>
  Array.from({ length: 3 }, (_, i) => ({ id: `e-${from + i}`, customerId: 'c-1', type: 'app_open', at: T0 + from + i }))

afterEach(() => {
  vi.restoreAllMocks()
})

describe('event ingest commits on SQLite', () => {
  const folder = createTempFolder('sluice-ingest-commit-')
  afterAll(() => folder.remove())

  async function openWithEngine(): Promise<SqliteStore> {
    const store = (await openStore({ db: folder.db(), now: () => T0 })) as SqliteStore
    openEngineStore(store)
    await store.upsertCustomers([{ id: 'c-1' }])
    return store
  }

  it('commits a batch of its own at NORMAL and gives the connection back at FULL', async () => {
    const store = await openWithEngine()
    try {
      const pragma = vi.spyOn(store.database, 'pragma')
      expect(await store.insertEvents(events(0))).toEqual({ inserted: 3, duplicates: 0, unknownCustomers: [], conflicts: [] })
      expect(pragma.mock.calls.map(([source]) => source)).toEqual(['synchronous', 'synchronous = NORMAL', 'synchronous = 2'])
      expect(store.database.pragma('synchronous', { simple: true })).toBe(2)
      expect(await store.listEvents('c-1')).toHaveLength(3)
    } finally {
      await store.close()
    }
  })

  it('gives the connection back at FULL when the batch fails', async () => {
    const store = await openWithEngine()
    try {
      store.database.exec("CREATE TEMP TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused'); END")
      await expect(store.insertEvents(events(0))).rejects.toThrow('refused')
      expect(store.database.pragma('synchronous', { simple: true })).toBe(2)
      expect(await store.listEvents('c-1')).toEqual([])
    } finally {
      await store.close()
    }
  })

  it('joins a caller’s transaction at that transaction’s level', async () => {
    const store = await openWithEngine()
    try {
      const pragma = vi.spyOn(store.database, 'pragma')
      await store.transaction(async (tx) => {
        await tx.insertEvents(events(0))
      })
      expect(pragma).not.toHaveBeenCalled()
      expect(await store.listEvents('c-1')).toHaveLength(3)
    } finally {
      await store.close()
    }
  })
})

describe('event ingest commits on Postgres', () => {
  let schema: TestSchema | undefined
  let unavailable: unknown
  let store: PgStore

  beforeAll(async () => {
    schema = await createTestSchema('the event ingest commit tests').catch((error: unknown) => {
      unavailable = error
      return undefined
    })
  })
  afterAll(async () => {
    await store?.close()
    await schema?.drop()
  })

  async function open(): Promise<PgStore> {
    if (!schema) throw unavailable
    store ??= (await openStore({ databaseUrl: schema.url, pgSchema: schema.schema, now: () => T0 })) as PgStore
    await store.upsertCustomers([{ id: 'c-1' }])
    return store
  }

  it('commits a batch of its own with synchronous_commit off, for that transaction only', async () => {
    const pgStore = await open()
    const query = vi.spyOn(pg.Client.prototype, 'query')
    expect(await pgStore.insertEvents(events(0))).toEqual({ inserted: 3, duplicates: 0, unknownCustomers: [], conflicts: [] })
    const texts = query.mock.calls.map(([text]) => (typeof text === 'string' ? text.trim() : ''))
    expect(texts.indexOf('SET LOCAL synchronous_commit = off')).toBeGreaterThan(-1)
    expect(texts.indexOf('SET LOCAL synchronous_commit = off')).toBeLessThan(texts.findIndex((text) => text.startsWith('INSERT INTO events')))
    const setting = await pgStore.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')
    expect(setting.rows[0]?.synchronous_commit).toBe('on')
  })

  it('keeps a caller’s transaction synchronous', async () => {
    const pgStore = await open()
    const setting = await pgStore.transaction(async (tx) => {
      await tx.insertEvents(events(10))
      return (await (tx as PgStore).connection.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit
    })
    expect(setting).toBe('on')
    expect(await pgStore.listEvents('c-1')).toHaveLength(6)
  })
})
