/**
 * Measures the RFM query: `customers` customers, ~`purchases` purchase events each on average
 * spread over two years, then `rfmScores` for a 5,000-customer cohort and for everyone at once
 * (the population is ranked either way). Not a test (timings vary by machine); run:
 *
 *   npx tsx scripts/measure/measure-rfm.ts [--customers 100000] [--purchases 5] [--dialect sqlite|postgres]
 *
 * SQLite goes to a temporary file; Postgres to DATABASE_URL (default the local test database)
 * in a throw-away schema.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { EventInput, StorePort } from '../../engine/ports/store.ts'
import { createTestSchema } from '../../test/support/postgres.ts'
import { openStore } from '../../store/open-store.ts'

const DAY = 86_400_000
const NOW = Date.UTC(2025, 0, 1)
const BATCH = 5_000

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '100000' }, purchases: { type: 'string', default: '5' }, dialect: { type: 'string', default: 'sqlite' } },
})
const customers = Number(values.customers)
const perCustomer = Number(values.purchases)

// Cheap integer hash so the data varies without a random source.
const h = (n: number, salt: number) => (Math.abs(Math.imul(n + 1, 2654435761) ^ Math.imul(salt + 7, 40503)) >>> 0) % 100_000

async function load(store: StorePort): Promise<number[]> {
  let events = 0
  await store.transaction(async (tx) => {
    for (let start = 0; start < customers; start += BATCH) {
      const ids = Array.from({ length: Math.min(BATCH, customers - start) }, (_, i) => `r-${start + i}`)
      await tx.upsertCustomers(ids.map((id) => ({ id })))
      const batch: EventInput[] = []
      ids.forEach((id, i) => {
        const n = start + i
        const count = h(n, 1) % (2 * perCustomer + 1)
        for (let k = 0; k < count; k++) {
          batch.push({ id: `${id}-${k}`, customerId: id, type: 'purchase', at: NOW - (h(n, k + 2) % 730) * DAY - (h(n, k + 99) % 1000) * 60_000, properties: { amount: (h(n, k + 50) % 50_000) / 100 } })
        }
      })
      events += batch.length
      await tx.insertEvents(batch)
    }
  })
  const keys: number[] = []
  for (let after = 0; ; ) {
    const page = await store.listCustomers({ afterKey: after, limit: 10_000 })
    if (page.length === 0) break
    for (const c of page) keys.push(c.key)
    after = page[page.length - 1]?.key ?? after
  }
  console.log(`loaded ${customers} customers, ${events} purchases`)
  return keys
}

async function time(label: string, fn: () => Promise<unknown>): Promise<void> {
  await fn() // warm-up: statement preparation and caches
  const start = performance.now()
  const runs = 3
  for (let i = 0; i < runs; i++) await fn()
  console.log(`${label}: ${((performance.now() - start) / runs).toFixed(0)} ms`)
}

const folder = mkdtempSync(join(tmpdir(), 'sluice-rfm-'))
const schema = values.dialect === 'postgres' ? await createTestSchema('measure-rfm') : undefined
const store = schema
  ? await openStore({ databaseUrl: schema.url, pgSchema: schema.schema, now: () => NOW })
  : await openStore({ db: join(folder, 'rfm.db'), now: () => NOW })
try {
  const keys = await load(store)
  const query = { event: 'purchase', amountProperty: 'amount', from: NOW - 365 * DAY, now: NOW }
  const population = (await store.rfmScores(query, [])).population
  console.log(`${values.dialect}: population (buyers in 365 days) ${population}`)
  await time('rfmScores, cohort of 5,000', () => store.rfmScores(query, keys.slice(0, 5_000)))
  await time(`rfmScores, cohort of everyone (${keys.length})`, () => store.rfmScores(query, keys))
} finally {
  await store.close()
  await schema?.drop()
  rmSync(folder, { recursive: true, force: true })
}
