import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelFactsQuery } from '../../engine/ports/channel-facts.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts'
import { openEngineStore } from '../open-engine-store.ts'
import { openStore } from '../open-store.ts'
import { channelFactsStatements } from './channel-facts-sql.ts'

const NOW = Date.UTC(2025, 0, 10, 12)
const DAY = 86_400_000
const DAY_START = Date.UTC(2025, 0, 10)

const QUERY: ChannelFactsQuery = {
  channels: ['email', 'sms', 'call'],
  history: { from: NOW - 30 * DAY, to: NOW },
  responses: [{ event: 'email_open', channel: 'email' }, { event: 'email_click', channel: 'email' }, { event: 'sms_reply', channel: 'sms' }],
  capacityFrom: DAY_START,
}

async function seed(store: StorePort): Promise<Map<string, number>> {
  await store.upsertCustomers([
    { id: 'a', addresses: { email: 'a@example.com', phone: '+100' }, attributes: { region: 'north', 'vip"\\': true } },
    { id: 'b', addresses: { email: 'b@example.com' }, attributes: { region: 'south', 'vip"\\': false } },
    { id: 'c', addresses: { phone: '+300' } },
    { id: 'outside', addresses: { email: 'o@example.com' }, attributes: { region: 'north' } },
  ])
  await store.setConsents([
    { customerId: 'a', channel: 'email', status: 'granted', at: NOW - DAY },
    { customerId: 'a', channel: 'sms', status: 'revoked', at: NOW - DAY },
    { customerId: 'b', channel: 'email', status: 'granted', at: NOW - 2 * DAY },
    { customerId: 'b', channel: 'email', status: 'revoked', at: NOW - DAY },
    { customerId: 'a', channel: 'push', status: 'granted', at: NOW - DAY },
  ])
  await store.addSuppressions([
    { scope: 'email', value: 'b@example.com', reason: 'bounce', at: NOW - DAY },
    { scope: 'customer', value: 'c', reason: 'complaint', at: NOW - DAY },
    { scope: 'phone', value: '+300', reason: 'complaint', at: NOW - DAY },
  ])
  const contact = (customerId: string, channel: 'email' | 'sms' | 'call', at: number, flowId = 'f1') => ({ customerId, flowId, nodeId: 'n', channel, at })
  await store.recordContacts([
    contact('a', 'email', NOW - 5 * DAY), contact('a', 'email', NOW - 4 * DAY), contact('a', 'email', NOW - 40 * DAY),
    contact('a', 'sms', NOW - 3 * DAY), contact('b', 'email', NOW - 2 * DAY),
    contact('outside', 'email', NOW - 2 * DAY), contact('outside', 'call', DAY_START + 1_000, 'other-campaign'),
    contact('b', 'call', DAY_START - 1, 'other-campaign'),
  ])
  await store.insertEvents([
    { id: 'e1', customerId: 'a', type: 'email_open', at: NOW - 5 * DAY + 100 },
    { id: 'e2', customerId: 'a', type: 'email_click', at: NOW - 5 * DAY + 200 },
    { id: 'e3', customerId: 'a', type: 'email_open', at: NOW - 60 * DAY },
    { id: 'e4', customerId: 'a', type: 'sms_reply', at: NOW + DAY },
    { id: 'e5', customerId: 'outside', type: 'email_open', at: NOW - DAY },
    { id: 'e6', customerId: 'b', type: 'page_view', at: NOW - DAY },
    // One purchase 1 day after a's first e-mail and 1 s after the second: both e-mails converted.
    { id: 'p1', customerId: 'a', type: 'purchase', at: NOW - 4 * DAY + 1_000 },
  ])
  const keys = new Map((await store.getCustomers(['a', 'b', 'c', 'outside'])).map((c) => [c.id, c.key]))
  // Two pending sends today (one call, one sms), one dead call: only pending ones use capacity.
  const engine = openEngineStore(store)
  await engine.enqueueOutbox([
    { key: 'r:n:1:1', runId: 'r', flowId: 'f2', nodeId: 'n', customerKey: keys.get('a')!, channel: 'call', message: '{}', offer: null, createdAt: NOW - 1_000, nextAttemptAt: NOW },
    { key: 'r:n:2:1', runId: 'r', flowId: 'f2', nodeId: 'n', customerKey: keys.get('b')!, channel: 'sms', message: '{}', offer: null, createdAt: NOW - 1_000, nextAttemptAt: NOW },
    { key: 'r:n:3:1', runId: 'r', flowId: 'f2', nodeId: 'n', customerKey: keys.get('c')!, channel: 'call', message: '{}', offer: null, createdAt: DAY_START - 5, nextAttemptAt: NOW },
  ])
  return keys
}

