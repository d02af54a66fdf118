// The same segments give the same customers on SQLite and Postgres: a battery of varied
// segments over the same generated data set (telco attributes, addresses, consents, twelve
// months of events) plus score / RFM tags, odd attribute values and a static list. For each
// segment both dialects must agree, the cohort (probe) evaluation must agree with the
// whole-store (set) one, a preview's sample must be the same whether it tests customers one by
// one or gathers every condition's keys first, and the segment must select some but not all
// customers, so a compiler that matched everyone or no one would fail here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CustomerInput, StorePort, Tag } from '../engine/ports/store.ts'
import { parseSegment, RFM_CELLS, type Segment } from '../engine/segment/index.ts'
import { generateIntoStore, generatedCustomerId } from '../demo/generate.ts'
import { openStore } from '../store/open-store.ts'
import type { PgStore } from '../store/pg/pg-store.ts'
import type { EvaluationMode } from '../store/segment/compile-segment.ts'
import { sampleStatement } from '../store/segment/segment-statements.ts'
import type { SqliteStore } from '../store/sqlite/sqlite-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { createTempFolder, type TempFolder } from './support/sqlite.ts'

const CUSTOMERS = 1500
const SEED = 'segment-dialects'
const now = Date.UTC(2025, 0, 1)
const DAY = 86_400_000

/** Deterministic extras on top of the generator: scores, RFM cells, flags and awkward values. */
function extras(): CustomerInput[] {
  const rows: CustomerInput[] = []
  for (let serial = 1; serial <= CUSTOMERS; serial++) {
    const id = generatedCustomerId(serial)
    const tags: Tag[] = []
    if (serial % 3 !== 0) tags.push({ name: 'churn_probability', layer: 'predictive', value: ((serial * 7919) % 1000) / 1000, at: now - (serial % 60) * DAY })
    if (serial % 4 !== 1) tags.push({ name: 'rfm_cell', layer: 'model', value: RFM_CELLS[serial % RFM_CELLS.length] as string, at: now - DAY })
    if (serial % 10 === 0) tags.push({ name: 'vip', layer: 'raw', value: serial % 20 === 0, at: now - 3 * DAY })
    const attributes: CustomerInput['attributes'] = {}
    // Awkward values: numbers as text, an offset instant, an impossible date, empty text, unicode.
    if (serial % 11 === 0) attributes.tenure = String(serial % 70)
    if (serial % 13 === 0) attributes.signup_date = `2024-0${1 + (serial % 9)}-15T23:30:00${serial % 2 ? '+05:30' : '-0800'}`
    if (serial % 17 === 0) attributes.signup_date = '2024-02-30'
    if (serial % 19 === 0) attributes.nickname = serial % 38 === 0 ? '' : `Zoë ${serial}`
    rows.push({ id, attributes, tags })
  }
  return rows
}

const attr = (name: string, op: string, more: Record<string, unknown> = {}) => ({ type: 'attribute', name, op, ...more })

const BATTERY: [string, unknown][] = [
  ['long tenure', attr('tenure', 'gte', { value: 48 })],
  ['monthly charges band', attr('monthly_charges', 'between', { from: 30, to: 70.5 })],
  ['contract enum in', attr('contract', 'in', { values: ['One year', 'Two year'] })],
  ['fibre and month-to-month', { type: 'all', conditions: [attr('internet_service', 'eq', { value: 'Fiber optic' }), attr('contract', 'eq', { value: 'Month-to-month' })] }],
  ['churned (boolean)', attr('churn', 'eq', { value: true })],
  ['automatic payment (contains, any case)', attr('payment_method', 'contains', { value: 'AUTOMATIC', ignoreCase: true })],
  ['gold or better', attr('member_tier', 'not-in', { values: ['bronze', 'silver'] })],
  ['signed up within the last 6 months', attr('signup_date', 'within-last', { amount: 6, unit: 'months' })],
  ['signed up before 2020', attr('signup_date', 'lt', { value: '2020-01-01' })],
  ['total charges missing', attr('total_charges', 'is-empty')],
  ['nickname present', attr('nickname', 'is-not-empty')],
  ['2+ purchases in the last 90 days', { type: 'event', event: 'purchase', within: { amount: 90, unit: 'days' }, aggregate: { op: 'gte', value: 2 } }],
  ['a purchase over 100', { type: 'event', event: 'purchase', where: [{ property: 'amount', op: 'gt', value: 100 }] }],
  ['spent 200 or more in a year', { type: 'event', event: 'purchase', within: { amount: 365, unit: 'days' }, aggregate: { of: 'sum', property: 'amount', op: 'gte', value: 200 } }],
  ['no app login in 30 days', { type: 'event', event: 'app_login', within: { amount: 30, unit: 'days' }, aggregate: { op: 'eq', value: 0 } }],
  ['at most 1 page view on /plans', { type: 'event', event: 'page_view', where: [{ property: 'page', op: 'eq', value: '/plans' }], aggregate: { op: 'lte', value: 1 } }],
  ['last purchase more than 60 days ago', { type: 'event', event: 'purchase', last: { op: 'older-than', amount: 60, unit: 'days' } }],
  ['cart SKU starts with PHONE', { type: 'event', event: 'cart_add', where: [{ property: 'sku', op: 'starts-with', value: 'PHONE' }], since: '2024-07-01' }],
  ['upgraded to gold', { type: 'event', event: 'tier_change', where: [{ property: 'to', op: 'eq', value: 'gold' }] }],
  ['average purchase ≥ 40', { type: 'event', event: 'purchase', aggregate: { of: 'avg', property: 'amount', op: 'gte', value: 40 } }],
  ['churn score ≥ 0.7 set within 30 days', { type: 'tag', name: 'churn_probability', op: 'gte', value: 0.7, setWithin: { amount: 30, unit: 'days' } }],
  ['RFM at risk or can\'t lose them', { type: 'rfm', cells: ['at-risk', 'cant-lose-them'] }],
  ['vip tag false', { type: 'tag', name: 'vip', op: 'eq', value: false }],
  ['reachable by SMS with consent', { type: 'all', conditions: [{ type: 'address', kind: 'phone' }, { type: 'consent', channel: 'sms' }] }],
  ['e-mail consent revoked or never stated', { type: 'any', conditions: [{ type: 'consent', channel: 'email', status: 'revoked' }, { type: 'consent', channel: 'email', status: 'none' }] }],
  ['prefers push or WeChat', { type: 'preferred-channel', channels: ['push', 'wechat'] }],
  ['on the win-back list but not a senior', { type: 'all', conditions: [{ type: 'list', list: 'winback' }, { type: 'not', condition: attr('senior_citizen', 'eq', { value: 1 }) }] }],
  [
    'win-back audience',
    {
      type: 'all',
      conditions: [
        { type: 'any', conditions: [{ type: 'rfm', cells: ['at-risk', 'hibernating'] }, { type: 'tag', name: 'churn_probability', op: 'gt', value: 0.5 }] },
        { type: 'not', condition: { type: 'event', event: 'purchase', within: { amount: 30, unit: 'days' } } },
        { type: 'address', kind: 'email' },
      ],
    },
  ],
]

