import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../engine/sdk/index.ts'
import type { CustomerInput, EventInput, StorePort } from '../../engine/sdk/index.ts'
import { validateNodeConfig } from '../../engine/sdk/index.ts'
import { openStore } from '../../store/open-store.ts'
import { DEFAULT_TEST_NOW, testNode } from '../../testing/index.ts'
import filterSegment from './index.ts'

const DAY = 86_400_000
const now = DEFAULT_TEST_NOW

const customers: CustomerInput[] = [
  { id: 'c-1', attributes: { tenure: 24, contract: 'Two year' }, tags: [{ name: 'churn_probability', layer: 'predictive', value: 0.82, at: now - DAY }] },
  { id: 'c-2', attributes: { tenure: 2, contract: 'Month-to-month' }, tags: [{ name: 'churn_probability', layer: 'predictive', value: 0.91, at: now - DAY }] },
  { id: 'c-3', attributes: { tenure: 30, contract: "'; DROP TABLE customers; --" } },
  { id: 'c-4', attributes: { contract: 'One year' } },
  { id: 'c-5', attributes: { tenure: 13 }, addresses: { email: 'five@example.org' } },
]

const purchase = (id: string, customerId: string, daysAgo: number, amount: number): EventInput => ({
  id, customerId, type: 'purchase', at: now - daysAgo * DAY, properties: { amount },
})
const events: EventInput[] = [
  purchase('p1', 'c-1', 5, 120), purchase('p2', 'c-1', 20, 150), purchase('p3', 'c-1', 60, 101),
  purchase('p4', 'c-3', 10, 500), purchase('p5', 'c-3', 200, 500), purchase('p6', 'c-3', 40, 99),
  purchase('p7', 'c-5', 1, 300), purchase('p8', 'c-5', 2, 300), purchase('p9', 'c-5', 3, 300),
  // After `now`: a simulation at `now` must not see it.
  purchase('p10', 'c-2', -1, 999),
]

const loyalBuyers = {
  segment: {
    type: 'all',
    conditions: [
      { type: 'attribute', name: 'tenure', op: 'gte', value: 12 },
      {
        type: 'event',
        event: 'purchase',
        where: [{ property: 'amount', op: 'gt', value: 100 }],
        within: { amount: 90, unit: 'days' },
        aggregate: { op: 'gte', value: 3 },
      },
    ],
  },
} as const

describe('filter-segment', () => {
  let store: StorePort | undefined
  afterEach(async () => {
    await store?.close()
    store = undefined
  })

  it('routes "at least 3 purchases over 100 in the last 90 days" with tenure ≥ 12 to match, in one query per batch', async () => {
    const result = await testNode(filterSegment, { customers, events, config: loyalBuyers })
    expect(result.routes.match).toEqual(['c-1', 'c-5'])
    expect(result.routes['no match']).toEqual(['c-2', 'c-3', 'c-4'])
    expect(result.calls.matchSegment).toBe(1)
    expect(result.calls.customers).toBe(0)
    expect(result.decisions.find((d) => d.customer === 'c-1')?.explanation).toBe(
      'matched the segment: tenure ≥ 12 and at least 3 purchase events (amount > 100) in the last 90 days',
    )
  })

  it('gives the same routes whatever the batch size and order', async () => {
    const whole = await testNode(filterSegment, { customers, events, config: loyalBuyers })
    const batched = await testNode(filterSegment, { customers, events, config: loyalBuyers, batchSize: 2, order: 'reverse' })
    expect(batched.routes).toEqual(whole.routes)
    expect(batched.calls.matchSegment).toBe(3)
  })

  it('evaluates relative times at ctx.now(), ignoring later events', async () => {
    const segment = { type: 'event', event: 'purchase', within: { amount: 7, unit: 'days' } } as const
    const atNow = await testNode(filterSegment, { customers, events, config: { segment } })
    expect(atNow.routes.match).toEqual(['c-1', 'c-5'])
    const later = await testNode(filterSegment, { customers, events, config: { segment }, now: now + 4 * DAY })
    expect(later.routes.match).toEqual(['c-2', 'c-5'])
  })

  it('treats an SQL-looking value as a plain value', async () => {
    const segment = { type: 'attribute', name: 'contract', op: 'eq', value: "'; DROP TABLE customers; --" } as const
    const result = await testNode(filterSegment, { customers, config: { segment } })
    expect(result.routes.match).toEqual(['c-3'])
    expect(result.routes['no match']).toHaveLength(4)
  })

  it('matches predictive tags (scores), negations and reachability', async () => {
    const segment = {
      type: 'any',
      conditions: [
        { type: 'all', conditions: [{ type: 'tag', name: 'churn_probability', op: 'gte', value: 0.9 }, { type: 'not', condition: { type: 'attribute', name: 'tenure', op: 'gt', value: 12 } }] },
        { type: 'address', kind: 'email' },
      ],
    } as const
    const result = await testNode(filterSegment, { customers, config: { segment } })
    expect(result.routes.match).toEqual(['c-2', 'c-5'])
  })

  it('filters by static list membership', async () => {
    store = await openStore({ db: ':memory:', now: () => now })
    await store.upsertCustomers(customers)
    await store.createList({ name: 'vip-2025' })
    const upload = await store.replaceListMembers('vip-2025', ['c-4', 'c-2', 'nobody'])
    expect(upload).toMatchObject({ added: 2, members: 2, unknownIds: ['nobody'] })
    const result = await testNode(filterSegment, { store, customers: customers.map((c) => c.id), config: { segment: { type: 'list', list: 'vip-2025' } } })
    expect(result.routes.match).toEqual(['c-2', 'c-4'])
  })

  it('rejects a bad segment with the path of the field', () => {
    const bad = { segment: { type: 'all', conditions: [{ type: 'attribute', name: 'tenure', op: 'gte' }, { type: 'tagg', name: 'x' }] } }
    const { issues } = validateNodeConfig(filterSegment, bad)
    expect(issues.map((i) => i.path)).toEqual(['config.segment.conditions[0].value', 'config.segment.conditions[1].type'])
    expect(issues[0]?.message).toBe('required by operator "gte"')
    expect(issues[1]?.message).toMatch(/expected type to be one of "all", "any"/)
    return expect(testNode(filterSegment, { customers: ['x'], config: bad as never })).rejects.toBeInstanceOf(ConfigError)
  })
})
