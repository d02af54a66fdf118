/**
 * The store contract: one describe block, run against every dialect. SQLite gets a fresh file
 * per test; Postgres one schema per file (emptied between tests), so files run in parallel.
 * Postgres is required: when it cannot be reached this suite fails, saying so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { UserError, ValidationError } from '../engine/errors.ts'
import type { CustomerInput, StorePort } from '../engine/ports/store.ts'
import { openStore } from '../store/open-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { createTempFolder, type TempFolder } from './support/sqlite.ts'

const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
const DAY = 86_400_000

/** A store per test plus a settable clock for created/updated times. */
interface Harness {
  name: string
  setup(): Promise<void>
  open(now: () => number): Promise<StorePort>
  reset(): Promise<void>
  teardown(): Promise<void>
}

function sqliteHarness(): Harness {
  let folder: TempFolder
  return {
    name: 'sqlite',
    async setup() {
      folder = createTempFolder('sluice-contract-')
    },
    open: (now) => openStore({ db: folder.db(), now }),
    async reset() {},
    async teardown() {
      folder.remove()
    },
  }
}

function postgresHarness(): Harness {
  let schema: TestSchema | undefined
  let unavailable: unknown
  return {
    name: 'postgres',
    async setup() {
      // Kept and rethrown by every test, so a missing server fails each Postgres test loudly
      // instead of showing up as skipped tests behind one failed hook.
      schema = await createTestSchema('the store contract suite').catch((error: unknown) => {
        unavailable = error
        return undefined
      })
    },
    open: (now) => {
      if (!schema) throw unavailable
      return openStore({ databaseUrl: schema.url, pgSchema: schema.schema, now })
    },
    reset: async () => schema?.truncate(),
    teardown: async () => schema?.drop(),
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail, but it succeeded')
}

describe.each([sqliteHarness(), postgresHarness()])('store contract: $name', (harness) => {
  let store: StorePort
  let clock = T0
  const now = () => clock

  beforeAll(() => harness.setup())
  afterAll(() => harness.teardown())
  beforeEach(async () => {
    clock = T0
    await harness.reset()
    store = await harness.open(now)
    return () => store.close()
  })

  it('reports its dialect', () => {
    expect(store.dialect).toBe(harness.name)
  })

  describe('migrate', () => {
    it('is idempotent and keeps the data', async () => {
      await store.upsertCustomers([{ id: 'c-1', attributes: { age: 30 } }])
      await store.migrate()
      await store.migrate()
      expect(await store.countCustomers()).toBe(1)
      expect((await store.getCustomers(['c-1']))[0]?.attributes).toEqual({ age: 30 })
    })
  })

  describe('upsertCustomers', () => {
    it('counts inserts and updates, and a re-upsert of the same rows only updates', async () => {
      const rows: CustomerInput[] = [{ id: 'c-1' }, { id: 'c-2' }, { id: 'c-3' }]
      expect(await store.upsertCustomers(rows)).toEqual({ inserted: 3, updated: 0 })
      expect(await store.upsertCustomers(rows)).toEqual({ inserted: 0, updated: 3 })
      expect(await store.upsertCustomers([{ id: 'c-3' }, { id: 'c-4' }])).toEqual({ inserted: 1, updated: 1 })
      expect(await store.countCustomers()).toBe(4)
    })

    it('folds an id repeated inside one batch: first an insert, then updates, later values winning', async () => {
      const result = await store.upsertCustomers([
        { id: 'c-1', attributes: { age: 30, city: 'Lyon' } },
        { id: 'c-1', attributes: { age: 31 } },
      ])
      expect(result).toEqual({ inserted: 1, updated: 1 })
      expect((await store.getCustomers(['c-1']))[0]?.attributes).toEqual({ age: 31, city: 'Lyon' })
    })

    it('merges attributes on update; null clears a key; omitted attributes are left alone', async () => {
      await store.upsertCustomers([{ id: 'c-1', attributes: { age: 30, city: 'Lyon', vip: true, gone: null } }])
      expect((await store.getCustomers(['c-1']))[0]?.attributes).toEqual({ age: 30, city: 'Lyon', vip: true })

      await store.upsertCustomers([{ id: 'c-1', attributes: { city: null, tier: 'gold', age: 31.5 } }])
      expect((await store.getCustomers(['c-1']))[0]?.attributes).toEqual({ age: 31.5, vip: true, tier: 'gold' })

      await store.upsertCustomers([{ id: 'c-1', timeZone: 'Asia/Tokyo' }])
      const [customer] = await store.getCustomers(['c-1'])
      expect(customer?.attributes).toEqual({ age: 31.5, vip: true, tier: 'gold' })
      expect(customer?.timeZone).toBe('Asia/Tokyo')
    })

    it('round-trips addresses, tags, preferred channel, time zone and times', async () => {
      await store.upsertCustomers([
        {
          id: 'c-1',
          timeZone: 'europe/paris',
          addresses: { email: ' Ann.Lee@Example.COM ', phone: '+33 6 12 34 56 78', push: 'tok-AbC' },
          preferredChannel: 'sms',
          tags: [
            { name: 'churn_probability', layer: 'predictive', value: 0.73, at: T0 - DAY, source: 'flow:retain/score-1' },
            { name: 'segment', layer: 'model', value: 'champion', at: T0 },
            { name: 'owns_card', layer: 'raw', value: true, at: T0 },
            { name: 'unknown', layer: 'fact', value: null, at: T0 },
          ],
        },
        { id: 'c-2' },
      ])
      const [first, second] = await store.getCustomers(['c-1', 'c-2'])
      expect(first).toMatchObject({
        id: 'c-1',
        timeZone: 'Europe/Paris',
        addresses: { email: 'ann.lee@example.com', phone: '+33612345678', push: 'tok-AbC' },
        preferredChannel: 'sms',
        createdAt: T0,
        updatedAt: T0,
      })
      expect(first?.tags).toEqual([
        { name: 'churn_probability', layer: 'predictive', value: 0.73, at: T0 - DAY, source: 'flow:retain/score-1' },
        { name: 'owns_card', layer: 'raw', value: true, at: T0 },
        { name: 'segment', layer: 'model', value: 'champion', at: T0 },
        { name: 'unknown', layer: 'fact', value: null, at: T0 },
      ])
      expect(second).toMatchObject({ timeZone: 'UTC', addresses: {}, preferredChannel: null, tags: [], attributes: {} })

      clock = T0 + DAY
      await store.upsertCustomers([
        {
          id: 'c-1',
          addresses: { push: null, email: 'new@example.com' },
          tags: [{ name: 'segment', layer: 'model', value: 'at_risk', at: T0 + DAY }],
        },
      ])
      const [updated] = await store.getCustomers(['c-1'])
      expect(updated?.addresses).toEqual({ email: 'new@example.com', phone: '+33612345678' })
      expect(updated?.preferredChannel).toBe('sms')
      expect(updated?.tags.find((tag) => tag.name === 'segment')?.value).toBe('at_risk')
      expect(updated?.tags).toHaveLength(4)
      expect(updated).toMatchObject({ createdAt: T0, updatedAt: T0 + DAY })

      await store.upsertCustomers([{ id: 'c-1', preferredChannel: null }])
      expect((await store.getCustomers(['c-1']))[0]?.preferredChannel).toBeNull()
    })

    it('rejects a batch with bad rows as a whole, naming every problem, and writes nothing', async () => {
      const error = await rejectionOf(
        store.upsertCustomers([
          { id: 'ok-1' },
          { id: 'bad-1', timeZone: 'Mars/Olympus' },
          { id: 'bad-2', preferredChannel: 'fax' as never, attributes: { score: Number.NaN } },
          { id: '' },
        ]),
      )
      expect(error).toBeInstanceOf(ValidationError)
      const issues = (error as ValidationError).issues.map((issue) => issue.path)
      expect(issues).toEqual(['customers[1].timeZone', 'customers[2].attributes.score', 'customers[2].preferredChannel', 'customers[3].id'])
      expect((error as ValidationError).issues[0]?.message).toContain('IANA time zone')
      expect(await store.countCustomers()).toBe(0)
    })
  })

  describe('reading customers', () => {
    it('returns customers in the order asked, leaving unknown ids out', async () => {
      await store.upsertCustomers([{ id: 'a' }, { id: 'b' }, { id: 'c' }])
      expect((await store.getCustomers(['c', 'nobody', 'a'])).map((c) => c.id)).toEqual(['c', 'a'])
      expect(await store.getCustomers([])).toEqual([])
    })

    it('pages through customers in key order', async () => {
      await store.upsertCustomers(Array.from({ length: 7 }, (_, i) => ({ id: `c-${i}` })))
      const first = await store.listCustomers({ limit: 3 })
      const second = await store.listCustomers({ afterKey: first.at(-1)?.key ?? 0, limit: 3 })
      const third = await store.listCustomers({ afterKey: second.at(-1)?.key ?? 0, limit: 3 })
      expect([...first, ...second, ...third].map((c) => c.id)).toEqual(['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6'])
      expect(third).toHaveLength(1)
      await expect(store.listCustomers({ limit: 0 })).rejects.toBeInstanceOf(ValidationError)
    })
  })

  describe('events', () => {
    it('de-duplicates by event id and reports events of unknown customers', async () => {
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
      const first = await store.insertEvents([
        { id: 'e-1', customerId: 'c-1', type: 'app_login', at: T0 },
        { id: 'e-2', customerId: 'ghost', type: 'app_login', at: T0 },
        { id: 'e-3', customerId: 'c-2', type: 'purchase', at: T0 + 5, properties: { amount: 42.5, items: ['a', 'b'], meta: { channel: 'web' } } },
        { id: 'e-1', customerId: 'c-1', type: 'app_login', at: T0 },
      ])
      expect(first).toEqual({ inserted: 2, duplicates: 1, unknownCustomers: [1], conflicts: [] })
      const again = await store.insertEvents([
        // The same event again, its properties in another key order: a duplicate, not a conflict.
        { id: 'e-3', customerId: 'c-2', type: 'purchase', at: T0 + 5, properties: { meta: { channel: 'web' }, items: ['a', 'b'], amount: 42.5 } },
        { id: 'e-4', customerId: 'c-2', type: 'purchase', at: T0 + 9 },
      ])
      expect(again).toEqual({ inserted: 1, duplicates: 1, unknownCustomers: [], conflicts: [] })

      const events = await store.listEvents('c-2')
      expect(events.map((event) => event.id)).toEqual(['e-3', 'e-4'])
      expect(events[0]).toMatchObject({
        customerId: 'c-2',
        type: 'purchase',
        at: T0 + 5,
        properties: { amount: 42.5, items: ['a', 'b'], meta: { channel: 'web' } },
      })
      expect(events[0]?.customerKey).toBe((await store.getCustomers(['c-2']))[0]?.key)
    })

    it('reports an event id stored with other content as a conflict naming what differs, keeping the stored event', async () => {
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
      const stored = { id: 'e-1', customerId: 'c-1', type: 'purchase', at: T0, properties: { amount: 10, tags: ['a', 'b'], meta: {} } }
      await store.insertEvents([stored, { id: 'e-2', customerId: 'c-1', type: 'login', at: T0 }])
      const result = await store.insertEvents([
        { ...stored, properties: { meta: {}, tags: ['a', 'b'], amount: 10 } },
        { ...stored, customerId: 'c-2', at: T0 + 1 },
        { ...stored, properties: { amount: 10, tags: ['b', 'a'], meta: {} } },
        { ...stored, properties: { amount: '10', tags: ['a', 'b'], meta: {} } },
        { ...stored, properties: { amount: 10, tags: ['a', 'b'], meta: [] } },
        { ...stored, properties: { amount: 10, tags: ['a', 'b'], meta: {}, note: null } },
        { id: 'e-2', customerId: 'c-1', type: 'logout', at: T0 },
        { id: 'e-2', customerId: 'ghost', type: 'login', at: T0 },
        // A new id taken twice in one batch: the first is stored, the second differs from it.
        { id: 'e-3', customerId: 'c-2', type: 'login', at: T0 },
        { id: 'e-3', customerId: 'c-2', type: 'login', at: T0 + 5 },
        { id: 'e-3', customerId: 'c-2', type: 'login', at: T0 },
      ])
      expect(result).toEqual({
        inserted: 1,
        duplicates: 9,
        unknownCustomers: [7],
        conflicts: [
          { index: 1, differs: ['customer', 'at'] },
          { index: 2, differs: ['properties'] },
          { index: 3, differs: ['properties'] },
          { index: 4, differs: ['properties'] },
          { index: 5, differs: ['properties'] },
          { index: 6, differs: ['type'] },
          { index: 9, differs: ['at'] },
        ],
      })
      expect((await store.listEvents('c-1')).map((event) => [event.id, event.type, event.properties])).toEqual([
        ['e-1', 'purchase', { amount: 10, tags: ['a', 'b'], meta: {} }],
        ['e-2', 'login', {}],
      ])
      expect((await store.listEvents('c-2')).map((event) => [event.id, event.at])).toEqual([['e-3', T0]])
    })

    it('lists one customer’s events oldest first, by type and within [from, to)', async () => {
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
      await store.insertEvents([
        { id: 'e-3', customerId: 'c-1', type: 'login', at: T0 + 3 * DAY },
        { id: 'e-1', customerId: 'c-1', type: 'login', at: T0 + DAY },
        { id: 'e-2', customerId: 'c-1', type: 'purchase', at: T0 + 2 * DAY },
        { id: 'e-x', customerId: 'c-2', type: 'login', at: T0 + DAY },
      ])
      expect((await store.listEvents('c-1')).map((e) => e.id)).toEqual(['e-1', 'e-2', 'e-3'])
      expect((await store.listEvents('c-1', { type: 'login' })).map((e) => e.id)).toEqual(['e-1', 'e-3'])
      expect((await store.listEvents('c-1', { from: T0 + DAY, to: T0 + 3 * DAY })).map((e) => e.id)).toEqual(['e-1', 'e-2'])
      expect(await store.listEvents('nobody')).toEqual([])
    })

    it('lists only the newest events with `last`, still oldest first, after the other filters', async () => {
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
      await store.insertEvents([
        { id: 'e-3', customerId: 'c-1', type: 'login', at: T0 + 3 * DAY },
        { id: 'e-1', customerId: 'c-1', type: 'login', at: T0 + DAY },
        { id: 'e-2', customerId: 'c-1', type: 'purchase', at: T0 + 2 * DAY },
        { id: 'e-4', customerId: 'c-1', type: 'login', at: T0 + 3 * DAY },
        { id: 'e-x', customerId: 'c-2', type: 'login', at: T0 + 9 * DAY },
      ])
      expect((await store.listEvents('c-1', { last: 2 })).map((e) => e.id)).toEqual(['e-3', 'e-4'])
      expect((await store.listEvents('c-1', { last: 2, type: 'login', to: T0 + 3 * DAY })).map((e) => e.id)).toEqual(['e-1'])
      expect((await store.listEvents('c-1', { last: 10 })).map((e) => e.id)).toEqual(['e-1', 'e-2', 'e-3', 'e-4'])
      expect(await store.listEvents('c-1', { last: 0 })).toEqual([])
    })

    it('lists the events of many customers in one call, grouped in the order asked, each oldest first', async () => {
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }, { id: 'c-3' }])
      await store.insertEvents([
        { id: 'e-13', customerId: 'c-1', type: 'login', at: T0 + 3 * DAY },
        { id: 'e-21', customerId: 'c-2', type: 'purchase', at: T0 + 2 * DAY, properties: { amount: 9.5 } },
        { id: 'e-11', customerId: 'c-1', type: 'login', at: T0 + DAY },
        { id: 'e-12', customerId: 'c-1', type: 'purchase', at: T0 + 2 * DAY },
        { id: 'e-20', customerId: 'c-2', type: 'login', at: T0 },
        // Same time as e-21: the earlier insert comes first, as in listEvents.
        { id: 'e-22', customerId: 'c-2', type: 'login', at: T0 + 2 * DAY },
      ])
      const events = await store.listEventsOf(['c-2', 'nobody', "x' OR '1'='1", 'c-1', 'c-2', 'c-3'])
      expect(events.map((e) => `${e.customerId}:${e.id}`)).toEqual(['c-2:e-20', 'c-2:e-21', 'c-2:e-22', 'c-1:e-11', 'c-1:e-12', 'c-1:e-13'])
      const [c2] = await store.getCustomers(['c-2'])
      expect(events[1]).toEqual({ id: 'e-21', customerId: 'c-2', customerKey: c2?.key, type: 'purchase', at: T0 + 2 * DAY, properties: { amount: 9.5 } })
      expect(await store.listEventsOf([])).toEqual([])
      expect(await store.listEventsOf(['nobody'])).toEqual([])
    })

    it('filters the batched event read by type and [from, to) exactly as listEvents does per customer', async () => {
      const ids = ['c-1', 'c-2', 'c-3']
      await store.upsertCustomers(ids.map((id) => ({ id })))
      const types = ['login', 'purchase', 'page_view']
      await store.insertEvents(
        Array.from({ length: 60 }, (_, i) => ({ id: `e-${i}`, customerId: ids[(i * 7) % 3]!, type: types[i % 3]!, at: T0 + ((i * 13) % 10) * DAY })),
      )
      const filters = [{}, { type: 'login' }, { from: T0 + 3 * DAY }, { to: T0 + 5 * DAY }, { type: 'purchase', from: T0 + 2 * DAY, to: T0 + 8 * DAY }, { type: 'none' }]
      const order = ['c-3', 'c-1', 'c-2']
      for (const filter of filters) {
        const perCustomer = (await Promise.all(order.map((id) => store.listEvents(id, filter)))).flat()
        expect(await store.listEventsOf(order, filter)).toEqual(perCustomer)
      }
      expect((await store.listEventsOf(order, { type: 'login', from: T0, to: T0 + DAY })).every((e) => e.type === 'login' && e.at < T0 + DAY)).toBe(true)
    })

    it('refuses ids that are not non-empty strings, naming the place', async () => {
      const error = await rejectionOf(store.listEventsOf(['c-1', '' as string, 7 as never]))
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['customerIds[1]', 'customerIds[2]'])
    })
  })

  describe('consents', () => {
    it('keeps the latest statement per customer and channel, whatever the arrival order', async () => {
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
      await store.setConsents([
        { customerId: 'c-1', channel: 'email', status: 'granted', at: T0 + 10, source: 'signup' },
        { customerId: 'c-1', channel: 'sms', status: 'revoked', at: T0 },
      ])
      await store.setConsents([{ customerId: 'c-1', channel: 'email', status: 'revoked', at: T0 + 5, source: 'old-import' }])
      expect(await store.getConsents(['c-1'])).toEqual([
        { customerId: 'c-1', channel: 'email', status: 'granted', at: T0 + 10, source: 'signup' },
        { customerId: 'c-1', channel: 'sms', status: 'revoked', at: T0 },
      ])

      await store.setConsents([
        { customerId: 'c-1', channel: 'email', status: 'revoked', at: T0 + 30, source: 'unsubscribe-link' },
        { customerId: 'c-1', channel: 'email', status: 'granted', at: T0 + 20 },
        { customerId: 'c-2', channel: 'push', status: 'granted', at: T0 },
      ])
      const consents = await store.getConsents(['c-1', 'c-2', 'nobody'])
      expect(consents.find((c) => c.customerId === 'c-1' && c.channel === 'email')).toEqual({
        customerId: 'c-1',
        channel: 'email',
        status: 'revoked',
        at: T0 + 30,
        source: 'unsubscribe-link',
      })
      expect(consents).toHaveLength(3)
    })

    it('rejects consents of unknown customers without writing any of the batch', async () => {
      await store.upsertCustomers([{ id: 'c-1' }])
      const error = await rejectionOf(
        store.setConsents([
          { customerId: 'c-1', channel: 'email', status: 'granted', at: T0 },
          { customerId: 'ghost', channel: 'email', status: 'granted', at: T0 },
        ]),
      )
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).issues).toEqual([
        expect.objectContaining({ path: 'consents[1].customerId', message: "no customer with id 'ghost'" }),
      ])
      expect(await store.getConsents(['c-1'])).toEqual([])
    })
  })

  describe('suppressions', () => {
    it('suppresses by customer id and by any address a customer holds, in one call', async () => {
      await store.upsertCustomers([
        { id: 'c-1', addresses: { email: 'ann@example.com' } },
        { id: 'c-2', addresses: { phone: '+33 6 00 00 00 01' } },
        { id: 'c-3', addresses: { email: 'bob@example.com', phone: '+33600000003' } },
        { id: 'c-4' },
      ])
      await store.addSuppressions([
        { scope: 'customer', value: 'c-4', reason: 'complaint', at: T0 },
        { scope: 'email', value: 'ANN@Example.com', reason: 'hard bounce', at: T0 },
        { scope: 'phone', value: '+33-6-00-00-00-01', reason: 'do not call', at: T0 },
        { scope: 'customer', value: 'not-yet-imported', reason: 'legal', at: T0 },
      ])
      expect(await store.suppressedCustomers(['c-1', 'c-2', 'c-3', 'c-4', 'not-yet-imported', 'nobody'])).toEqual(
        new Set(['c-1', 'c-2', 'c-4', 'not-yet-imported']),
      )

      await store.removeSuppressions([{ scope: 'email', value: 'ann@example.com' }, { scope: 'customer', value: 'c-4' }])
      expect(await store.suppressedCustomers(['c-1', 'c-2', 'c-3', 'c-4'])).toEqual(new Set(['c-2']))

      // An address changed after suppression: the new address is not suppressed, the old one still is.
      await store.upsertCustomers([{ id: 'c-2', addresses: { phone: '+33600000099' } }, { id: 'c-3', addresses: { phone: '+33600000001' } }])
      expect(await store.suppressedCustomers(['c-2', 'c-3'])).toEqual(new Set(['c-3']))
    })
  })

  describe('contacts', () => {
    it('records contact history and lists it per customer within [from, to)', async () => {
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
      await store.recordContacts([
        { customerId: 'c-1', flowId: 'retain', runId: 'run-1', nodeId: 'send-sms', channel: 'sms', offer: 'promo-10', at: T0 + DAY },
        { customerId: 'c-1', flowId: 'welcome', nodeId: 'send-mail', channel: 'email', at: T0, status: 'bounced' },
        { customerId: 'c-2', flowId: 'welcome', nodeId: 'send-mail', channel: 'email', at: T0 },
      ])
      const contacts = await store.listContacts('c-1')
      expect(contacts.map(({ id: _id, ...contact }) => contact)).toEqual([
        { customerId: 'c-1', flowId: 'welcome', nodeId: 'send-mail', channel: 'email', at: T0, status: 'bounced' },
        { customerId: 'c-1', flowId: 'retain', runId: 'run-1', nodeId: 'send-sms', channel: 'sms', offer: 'promo-10', at: T0 + DAY, status: 'sent' },
      ])
      expect(contacts.every((contact) => Number.isInteger(contact.id))).toBe(true)
      expect((await store.listContacts('c-1', { from: T0 + 1 })).map((c) => c.flowId)).toEqual(['retain'])
      expect((await store.listContacts('c-1', { to: T0 + DAY })).map((c) => c.flowId)).toEqual(['welcome'])
      await expect(
        store.recordContacts([{ customerId: 'ghost', flowId: 'f', nodeId: 'n', channel: 'sms', at: T0 }]),
      ).rejects.toBeInstanceOf(ValidationError)
    })
  })

  describe('attribute catalogue', () => {
    it('lets declared types win over inferred ones, in the store and within one batch', async () => {
      await store.defineAttributes([
        { name: 'tenure', type: 'string', source: 'inferred' },
        { name: 'tier', type: 'enum', values: ['gold', 'silver'], source: 'inferred' },
      ])
      await store.defineAttributes([{ name: 'tenure', type: 'number', source: 'declared', description: 'Months as a customer' }])
      await store.defineAttributes([
        { name: 'tenure', type: 'string', source: 'inferred' },
        { name: 'tier', type: 'enum', values: ['diamond', 'gold', 'silver'], source: 'inferred' },
        { name: 'region', type: 'enum', values: ['north', 'south'], source: 'declared' },
        { name: 'region', type: 'string', source: 'inferred' },
      ])
      expect(await store.listAttributes()).toEqual([
        { name: 'region', type: 'enum', values: ['north', 'south'], source: 'declared' },
        { name: 'tenure', type: 'number', source: 'declared', description: 'Months as a customer' },
        { name: 'tier', type: 'enum', values: ['diamond', 'gold', 'silver'], source: 'inferred' },
      ])

      await store.defineAttributes([{ name: 'tenure', type: 'date', source: 'declared' }])
      expect((await store.listAttributes()).find((a) => a.name === 'tenure')).toEqual({
        name: 'tenure',
        type: 'date',
        source: 'declared',
        description: 'Months as a customer',
      })
    })

    it('requires the values of an enum', async () => {
      const error = await rejectionOf(store.defineAttributes([{ name: 'tier', type: 'enum', source: 'declared' }]))
      expect((error as ValidationError).issues).toEqual([expect.objectContaining({ path: 'attributes[0].values' })])
    })
  })

  describe('tags', () => {
    it('upserts tags by customer and name', async () => {
      await store.upsertCustomers([{ id: 'c-1' }])
      await store.setTags([
        { customerId: 'c-1', tag: { name: 'churn_probability', layer: 'predictive', value: 0.2, at: T0 } },
        { customerId: 'c-1', tag: { name: 'rfm', layer: 'model', value: '555', at: T0 } },
      ])
      await store.setTags([{ customerId: 'c-1', tag: { name: 'churn_probability', layer: 'predictive', value: 0.9, at: T0 + DAY, source: 'manual' } }])
      expect((await store.getCustomers(['c-1']))[0]?.tags).toEqual([
        { name: 'churn_probability', layer: 'predictive', value: 0.9, at: T0 + DAY, source: 'manual' },
        { name: 'rfm', layer: 'model', value: '555', at: T0 },
      ])
      await expect(store.setTags([{ customerId: 'ghost', tag: { name: 'x', layer: 'raw', value: 1, at: T0 } }])).rejects.toBeInstanceOf(
        ValidationError,
      )
    })
  })

  describe('transactions', () => {
    it('rolls back every write when fn throws, and rethrows the error', async () => {
      await store.upsertCustomers([{ id: 'kept' }])
      const failure = new Error('bad row 3')
      const error = await rejectionOf(
        store.transaction(async (tx) => {
          await tx.upsertCustomers([{ id: 'c-1', attributes: { age: 1 } }, { id: 'kept', attributes: { changed: true } }])
          await tx.insertEvents([{ id: 'e-1', customerId: 'c-1', type: 'login', at: T0 }])
          await tx.defineAttributes([{ name: 'age', type: 'number', source: 'inferred' }])
          await tx.addSuppressions([{ scope: 'customer', value: 'c-1', reason: 'x', at: T0 }])
          throw failure
        }),
      )
      expect(error).toBe(failure)
      expect(await store.stats()).toMatchObject({ customers: 1, events: 0, attributes: 0, suppressions: 0 })
      expect((await store.getCustomers(['kept']))[0]?.attributes).toEqual({})
    })

    it('rolls back earlier batches when a later batch is invalid (an import that finds a bad row)', async () => {
      const error = await rejectionOf(
        store.transaction(async (tx) => {
          await tx.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
          await tx.upsertCustomers([{ id: 'c-3', timeZone: 'Nowhere/Land' }])
        }),
      )
      expect(error).toBeInstanceOf(ValidationError)
      expect(await store.countCustomers()).toBe(0)
    })

    it('commits everything written through tx, and reads inside see the writes', async () => {
      const seen = await store.transaction(async (tx) => {
        await tx.upsertCustomers([{ id: 'c-1' }])
        await tx.insertEvents([{ id: 'e-1', customerId: 'c-1', type: 'login', at: T0 }])
        return tx.countCustomers()
      })
      expect(seen).toBe(1)
      expect(await store.stats()).toMatchObject({ customers: 1, events: 1 })
    })

    it('nests by reusing the open transaction: an inner failure that propagates undoes the outer writes too', async () => {
      await store.transaction(async (tx) => {
        await tx.upsertCustomers([{ id: 'outer' }])
        await tx.transaction(async (inner) => {
          await inner.upsertCustomers([{ id: 'inner' }])
          expect(await inner.countCustomers()).toBe(2)
        })
      })
      expect(await store.countCustomers()).toBe(2)

      await expect(
        store.transaction(async (tx) => {
          await tx.upsertCustomers([{ id: 'outer-2' }])
          await tx.transaction(async (inner) => {
            await inner.upsertCustomers([{ id: 'inner-2' }])
            throw new Error('inner failed')
          })
        }),
      ).rejects.toThrow('inner failed')
      expect((await store.listCustomers()).map((c) => c.id)).toEqual(['outer', 'inner'])
    })

    it('never shows uncommitted writes to a caller outside the transaction', async () => {
      let release = () => {}
      const gate = new Promise<void>((resolve) => (release = resolve))
      let written = () => {}
      const wrote = new Promise<void>((resolve) => (written = resolve))
      const transaction = store.transaction(async (tx) => {
        await tx.upsertCustomers([{ id: 'pending' }])
        written()
        await gate
        throw new Error('abandon')
      })
      await wrote
      const outside = store.getCustomers(['pending'])
      release()
      await expect(transaction).rejects.toThrow('abandon')
      expect(await outside).toEqual([])
    })

    it('refuses to close the store from inside a transaction', async () => {
      await expect(store.transaction((tx) => tx.close())).rejects.toThrow(/inside a transaction/)
      expect(await store.countCustomers()).toBe(0)
    })

    it('refuses a tx used after its transaction finished', async () => {
      let leaked: StorePort | undefined
      await store.transaction(async (tx) => {
        leaked = tx
      })
      await expect(leaked?.countCustomers()).rejects.toThrow(/already finished/)
    })
  })

  describe('segment pages', () => {
    it('pages a segment by key with afterKey, the count staying the whole segment', async () => {
      await store.upsertCustomers(Array.from({ length: 7 }, (_, i) => ({ id: `c-${i + 1}`, attributes: { plan: i % 2 === 0 ? 'gold' : 'basic' } })))
      const gold = { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } as const
      const first = await store.previewSegment(gold, { now: T0, sample: 2 })
      expect(first).toEqual({ count: 4, sample: ['c-1', 'c-3'] })
      const [last] = await store.getCustomers(['c-3'])
      expect(await store.previewSegment(gold, { now: T0, sample: 2, afterKey: last!.key })).toEqual({ count: 4, sample: ['c-5', 'c-7'] })
      const [end] = await store.getCustomers(['c-7'])
      expect(await store.previewSegment(gold, { now: T0, sample: 2, afterKey: end!.key })).toEqual({ count: 4, sample: [] })
      expect((await store.previewSegment({ type: 'all', conditions: [] }, { now: T0, sample: 3, afterKey: last!.key })).sample).toEqual(['c-4', 'c-5', 'c-6'])
    })
  })

  describe('stats', () => {
    it('counts what the store holds, with event types by frequency', async () => {
      expect(await store.stats()).toEqual({
        dialect: harness.name,
        customers: 0,
        events: 0,
        eventTypes: [],
        attributes: 0,
        consents: 0,
        suppressions: 0,
        contacts: 0,
      })
      await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
      await store.insertEvents([
        { id: 'e-1', customerId: 'c-1', type: 'login', at: T0 },
        { id: 'e-2', customerId: 'c-2', type: 'login', at: T0 },
        { id: 'e-3', customerId: 'c-2', type: 'purchase', at: T0 },
      ])
      await store.defineAttributes([{ name: 'age', type: 'number', source: 'declared' }])
      await store.setConsents([{ customerId: 'c-1', channel: 'sms', status: 'granted', at: T0 }])
      await store.addSuppressions([{ scope: 'email', value: 'x@example.com', reason: 'bounce', at: T0 }])
      await store.recordContacts([{ customerId: 'c-1', flowId: 'f', nodeId: 'n', channel: 'sms', at: T0 }])
      expect(await store.stats()).toEqual({
        dialect: harness.name,
        customers: 2,
        events: 3,
        eventTypes: [
          { type: 'login', count: 2 },
          { type: 'purchase', count: 1 },
        ],
        attributes: 1,
        consents: 1,
        suppressions: 1,
        contacts: 1,
      })
    })
  })

  describe('untrusted text', () => {
    const injection = "'; DROP TABLE customers; --"

    it('stores unicode and SQL-looking values as plain data', async () => {
      await store.upsertCustomers([
        {
          id: injection,
          attributes: { [injection]: injection, 'name"quoted': '王小明 👩‍💻', city: 'Zürich', note: 'tab\there, backslash \\n, quote \' and "' },
          addresses: { wechat: 'wxid_王小明' },
          tags: [{ name: injection, layer: 'raw', value: injection, at: T0 }],
        },
      ])
      await store.insertEvents([{ id: injection, customerId: injection, type: injection, at: T0, properties: { q: "1' OR '1'='1" } }])
      await store.addSuppressions([{ scope: 'customer', value: "x' OR '1'='1", reason: injection, at: T0 }])
      await store.defineAttributes([{ name: injection, type: 'string', source: 'declared', description: '🙂' }])

      const [customer] = await store.getCustomers([injection])
      expect(customer?.attributes).toEqual({ [injection]: injection, 'name"quoted': '王小明 👩‍💻', city: 'Zürich', note: 'tab\there, backslash \\n, quote \' and "' })
      expect(customer?.addresses).toEqual({ wechat: 'wxid_王小明' })
      expect(customer?.tags[0]?.value).toBe(injection)
      expect((await store.listEvents(injection))[0]).toMatchObject({ id: injection, type: injection, properties: { q: "1' OR '1'='1" } })
      expect(await store.suppressedCustomers([injection, "x' OR '1'='1"])).toEqual(new Set(["x' OR '1'='1"]))
      expect(await store.listAttributes()).toEqual([{ name: injection, type: 'string', source: 'declared', description: '🙂' }])
      expect(await store.countCustomers()).toBe(1)
    })
  })

  describe('errors', () => {
    it('refuses the NUL character in every dialect (Postgres cannot store it), naming the field', async () => {
      const error = await rejectionOf(
        store.upsertCustomers([{ id: 'c-1', attributes: { note: 'a\u0000b' }, addresses: { email: 'x\u0000@example.com' } }]),
      )
      expect((error as ValidationError).issues.map((issue) => [issue.path, issue.code])).toEqual([
        ['customers[0].attributes.note', 'text.nul'],
        ['customers[0].addresses.email', 'text.nul'],
      ])
      const eventError = await rejectionOf(store.insertEvents([{ id: 'e', customerId: 'c', type: 't', at: 1, properties: { deep: ['\u0000'] } }]))
      expect((eventError as ValidationError).issues[0]).toMatchObject({ path: 'events[0].properties', code: 'text.nul' })
      expect(await store.countCustomers()).toBe(0)
    })

    it('reports bad input as a user error, never a driver error', async () => {
      const error = await rejectionOf(store.insertEvents([{ id: 'e', customerId: 'c', type: 'login', at: 1.5 }]))
      expect(error).toBeInstanceOf(UserError)
      expect((error as ValidationError).issues[0]).toMatchObject({ path: 'events[0].at' })
    })
  })
})
