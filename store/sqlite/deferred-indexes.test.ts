import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventInput } from '../../engine/ports/store.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { BULK_LOAD_ROWS, DeferredIndexes } from './deferred-indexes.ts'
import { SqliteStore } from './sqlite-store.ts'

const folder = createTempFolder('sluice-deferred-indexes-')
afterAll(() => folder.remove())

const T0 = 1_767_225_600_000
const EVENT_INDEXES = ['events_customer_type_at', 'events_type_at']

function events(count: number, prefix = 'e'): EventInput[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, customerId: `c-${i % 10}`, type: i % 2 ? 'login' : 'purchase', at: T0 + i }))
}

describe('deferred indexes of bulk loads (SQLite)', () => {
  let store: SqliteStore

  beforeEach(async () => {
    store = SqliteStore.open({ path: folder.db() })
    await store.migrate()
    await store.upsertCustomers(Array.from({ length: 10 }, (_, i) => ({ id: `c-${i}` })))
  })
  afterEach(() => store.close())

  const indexSql = (name: string) =>
    store.database.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name) as string | undefined
  const eventIndexes = () => EVENT_INDEXES.map(indexSql)

  it('drops the secondary indexes of an empty table during a large load in a transaction and builds them again before commit', async () => {
    const before = eventIndexes()
    expect(before.every((sql) => typeof sql === 'string')).toBe(true)
    await store.transaction(async (tx) => {
      await tx.insertEvents(events(BULK_LOAD_ROWS))
      expect(eventIndexes()).toEqual([undefined, undefined])
      // Reads inside the load stay correct without the indexes.
      expect((await tx.listEvents('c-3', { type: 'login' })).length).toBe(BULK_LOAD_ROWS / 10)
      await tx.insertEvents(events(BULK_LOAD_ROWS, 'f'))
    })
    expect(eventIndexes()).toEqual(before)
    // The builds sorted through temporary files; the connection's own setting (MEMORY) is back.
    expect(store.database.pragma('temp_store', { simple: true })).toBe(2)
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok')
    const plan = store.database.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM events WHERE type = 'login' AND at >= 0").all() as { detail: string }[]
    expect(plan.map((step) => step.detail).join(' ')).toContain('events_type_at')
  })

  it('brings the indexes back when the load rolls back', async () => {
    const before = eventIndexes()
    const failure = new Error('bad row later in the file')
    await expect(
      store.transaction(async (tx) => {
        await tx.insertEvents(events(BULK_LOAD_ROWS))
        throw failure
      }),
    ).rejects.toBe(failure)
    expect(eventIndexes()).toEqual(before)
    expect(store.database.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0)
  })

  it('keeps the indexes for small batches, for tables that hold rows, and outside transactions', async () => {
    await store.transaction(async (tx) => {
      await tx.insertEvents(events(BULK_LOAD_ROWS - 1))
      expect(eventIndexes().every((sql) => typeof sql === 'string')).toBe(true)
      await tx.insertEvents(events(BULK_LOAD_ROWS, 'f'))
      expect(eventIndexes().every((sql) => typeof sql === 'string')).toBe(true)
    })
    const fresh = SqliteStore.open({ path: folder.db() })
    try {
      await fresh.migrate()
      await fresh.upsertCustomers(Array.from({ length: 10 }, (_, i) => ({ id: `c-${i}` })))
      await fresh.insertEvents(events(BULK_LOAD_ROWS))
      const sql = fresh.database.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('events_customer_type_at', 'events_type_at')").pluck().get()
      expect(sql).toBe(2)
    } finally {
      await fresh.close()
    }
  })

  it('does not fail at rebuild when a savepoint rollback already restored an index', () => {
    const db = store.database
    const deferred = new DeferredIndexes(db)
    const before = eventIndexes()
    db.exec('BEGIN')
    db.exec('SAVEPOINT load')
    deferred.beforeBulkWrite('events', BULK_LOAD_ROWS)
    expect(deferred.isDeferred('events_type_at')).toBe(true)
    db.exec('ROLLBACK TO load')
    db.exec('RELEASE load')
    expect(deferred.isDeferred('events_type_at')).toBe(false)
    deferred.rebuild()
    db.exec('COMMIT')
    expect(eventIndexes()).toEqual(before)
  })
})
