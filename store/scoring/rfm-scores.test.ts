// RFM quintiles in SQL on SQLite and Postgres over one hand-computed fixture: both dialects must
// give exactly these numbers.
import type Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RfmQuery } from '../../engine/ports/rfm.ts'
import type { EventInput, StorePort } from '../../engine/ports/store.ts'
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts'
import { openStore } from '../open-store.ts'
import { scanPays } from './rfm-scores.ts'
import { rfmStatement, toRfmAnswer, type RfmRow } from './rfm-statement.ts'

const DAY = 86_400_000
const now = Date.UTC(2025, 0, 1)
const INJECTION = "'; DROP TABLE events; --"

// [customer, days ago, amount]
const purchases: [string, number, unknown][] = [
  ['a', 1, 10], ['a', 2, 10.1], ['a', 3, 10.2], // recency 1, F 3, M 30.3
  ['b', 1, 30.3], ['b', 50, 0], ['b', 60, 0], // ties a on R (day 1), F and M
  ['c', 10, 100], // recency 10, F 1, M 100
  ['d', 10.5, 7], ['d', 11, '12'], // recency 10 (floor), F 2, M 7 (text amount ignored)
  ['e', 364.9, 1], // recency 364, F 1, M 1
  ['f', 365.1, 1000], // outside the window
  ['g', -2, 1000], // after now
]
const events: EventInput[] = [
  ...purchases.map(([customerId, daysAgo, amount], i): EventInput => ({
    id: `p${i}`, customerId, type: 'purchase', at: now - Math.round(daysAgo * DAY), properties: { amount, [INJECTION]: 5 },
  })),
  { id: 'x1', customerId: 'c', type: INJECTION, at: now - DAY, properties: { amount: 1 } },
]
const query: RfmQuery = { event: 'purchase', amountProperty: 'amount', from: now - 365 * DAY, now }

/**
 * By hand, population a b c d e (n = 5), score = 1 + ⌊(rank − 1)⌋ with RANK() worst first:
 * recency days e 364 (1), c = d 10 (2), a = b 1 (4) → R e1 c2 d2 a4 b4;
 * frequency c = e 1 (1), d 2 (3), a = b 3 (4) → F c1 e1 d3 a4 b4;
 * monetary e 1 (1), d 7 (2), a = b 30.3 (3), c 100 (5) → M e1 d2 a3 b3 c5.
 */
const expected = [
  { id: 'a', recencyDays: 1, frequency: 3, monetary: 30.3, r: 4, f: 4, m: 3 },
  { id: 'b', recencyDays: 1, frequency: 3, monetary: 30.3, r: 4, f: 4, m: 3 },
  { id: 'c', recencyDays: 10, frequency: 1, monetary: 100, r: 2, f: 1, m: 5 },
  { id: 'd', recencyDays: 10, frequency: 2, monetary: 7, r: 2, f: 3, m: 2 },
  { id: 'e', recencyDays: 364, frequency: 1, monetary: 1, r: 1, f: 1, m: 1 },
]

const dialects: { name: string; open(): Promise<StorePort>; close(): Promise<void> }[] = []
let pgSchema: TestSchema | undefined
dialects.push({ name: 'sqlite', open: () => openStore({ db: ':memory:', now: () => now }), close: async () => {} })
dialects.push({
  name: 'postgres',
  async open() {
    pgSchema = await createTestSchema('the RFM scores suite')
    return openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema, now: () => now })
  },
  close: async () => pgSchema?.drop(),
})

