// Segment semantics on both dialects over a small hand-made fixture: every expectation below was
// worked out by hand from the fixture, and each runs as a count preview (set-based SQL) and as a
// cohort match (correlated probes), which must agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CustomerInput, EventInput, StorePort } from '../engine/ports/store.ts'
import type { Segment } from '../engine/segment/index.ts'
import { openStore } from '../store/open-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { createTempFolder, type TempFolder } from './support/sqlite.ts'

const DAY = 86_400_000
const now = Date.UTC(2025, 0, 1)
const INJECTION = "'; DROP TABLE customers; --"
const QUOTED_NAME = `it's "quoted" \\ odd`

const customers: CustomerInput[] = [
  {
    id: 'f1',
    attributes: { tenure: 24, plan: 'Gold', city: 'Paris', vip: true, signup: '2024-12-15', note: '', code: 'abc', [QUOTED_NAME]: 1 },
    addresses: { email: 'f1@example.org', phone: '+33 6 00000001' },
    preferredChannel: 'email',
    tags: [
      { name: 'churn', layer: 'predictive', value: 0.82, at: now - DAY },
      { name: 'rfm_cell', layer: 'model', value: 'champions', at: now - DAY },
      { name: 'segment_tag', layer: 'raw', value: 'A', at: now - DAY },
    ],
  },
  {
    id: 'f2',
    attributes: { tenure: 3, plan: 'silver', city: 'paris', vip: false, signup: '2023-06-01T23:30:00-02:00', note: null, code: 5 },
    addresses: { phone: '+33 6 00000002' },
    tags: [
      { name: 'churn', layer: 'predictive', value: 0.35, at: now - 40 * DAY },
      { name: 'rfm_cell', layer: 'model', value: 'at-risk', at: now - DAY },
    ],
  },
  {
    id: 'f3',
    attributes: { tenure: '12', plan: INJECTION, signup: '2024-02-30', vip: 1, code: '5', renewal: '2023-03-02T03:00:00+05:00' },
    tags: [
      { name: 'rfm_cell', layer: 'model', value: 'lost', at: now - DAY },
      { name: 'flag', layer: 'raw', value: true, at: now - DAY },
    ],
  },
  { id: 'f4' },
  {
    id: 'f5',
    attributes: { tenure: 12.5, plan: 'GOLD plan', city: 'Zürich', signup: '2024-12-31T23:59:59.999Z', note: 'x', renewal: '2025-01-10T10:00:00+0530', code: true },
    tags: [{ name: 'churn', layer: 'predictive', value: 0.9, at: now - 100 * DAY }],
  },
]

const event = (id: string, customerId: string, type: string, daysAgo: number, properties: Record<string, unknown> = {}): EventInput => ({
  id, customerId, type, at: now - daysAgo * DAY, properties,
})
const events: EventInput[] = [
  event('e1', 'f1', 'purchase', 5, { amount: 120 }),
  event('e2', 'f1', 'purchase', 20, { amount: 150 }),
  event('e3', 'f1', 'purchase', 60, { amount: 101 }),
  event('e4', 'f1', 'login', 1),
  event('e5', 'f2', 'purchase', 200, { amount: 500 }),
  event('e6', 'f2', 'login', 45),
  event('e7', 'f3', 'purchase', 10, { amount: 99 }),
  event('e8', 'f3', 'purchase', 11, { amount: 'abc' }),
  // In the future of `now`: never seen.
  event('e9', 'f5', 'login', -2),
]

const attr = (name: string, op: string, more: Record<string, unknown> = {}) => ({ type: 'attribute', name, op, ...more })