function plain(facts: Awaited<ReturnType<StorePort['channelFacts']>>, keys: Map<string, number>) {
  const byId: Record<string, unknown> = {}
  for (const [id, key] of keys) {
    const f = facts.customers.get(key)
    if (f) byId[id] = { ...f, suppressed: [...f.suppressed].sort() }
  }
  return { customers: byId, pooled: facts.pooled, used: facts.used }
}

const EXPECTED = {
  customers: {
    a: { consent: { email: 'granted', sms: 'revoked' }, suppressed: [], stats: { email: { contacts: 2, responses: 2 }, sms: { contacts: 1, responses: 0 } } },
    b: { consent: { email: 'revoked' }, suppressed: ['email'], stats: { email: { contacts: 1, responses: 0 }, call: { contacts: 1, responses: 0 } } },
    c: { consent: {}, suppressed: ['customer', 'phone'], stats: {} },
  },
  pooled: { email: { contacts: 4, responses: 3 }, sms: { contacts: 1, responses: 0 }, call: { contacts: 2, responses: 0 } },
  used: { call: 2, sms: 1 },
}

describe.each(['sqlite', 'postgres'] as const)('channelFacts on %s', (dialect) => {
  let store: StorePort
  let pgSchema: TestSchema | undefined
  let keys: Map<string, number>
  beforeAll(async () => {
    if (dialect === 'postgres') {
      pgSchema = await createTestSchema('channel facts')
      store = await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema, now: () => NOW })
    } else {
      store = await openStore({ db: ':memory:', now: () => NOW })
    }
    keys = await seed(store)
  })
  afterAll(async () => {
    await store?.close()
    await pgSchema?.drop()
  })

  it('answers consent, suppression per scope, windowed stats, pooled rates and capacity used', async () => {
    const facts = await store.channelFacts(['a', 'b', 'c'].map((id) => keys.get(id)!), QUERY)
    expect(plain(facts, keys)).toEqual(EXPECTED)
  })

  it('answers every asked key, an empty cohort without a query, and only the asked channels', async () => {
    expect((await store.channelFacts([], QUERY)).customers.size).toBe(0)
    const facts = await store.channelFacts([keys.get('a')!, 999_999], { ...QUERY, channels: ['sms'] })
    expect(facts.customers.get(999_999)).toEqual({ consent: {}, suppressed: [], stats: {} })
    expect(facts.customers.get(keys.get('a')!)).toEqual({ consent: { sms: 'revoked' }, suppressed: [], stats: { sms: { contacts: 1, responses: 0 } } })
    expect(facts.used).toEqual({ sms: 1 })
  })

  it('pools contacts and responses per segment (customers grouped by an attribute value)', async () => {
    const facts = await store.channelFacts(['a', 'b', 'c'].map((id) => keys.get(id)!), { ...QUERY, segmentBy: 'region' })
    expect([...(facts.segmentOf ?? new Map())].map(([k, g]) => [[...keys].find(([, key]) => key === k)?.[0], g])).toEqual([['a', 'north'], ['b', 'south'], ['c', null]])
    expect(Object.fromEntries(facts.bySegment ?? new Map())).toEqual({
      // a and outside are in the north; c has no region and is in no segment.
      north: { email: { contacts: 3, responses: 3 }, sms: { contacts: 1, responses: 0 }, call: { contacts: 1, responses: 0 } },
      south: { email: { contacts: 1, responses: 0 }, call: { contacts: 1, responses: 0 } },
    })
    const byFlag = await store.channelFacts([keys.get('a')!, keys.get('b')!], { ...QUERY, segmentBy: 'vip"\\' })
    expect([...(byFlag.segmentOf ?? new Map()).values()]).toEqual(['true', 'false'])
  })

  it('credits a conversion within the window to each contact it followed', async () => {
    const query = { ...QUERY, conversion: { event: 'purchase', withinMs: 2 * DAY }, segmentBy: 'region' }
    const facts = await store.channelFacts(['a', 'b'].map((id) => keys.get(id)!), query)
    expect(facts.customers.get(keys.get('a')!)?.stats).toEqual({ email: { contacts: 2, responses: 4 }, sms: { contacts: 1, responses: 0 } })
    expect(facts.pooled.email).toEqual({ contacts: 4, responses: 5 })
    expect(facts.bySegment?.get('north')?.email).toEqual({ contacts: 3, responses: 5 })
    // A window shorter than the gap after the first e-mail credits only the second.
    const short = await store.channelFacts([keys.get('a')!], { ...QUERY, conversion: { event: 'purchase', withinMs: 60_000 } })
    expect(short.customers.get(keys.get('a')!)?.stats.email).toEqual({ contacts: 2, responses: 3 })
  })

  it('skips past response when stats are not asked: consent, suppression and capacity only', async () => {
    const facts = await store.channelFacts(['a', 'b', 'c'].map((id) => keys.get(id)!), { ...QUERY, stats: false, segmentBy: 'region', conversion: { event: 'purchase', withinMs: DAY } })
    const none = { customers: Object.fromEntries(Object.entries(EXPECTED.customers).map(([id, f]) => [id, { ...f, stats: {} }])), pooled: {}, used: EXPECTED.used }
    expect(plain(facts, keys)).toEqual(none)
    expect(facts.segmentOf).toBeUndefined()
  })

  it('treats an injection-looking event type as a value', async () => {
    const facts = await store.channelFacts([keys.get('a')!], { ...QUERY, responses: [{ event: "email_open'; DROP TABLE events; --", channel: 'email' }] })
    expect(facts.customers.get(keys.get('a')!)?.stats.email).toEqual({ contacts: 2, responses: 0 })
    expect(await store.countCustomers()).toBe(4)
  })
})

describe('channelFactsStatements', () => {
  it('binds keys, event names and times as parameters, never in the text', () => {
    const statements = channelFactsStatements('postgres', [1, 2], { ...QUERY, responses: [{ event: 'x-secret-event', channel: 'email' }] })
    for (const statement of Object.values(statements)) {
      expect(statement.text).not.toContain('x-secret-event')
      expect(statement.text).not.toContain(String(NOW))
    }
    expect(statements.responses?.params).toEqual([JSON.stringify([{ event: 'x-secret-event', channel: 'email' }]), '[1,2]', NOW - 30 * DAY, NOW])
  })

  it('asks only consent, suppression and capacity when stats are off', () => {
    expect(Object.keys(channelFactsStatements('sqlite', [1], { ...QUERY, stats: false, segmentBy: 'region' }))).toEqual(['consents', 'suppressed', 'used'])
  })

  it('refuses keys that are not integers and unknown channels', () => {
    expect(() => channelFactsStatements('sqlite', [1.5], QUERY)).toThrow('customer keys must be integers')
    expect(() => channelFactsStatements('sqlite', [1], { ...QUERY, channels: ['fax' as never] })).toThrow('unknown channel fax')
  })
})
