/**
 * The SQLite bulk write paths at sizes the contract suite does not reach: full 64-row
 * statements, the insert-only path of a large first load (with its deferred indexes), the merge
 * path over the same customers, and the key reuse between a customer batch and its consents and
 * events inside one transaction.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CustomerInput } from '../../engine/ports/store.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { SqliteStore } from './sqlite-store.ts'

const folder = createTempFolder('sluice-bulk-writes-')
afterAll(() => folder.remove())

const T0 = 1_767_225_600_000
const COUNT = 1_500

function customer(i: number): CustomerInput {
  return {
    id: `c-${String(i).padStart(5, '0')}`,
    attributes: { n: i, tier: i % 3 === 0 ? 'gold' : 'silver', gone: i % 7 === 0 ? null : true },
    timeZone: 'Europe/Paris',
    addresses: { email: `C${i}@Example.com`, ...(i % 2 === 0 ? { phone: `+33 6 00 00 ${String(i).padStart(4, '0')}` } : {}) },
    preferredChannel: i % 4 === 0 ? 'sms' : null,
    tags: i % 5 === 0 ? [{ name: 'score', layer: 'model', value: i / 10, at: T0 }] : [],
  }
}

describe('SQLite bulk writes', () => {
  let store: SqliteStore

  beforeEach(async () => {
    store = SqliteStore.open({ path: folder.db(), now: () => T0 })
    await store.migrate()
  })
  afterEach(() => store.close())

  it('writes a large first load through the insert-only path exactly as given, with the keys SQLite would assign', async () => {
    const rows = Array.from({ length: COUNT }, (_, i) => customer(i + 1))
    const result = await store.transaction((tx) => tx.upsertCustomers(rows))
    expect(result).toEqual({ inserted: COUNT, updated: 0 })
    const all = await store.listCustomers({ limit: COUNT })
    expect(all.map((c) => c.key)).toEqual(Array.from({ length: COUNT }, (_, i) => i + 1))
    const c7 = all[6]!
    expect(c7).toMatchObject({
      id: 'c-00007',
      attributes: { n: 7, tier: 'silver' },
      addresses: { email: 'c7@example.com' },
      preferredChannel: null,
      tags: [],
    })
    // Set to null on a new customer: never stored (c-00007 is a multiple of 7).
    expect(c7.attributes).toEqual({ n: 7, tier: 'silver' })
    expect(all[19]).toMatchObject({ addresses: { email: 'c20@example.com', phone: '+33600000020' }, preferredChannel: 'sms', tags: [{ name: 'score', value: 2 }] })
    // The next key continues after the batch, as SQLite's own assignment would.
    await store.upsertCustomers([{ id: 'late' }])
    expect((await store.getCustomers(['late']))[0]?.key).toBe(COUNT + 1)
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok')
  })

  it('merges a large batch of known and new customers: attributes patched, addresses and tags upserted or removed', async () => {
    await store.transaction((tx) => tx.upsertCustomers(Array.from({ length: COUNT }, (_, i) => customer(i + 1))))
    const second = Array.from({ length: COUNT }, (_, i): CustomerInput => {
      const n = i + 1 + COUNT / 2
      return { id: `c-${String(n).padStart(5, '0')}`, attributes: { tier: 'diamond', n: null }, addresses: { email: null, push: `tok-${n}` }, tags: [{ name: 'score', layer: 'model', value: -1, at: T0 + 1 }] }
    })
    expect(await store.transaction((tx) => tx.upsertCustomers(second))).toEqual({ inserted: COUNT / 2, updated: COUNT / 2 })
    const [known, fresh] = await store.getCustomers(['c-01000', 'c-02000'])
    expect(known).toMatchObject({ attributes: { tier: 'diamond' }, addresses: { phone: '+33600001000', push: 'tok-1000' }, tags: [{ name: 'score', value: -1 }] })
    expect(known?.attributes).not.toHaveProperty('n')
    expect(known?.addresses).not.toHaveProperty('email')
    expect(fresh).toMatchObject({ attributes: { tier: 'diamond' }, addresses: { push: 'tok-2000' }, tags: [{ name: 'score', value: -1 }] })
    expect(fresh?.attributes).not.toHaveProperty('n')
    expect(await store.countCustomers()).toBe(COUNT + COUNT / 2)
  })

  it('reuses the keys of the batch just upserted for its consents and events, and never a stale one', async () => {
    const rows = Array.from({ length: COUNT }, (_, i) => customer(i + 1))
    await store.transaction(async (tx) => {
      await tx.upsertCustomers(rows)
      await tx.setConsents(rows.map((row) => ({ customerId: row.id, channel: 'email', status: 'granted', at: T0 })))
      const events = await tx.insertEvents(rows.map((row, i) => ({ id: `e-${i}`, customerId: row.id, type: 'login', at: T0 + i })))
      expect(events).toEqual({ inserted: COUNT, duplicates: 0, unknownCustomers: [], conflicts: [] })
    })
    const check = store.database.prepare(
      'SELECT count(*) FROM events e JOIN customers c ON c.key = e.customer_key WHERE e.event_id = ? AND c.external_id = ?',
    )
    expect(check.pluck().get('e-41', 'c-00042')).toBe(1)
    expect((await store.getConsents(['c-00042']))[0]).toMatchObject({ customerId: 'c-00042', status: 'granted' })

    // A customer removed behind the port's back inside the transaction: the foreign key refuses
    // the remembered key rather than writing an orphan row, and the whole transaction rolls back.
    const failed = store.transaction(async (tx) => {
      await tx.upsertCustomers([{ id: 'x-1' }])
      store.database.prepare('DELETE FROM customers WHERE external_id = ?').run('x-1')
      await tx.insertEvents([{ id: 'x-e', customerId: 'x-1', type: 'login', at: T0 }])
    })
    await expect(failed).rejects.toThrow(/FOREIGN KEY/)
    expect(await store.getCustomers(['x-1'])).toEqual([])
    expect(store.database.prepare("SELECT count(*) FROM events WHERE event_id = 'x-e'").pluck().get()).toBe(0)
  })
})