/** [description, segment, expected ids]: each worked out by hand from the fixture. */
const CASES: [string, unknown, string[]][] = [
  ['number ≥ (a string "12" is not a number)', attr('tenure', 'gte', { value: 12 }), ['f1', 'f5']],
  ['not of a comparison includes customers without the attribute', { type: 'not', condition: attr('tenure', 'gt', { value: 5 }) }, ['f2', 'f3', 'f4']],
  ['between is inclusive', attr('tenure', 'between', { from: 10, to: 24 }), ['f1', 'f5']],
  ['in numbers', attr('tenure', 'in', { values: [3, 24] }), ['f1', 'f2']],
  ['text equality is case-sensitive', attr('city', 'eq', { value: 'paris' }), ['f2']],
  ['text equality ignoring ASCII case', attr('plan', 'eq', { value: 'gold', ignoreCase: true }), ['f1']],
  ['contains, ignoring case', attr('plan', 'contains', { value: 'gold', ignoreCase: true }), ['f1', 'f5']],
  ['starts with', attr('plan', 'starts-with', { value: 'GOLD' }), ['f5']],
  ['an SQL-looking value is a value', attr('plan', 'in', { values: ['silver', INJECTION] }), ['f2', 'f3']],
  ['not-in skips customers without the attribute', attr('plan', 'not-in', { values: ['silver'] }), ['f1', 'f3', 'f5']],
  ['is-empty matches missing, null and ""', attr('note', 'is-empty'), ['f1', 'f2', 'f3', 'f4']],
  ['is-not-empty', attr('note', 'is-not-empty'), ['f5']],
  ['boolean (the number 1 is not true)', attr('vip', 'eq', { value: true }), ['f1']],
  ['boolean neq needs a boolean', attr('vip', 'neq', { value: true }), ['f2']],
  ['date within the last 30 days (the invalid 2024-02-30 never matches)', attr('signup', 'within-last', { amount: 30, unit: 'days' }), ['f1', 'f5']],
  ['date eq a day, with a -02:00 offset moving it to the next UTC day', attr('signup', 'eq', { value: '2023-06-02' }), ['f2']],
  ['date more than 12 months ago', attr('signup', 'older-than', { amount: 12, unit: 'months' }), ['f2']],
  ['date with a +0530 offset within the next 10 days', attr('renewal', 'within-next', { amount: 10, unit: 'days' }), ['f5']],
  ['date eq a day, with a +05:00 offset moving it to the previous UTC day', attr('renewal', 'eq', { value: '2023-03-01' }), ['f3']],
  ['date within a range ending the day before a +05:00 instant\'s local date', attr('renewal', 'between', { from: '2023-02-01', to: '2023-03-01' }), ['f3']],
  ['an impossible date inside the range is still not a date', attr('signup', 'between', { from: '2024-02-01', to: '2024-03-31' }), []],
  ['date neq: valid dates on other days', attr('signup', 'neq', { value: '2024-12-15' }), ['f2', 'f5']],
  ['date gte a day includes instants later that day', attr('signup', 'gte', { value: '2024-12-31' }), ['f5']],
  ['instant comparison', attr('signup', 'gt', { value: '2024-12-31T23:59:59.998Z' }), ['f5']],
  ['mixed types: a number equals only numbers', attr('code', 'eq', { value: 5 }), ['f2']],
  ['mixed types: text equals only text', attr('code', 'eq', { value: '5' }), ['f3']],
  ['mixed types: text order skips numbers', attr('code', 'lt', { value: 'b' }), ['f1', 'f3']],
  ['mixed types: text ≥ skips numbers', attr('code', 'gte', { value: '0' }), ['f1', 'f3']],
  ['mixed types: number ≥ skips text and true', attr('code', 'gte', { value: 1 }), ['f2']],
  ['mixed types: number > skips text', attr('code', 'gt', { value: 4.999 }), ['f2']],
  ['mixed types: true is not the number 1', attr('code', 'lte', { value: 1 }), []],
  ['mixed types: the number 1 is not true', attr('vip', 'eq', { value: 1 }), ['f3']],
  ['mixed types: neq compares numbers only', attr('code', 'neq', { value: 6 }), ['f2']],
  ['mixed types: text neq compares text only', attr('code', 'neq', { value: 'x' }), ['f1', 'f3']],
  ['mixed types: between numbers', attr('code', 'between', { from: 0, to: 10 }), ['f2']],
  ['mixed types: contains looks at text only', attr('code', 'contains', { value: '5' }), ['f3']],
  ['mixed types: in with numbers and text', attr('code', 'in', { values: [5, 'abc'] }), ['f1', 'f2']],
  ['mixed types: in with true', attr('code', 'in', { values: [true, 1] }), ['f5']],
  ['mixed types: not-in is any present value not listed', attr('code', 'not-in', { values: [5] }), ['f1', 'f3', 'f5']],
  ['a name with quotes and a backslash', attr(QUOTED_NAME, 'eq', { value: 1 }), ['f1']],
  [
    'at least 3 purchases over 100 in the last 90 days',
    { type: 'event', event: 'purchase', where: [{ property: 'amount', op: 'gt', value: 100 }], within: { amount: 90, unit: 'days' }, aggregate: { op: 'gte', value: 3 } },
    ['f1'],
  ],
  ['at most 1 purchase in 90 days includes customers with none', { type: 'event', event: 'purchase', within: { amount: 90, unit: 'days' }, aggregate: { op: 'lte', value: 1 } }, ['f2', 'f4', 'f5']],
  ['no login in the last 30 days (a future login does not count)', { type: 'event', event: 'login', within: { amount: 30, unit: 'days' }, aggregate: { op: 'eq', value: 0 } }, ['f2', 'f3', 'f4', 'f5']],
  ['sum of amount ≥ 300 (a text amount is ignored)', { type: 'event', event: 'purchase', aggregate: { of: 'sum', property: 'amount', op: 'gte', value: 300 } }, ['f1', 'f2']],
  ['sum below 100 includes customers with no purchases', { type: 'event', event: 'purchase', aggregate: { of: 'sum', property: 'amount', op: 'lt', value: 100 } }, ['f3', 'f4', 'f5']],
  ['average amount > 100', { type: 'event', event: 'purchase', aggregate: { of: 'avg', property: 'amount', op: 'gt', value: 100 } }, ['f1', 'f2']],
  ['last purchase more than 90 days ago (never purchased is not included)', { type: 'event', event: 'purchase', last: { op: 'older-than', amount: 90, unit: 'days' } }, ['f2']],
  ['first purchase within the last 30 days', { type: 'event', event: 'purchase', first: { op: 'within-last', amount: 30, unit: 'days' } }, ['f3']],
  ['did the event since a date', { type: 'event', event: 'purchase', since: '2024-12-01' }, ['f1', 'f3']],
  ['score tag ≥ 0.8', { type: 'tag', name: 'churn', op: 'gte', value: 0.8 }, ['f1', 'f5']],
  ['score tag set within 30 days', { type: 'tag', name: 'churn', op: 'gte', value: 0.8, setWithin: { amount: 30, unit: 'days' } }, ['f1']],
  ['tag missing is empty', { type: 'tag', name: 'churn', op: 'is-empty' }, ['f3', 'f4']],
  ['has tag', { type: 'tag', name: 'segment_tag' }, ['f1']],
  ['text tag value', { type: 'tag', name: 'segment_tag', op: 'eq', value: 'A' }, ['f1']],
  ['boolean tag value', { type: 'tag', name: 'flag', op: 'eq', value: true }, ['f3']],
  ['RFM cells', { type: 'rfm', cells: ['champions', 'at-risk'] }, ['f1', 'f2']],
  ['has an e-mail address', { type: 'address', kind: 'email' }, ['f1']],
  ['consent granted', { type: 'consent', channel: 'sms' }, ['f2']],
  ['consent revoked', { type: 'consent', channel: 'sms', status: 'revoked' }, ['f1']],
  ['no consent statement', { type: 'consent', channel: 'email', status: 'none' }, ['f2', 'f3', 'f4', 'f5']],
  ['preferred channel', { type: 'preferred-channel', channels: ['email', 'sms'] }, ['f1']],
  ['static list', { type: 'list', list: 'vip' }, ['f2', 'f5']],
  ['an unknown list is empty', { type: 'list', list: 'nope' }, []],
  ['empty all is everyone', { type: 'all', conditions: [] }, ['f1', 'f2', 'f3', 'f4', 'f5']],
  ['empty any is no one', { type: 'any', conditions: [] }, []],
  [
    'nested groups',
    { type: 'any', conditions: [{ type: 'all', conditions: [attr('tenure', 'lt', { value: 5 }), { type: 'address', kind: 'phone' }] }, { type: 'not', condition: { type: 'all', conditions: [] } }, { type: 'rfm', cells: ['lost'] }] },
    ['f2', 'f3'],
  ],
]