interface Side {
  name: string
  store: StorePort
  idsByKey: Map<number, string>
}

let folder: TempFolder | undefined
let pgSchema: TestSchema | undefined
const sides: Side[] = []

async function load(store: StorePort): Promise<Side['idsByKey']> {
  await generateIntoStore(store, { customers: CUSTOMERS, seed: SEED, asOf: now })
  await store.transaction(async (tx) => {
    await tx.upsertCustomers(extras())
    await tx.createList({ name: 'winback' })
    await tx.appendListMembers('winback', Array.from({ length: CUSTOMERS }, (_, i) => generatedCustomerId(i + 1)).filter((_, i) => i % 5 === 2))
  })
  const ids = new Map<number, string>()
  for (let afterKey = 0; ; ) {
    const page = await store.listCustomers({ afterKey, limit: 1000 })
    if (page.length === 0) return ids
    for (const customer of page) ids.set(customer.key, customer.id)
    afterKey = page[page.length - 1]!.key
  }
}

/** The first `limit` ids of a preview's sample evaluated in `mode` (previewSegment picks the mode by the count). */
async function sampleIn(side: Side, segment: Segment, mode: EvaluationMode, limit: number): Promise<string[]> {
  const statement = sampleStatement(parseSegment(segment), side.store.dialect, now, limit, mode)
  if (side.store.dialect === 'sqlite') {
    const rows = (side.store as SqliteStore).database.prepare(statement.text).all(statement.params.bindings()) as { id: string }[]
    return rows.map((row) => row.id)
  }
  const result = await (side.store as PgStore).pool.query<{ id: string }>(statement.text, statement.params.values)
  return result.rows.map((row) => row.id)
}

function idsOf(side: Side, keys: Set<number>): string[] {
  return [...keys].map((key) => side.idsByKey.get(key) as string).sort()
}

beforeAll(async () => {
  folder = createTempFolder('sluice-segment-dialects-')
  pgSchema = await createTestSchema('the segment dialect battery')
  const sqlite = await openStore({ db: folder.db('battery'), now: () => now })
  const postgres = await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema, now: () => now })
  const [sqliteIds, pgIds] = await Promise.all([load(sqlite), load(postgres)])
  sides.push({ name: 'sqlite', store: sqlite, idsByKey: sqliteIds }, { name: 'postgres', store: postgres, idsByKey: pgIds })
}, 120_000)

afterAll(async () => {
  for (const side of sides) await side.store.close()
  folder?.remove()
  await pgSchema?.drop()
})

describe('segments give the same customers on SQLite and Postgres', () => {
  it('loads the same data on both', () => {
    const [sqlite, postgres] = sides
    expect(sqlite?.idsByKey.size).toBe(CUSTOMERS)
    expect([...(postgres?.idsByKey.values() ?? [])].sort()).toEqual([...(sqlite?.idsByKey.values() ?? [])].sort())
  })

  it.each(BATTERY)('%s', async (_name, segment) => {
    const results: string[][] = []
    for (const side of sides) {
      const all = idsOf(side, await side.store.matchSegment(segment as Segment, { now }))
      const preview = await side.store.previewSegment(segment as Segment, { now, sample: 5 })
      expect(preview.count, `${side.name} count`).toBe(all.length)
      expect(preview.sample, `${side.name} sample`).toEqual(all.slice(0, 5))
      for (const mode of ['set', 'probe'] as const) expect(await sampleIn(side, segment as Segment, mode, 5), `${side.name} sample by ${mode}`).toEqual(all.slice(0, 5))
      // A cohort (every 7th customer) evaluated by probes agrees with the set-based answer.
      const cohort = [...side.idsByKey.keys()].filter((key) => key % 7 === 3)
      const inCohort = new Set(cohort.map((key) => side.idsByKey.get(key)))
      const probed = idsOf(side, await side.store.matchSegment(segment as Segment, { now, keys: cohort }))
      expect(probed, `${side.name} cohort`).toEqual(all.filter((id) => inCohort.has(id)))
      results.push(all)
    }
    const [sqlite, postgres] = results as [string[], string[]]
    expect(sqlite.length, 'selects someone').toBeGreaterThan(0)
    expect(sqlite.length, 'does not select everyone').toBeLessThan(CUSTOMERS)
    expect(postgres).toEqual(sqlite)
  })
})