for (const dialect of dialects) {
  describe(`rfmScores on ${dialect.name}`, () => {
    let store: StorePort
    const keys = new Map<string, number>()
    beforeAll(async () => {
      store = await dialect.open()
      await store.upsertCustomers(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => ({ id })))
      const result = await store.insertEvents(events)
      expect(result.inserted).toBe(events.length)
      for (const c of await store.getCustomers(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])) keys.set(c.id, c.key)
    })
    afterAll(async () => {
      await store?.close()
      await dialect.close()
    })
    const key = (id: string) => keys.get(id) as number
    const idOf = (k: number) => [...keys].find(([, v]) => v === k)?.[0]

    it('scores the cohort against the whole population, ties sharing the lower quintile', async () => {
      const answer = await store.rfmScores(query, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(key))
      expect(answer.population).toBe(5)
      expect(answer.scores.map(({ key: k, ...rest }) => ({ id: idOf(k), ...rest }))).toEqual(expected)
    })

    it('answers a part of the cohort with the same population scores, and a cohort without buyers with the population only', async () => {
      const part = await store.rfmScores(query, [key('c'), key('h')])
      expect(part).toEqual({ population: 5, scores: [{ key: key('c'), recencyDays: 10, frequency: 1, monetary: 100, r: 2, f: 1, m: 5 }] })
      expect(await store.rfmScores(query, [key('f'), key('g')])).toEqual({ population: 5, scores: [] })
      expect(await store.rfmScores(query, [])).toEqual({ population: 5, scores: [] })
    })

    it('ranks the population once into boundaries that score any batch of the cohort the same', async () => {
      // Worst first: recency 364 10 10 1 1, frequency 1 1 2 3 3, monetary 1 7 30.3 30.3 100; positions ⌈s·5/5⌉ = 1..4.
      const population = await store.rfmPopulation(query)
      expect(population).toEqual({ population: 5, recencyDays: [364, 10, 10, 1], frequency: [1, 1, 2, 3], monetary: [1, 7, 30.3, 30.3] })
      const batches = [['a', 'h'], ['b', 'c'], ['d', 'e', 'f']]
      const scores = []
      for (const batch of batches) scores.push(...(await store.rfmScores(query, batch.map(key), population)).scores)
      expect(scores.map(({ key: k, ...rest }) => ({ id: idOf(k), ...rest }))).toEqual(expected)
      expect(await store.rfmPopulation({ ...query, event: 'nothing' })).toEqual({ population: 0, recencyDays: [], frequency: [], monetary: [] })
    })

    it('treats an SQL-looking event type and property as plain values', async () => {
      const odd = await store.rfmScores({ ...query, event: INJECTION }, [key('c')])
      expect(odd).toEqual({ population: 1, scores: [{ key: key('c'), recencyDays: 1, frequency: 1, monetary: 1, r: 1, f: 1, m: 1 }] })
      const byOddProperty = await store.rfmScores({ ...query, amountProperty: INJECTION }, [key('a')])
      expect(byOddProperty.scores[0]).toMatchObject({ monetary: 15, frequency: 3 })
      expect(await store.countCustomers()).toBe(8)
    })
  })
}

describe('rfmStatement', () => {
  it('binds every value and name as a parameter', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const statement = rfmStatement({ ...query, event: INJECTION, amountProperty: INJECTION }, dialect, [1, 2])
      expect(statement.text).not.toContain('DROP')
      expect(statement.params.values).toContain(INJECTION)
    }
  })

  it('refuses times that are not epoch milliseconds and non-integer keys', () => {
    expect(() => rfmStatement({ ...query, from: 1.5 }, 'sqlite', [])).toThrow(/epoch milliseconds/)
    expect(() => rfmStatement({ ...query, from: now + 1 }, 'sqlite', [])).toThrow(/starts after it ends/)
    expect(() => rfmStatement(query, 'postgres', [Number.NaN])).toThrow(/integers/)
  })
})

describe('rfmScores by population boundaries', () => {
  it('gives exactly the one-statement RANK() scores on a population full of ties, the events scanned or read by index', async () => {
    const store = await openStore({ db: ':memory:', now: () => now })
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `r${i}`)
      await store.upsertCustomers(ids.map((id) => ({ id })))
      // A deterministic spread with many ties: few distinct days, counts and amounts.
      let seed = 7
      const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647
      const rows: EventInput[] = []
      ids.forEach((customerId, i) => {
        const count = i % 7 === 0 ? 0 : 1 + Math.floor(next() * 4)
        for (let k = 0; k < count; k++) {
          rows.push({ id: `q${i}-${k}`, customerId, type: 'purchase', at: now - Math.floor(next() * 20) * DAY - 1000, properties: { amount: Math.floor(next() * 5) * 2.5 } })
        }
      })
      await store.insertEvents(rows)
      const keys = (await store.getCustomers(ids)).map((c) => c.key)
      const statement = rfmStatement(query, 'sqlite', keys)
      const db = (store as unknown as { database: Database.Database }).database
      const byRank = toRfmAnswer(db.prepare(statement.text).all(statement.params.bindings()) as RfmRow[])
      const population = await store.rfmPopulation(query)
      const batched = []
      for (let i = 0; i < keys.length; i += 37) batched.push(...(await store.rfmScores(query, keys.slice(i, i + 37), population)).scores)
      expect(byRank.population).toBe(population.population)
      expect(byRank.scores.length).toBeGreaterThan(200)
      expect(batched).toEqual(byRank.scores)

      // Enough other events that purchases drop below one in 16: the population is read through
      // the (type, at) index instead of a table scan, with the same boundaries.
      expect(scanPays(db, query)).toBe(true)
      const others = Array.from({ length: 16 * rows.length }, (_, i): EventInput => ({ id: `v${i}`, customerId: ids[i % ids.length] as string, type: 'page_view', at: now - DAY, properties: {} }))
      await store.insertEvents(others)
      expect(scanPays(db, query)).toBe(false)
      expect(await store.rfmPopulation(query)).toEqual(population)
    } finally {
      await store.close()
    }
  })
})