interface Harness {
  name: string
  open(): Promise<StorePort>
  cleanup(): Promise<void>
}

let folder: TempFolder | undefined
let pgSchema: TestSchema | undefined
const harnesses: Harness[] = [
  {
    name: 'sqlite',
    async open() {
      folder = createTempFolder('sluice-segment-')
      return openStore({ db: folder.db('segments'), now: () => now })
    },
    async cleanup() {
      folder?.remove()
    },
  },
  {
    name: 'postgres',
    async open() {
      pgSchema = await createTestSchema('the segment semantics suite')
      return openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema, now: () => now })
    },
    async cleanup() {
      await pgSchema?.drop()
    },
  },
]

describe.each(harnesses)('segment semantics on $name', (harness) => {
  let store: StorePort
  const idsByKey = new Map<number, string>()

  beforeAll(async () => {
    store = await harness.open()
    await store.transaction(async (tx) => {
      await tx.upsertCustomers(customers)
      await tx.insertEvents(events)
      await tx.setConsents([
        { customerId: 'f1', channel: 'email', status: 'granted', at: now - DAY },
        { customerId: 'f1', channel: 'sms', status: 'revoked', at: now - DAY },
        { customerId: 'f2', channel: 'sms', status: 'granted', at: now - DAY },
      ])
      await tx.createList({ name: 'vip', description: 'hand-picked' })
      await tx.replaceListMembers('vip', ['f2', 'f5'])
    })
    for (const customer of await store.listCustomers()) idsByKey.set(customer.key, customer.id)
  })
  afterAll(async () => {
    await store?.close()
    await harness.cleanup()
  })

  it.each(CASES)('%s', async (_description, segment, expected) => {
    const preview = await store.previewSegment(segment as Segment, { now, sample: 100 })
    expect(preview.sample).toEqual(expected)
    expect(preview.count).toBe(expected.length)
    const keys = [...idsByKey.keys()]
    const matched = await store.matchSegment(segment as Segment, { now, keys })
    expect([...matched].map((key) => idsByKey.get(key)).sort()).toEqual(expected)
    // The whole-store match (audiences) agrees too.
    expect([...(await store.matchSegment(segment as Segment, { now }))].map((key) => idsByKey.get(key)).sort()).toEqual(expected)
  })

  it('matches within the cohort only, and an empty cohort matches no one', async () => {
    const segment: Segment = { type: 'all', conditions: [] }
    const firstTwo = [...idsByKey.keys()].slice(0, 2)
    expect([...(await store.matchSegment(segment, { now, keys: firstTwo }))].sort()).toEqual(firstTwo.sort())
    expect((await store.matchSegment(segment, { now, keys: [] })).size).toBe(0)
  })

  it('leaves the tables intact after an SQL-looking value and attribute name', async () => {
    const segment = { type: 'any', conditions: [attr(INJECTION, 'eq', { value: INJECTION }), { type: 'tag', name: INJECTION, op: 'contains', value: "' OR 1=1 --" }, { type: 'event', event: INJECTION, where: [{ property: INJECTION, op: 'eq', value: INJECTION }] }] }
    const preview = await store.previewSegment(segment as Segment, { now })
    expect(preview).toEqual({ count: 0, sample: [] })
    expect(await store.countCustomers()).toBe(customers.length)
  })

  it('rejects an invalid segment with a validation error naming the field', async () => {
    await expect(store.previewSegment({ type: 'attribute', name: 'tenure', op: 'gte' } as unknown as Segment, { now })).rejects.toMatchObject({
      code: 'validation',
      issues: [{ path: 'segment.value', message: 'required by operator "gte"' }],
    })
  })

  it('keeps static lists: create, replace, append, unknown ids reported', async () => {
    await expect(store.createList({ name: 'vip' })).rejects.toMatchObject({ code: 'list.exists' })
    await expect(store.replaceListMembers('missing', ['f1'])).rejects.toMatchObject({ code: 'not-found' })
    await expect(store.createList({ name: 'Bad Name' })).rejects.toMatchObject({ code: 'validation' })
    const created = await store.createList({ name: 'winback-q1' })
    expect(created).toEqual({ name: 'winback-q1', description: null, members: 0, createdAt: now, updatedAt: now })
    expect(await store.appendListMembers('winback-q1', ['f1', 'f2', 'f2', 'ghost'])).toEqual({ list: 'winback-q1', added: 2, removed: 0, members: 2, unknownIds: ['ghost'] })
    expect(await store.appendListMembers('winback-q1', ['f2', 'f3'])).toEqual({ list: 'winback-q1', added: 1, removed: 0, members: 3, unknownIds: [] })
    expect(await store.replaceListMembers('winback-q1', ['f3', 'f4'])).toEqual({ list: 'winback-q1', added: 1, removed: 2, members: 2, unknownIds: [] })
    const preview = await store.previewSegment({ type: 'list', list: 'winback-q1' }, { now })
    expect(preview.sample).toEqual(['f3', 'f4'])
    expect((await store.listLists()).map((list) => [list.name, list.members])).toEqual([['vip', 2], ['winback-q1', 2]])
  })

  it('rolls a failed list upload back with the transaction around it', async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.replaceListMembers('vip', ['f1'])
        throw new Error('upload aborted')
      }),
    ).rejects.toThrow('upload aborted')
    expect((await store.previewSegment({ type: 'list', list: 'vip' }, { now })).sample).toEqual(['f2', 'f5'])
  })
})
