/**
 * Measures the store's import path: `upsertCustomers` in batches inside one transaction, with
 * ~20 attributes, an e-mail and a phone per customer, as the importers call it; then a
 * 2-condition segment count over the attributes. Not a test (timings vary by machine); run:
 *
 *   npx tsx scripts/measure/measure-upsert.ts [--customers 100000] [--batch 5000] [--dialect sqlite|postgres|both] [--repeat] [--events 0]
 *
 * `--events N`: then N events per customer through `insertEvents` in calls of 1,000 outside a
 * transaction (as the HTTP intake writes them), and the same events again (all duplicates).
 *
 * SQLite goes to a temporary file; Postgres to DATABASE_URL (default the local test database)
 * in a throw-away schema.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import type { CustomerInput, EventInput, StorePort } from '../../engine/ports/store.ts'
import { PgStore } from '../../store/pg/pg-store.ts'
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts'

const REGIONS = ['north', 'south', 'east', 'west', 'centre']
const TIERS = ['diamond', 'gold', 'silver', 'bronze']

/** A deterministic synthetic customer: 20 attributes of mixed types plus two addresses. */
export function syntheticCustomer(n: number): CustomerInput {
  // Cheap integer hash so values vary without a random source.
  const h = (salt: number) => Math.abs(Math.imul(n + 1, 2654435761) ^ Math.imul(salt, 40503)) % 1000
  return {
    id: `m-${String(n).padStart(8, '0')}`,
    timeZone: 'Europe/Paris',
    addresses: { email: `customer${n}@example.com`, phone: `+3361${String(n).padStart(7, '0')}` },
    attributes: {
      age: 18 + (h(1) % 70),
      tenure_months: h(2) % 120,
      region: REGIONS[h(3) % REGIONS.length] as string,
      tier: TIERS[h(4) % TIERS.length] as string,
      monthly_charges: h(5) / 10,
      total_charges: h(6) * 7.3,
      churned: h(7) % 5 === 0,
      has_app: h(8) % 2 === 0,
      senior: h(9) % 7 === 0,
      contract: ['month-to-month', 'one year', 'two year'][h(10) % 3] as string,
      payment: ['card', 'transfer', 'check'][h(11) % 3] as string,
      signup_date: `20${10 + (h(12) % 15)}-0${1 + (h(13) % 9)}-1${h(14) % 10}`,
      recency_days: h(15) % 365,
      frequency_90d: h(16) % 30,
      monetary_90d: h(17) * 3.1,
      score_churn: h(18) / 1000,
      score_response: h(19) / 1000,
      gender: h(20) % 2 === 0 ? 'f' : 'm',
      dependents: h(21) % 4,
      paperless: h(22) % 3 !== 0,
    },
  }
}

async function importCustomers(store: StorePort, total: number, batch: number): Promise<{ ms: number; inserted: number; updated: number }> {
  const started = performance.now()
  let inserted = 0
  let updated = 0
  await store.transaction(async (tx) => {
    for (let start = 0; start < total; start += batch) {
      const rows: CustomerInput[] = []
      for (let n = start; n < Math.min(total, start + batch); n++) rows.push(syntheticCustomer(n))
      const result = await tx.upsertCustomers(rows)
      inserted += result.inserted
      updated += result.updated
    }
  })
  return { ms: performance.now() - started, inserted, updated }
}

/** A deterministic event of customer `n`, the `e`-th. */
function syntheticEvent(n: number, e: number): EventInput {
  return {
    id: `ev-${n}-${e}`,
    customerId: `m-${String(n).padStart(8, '0')}`,
    type: e % 3 === 0 ? 'purchase' : 'app_open',
    at: 1_700_000_000_000 + n * 1_000 + e,
    properties: e % 3 === 0 ? { amount: (n % 97) + e, sku: `s${n % 13}` } : { screen: 'home' },
  }
}

async function ingestEvents(store: StorePort, customers: number, perCustomer: number): Promise<{ ms: number; inserted: number; duplicates: number }> {
  const started = performance.now()
  let inserted = 0
  let duplicates = 0
  let rows: EventInput[] = []
  const flush = async () => {
    const result = await store.insertEvents(rows)
    inserted += result.inserted
    duplicates += result.duplicates
    rows = []
  }
  for (let n = 0; n < customers; n++) {
    for (let e = 0; e < perCustomer; e++) {
      rows.push(syntheticEvent(n, e))
      if (rows.length === 1_000) await flush()
    }
  }
  if (rows.length) await flush()
  return { ms: performance.now() - started, inserted, duplicates }
}

async function measureEvents(label: string, store: StorePort, customers: number, perCustomer: number): Promise<void> {
  if (perCustomer <= 0) return
  const total = customers * perCustomer
  for (const round of ['insert', 'again']) {
    const run = await ingestEvents(store, customers, perCustomer)
    const rate = Math.round(total / (run.ms / 1000))
    console.log(`${label} events ${round}: ${total} in ${(run.ms / 1000).toFixed(2)} s = ${rate.toLocaleString('en')} events/s (inserted ${run.inserted}, duplicates ${run.duplicates})`)
  }
}

function report(label: string, total: number, run: { ms: number; inserted: number; updated: number }): void {
  const rate = Math.round(total / (run.ms / 1000))
  console.log(`${label}: ${total} customers in ${(run.ms / 1000).toFixed(2)} s = ${rate.toLocaleString('en')} customers/s (inserted ${run.inserted}, updated ${run.updated})`)
}

async function measureSqlite(total: number, batch: number, repeat: boolean, events: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-measure-'))
  const store = SqliteStore.open({ path: join(folder, 'measure.db') })
  try {
    await store.migrate()
    report('sqlite insert', total, await importCustomers(store, total, batch))
    if (repeat) report('sqlite re-upsert', total, await importCustomers(store, total, batch))
    await measureEvents('sqlite', store, total, events)
    const query = store.database.prepare(
      "SELECT count(*) FROM customers WHERE attributes ->> '$.age' >= 40 AND attributes ->> '$.region' = 'north'",
    )
    query.pluck().get()
    const started = performance.now()
    const matched = query.get()
    console.log(`sqlite 2-condition count over ${total} customers: ${matched} matched in ${Math.round(performance.now() - started)} ms`)
  } finally {
    await store.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

async function measurePostgres(total: number, batch: number, repeat: boolean, events: number): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schemaName = `sluice_measure_${process.pid}`
  const store = await PgStore.open({ url, schema: schemaName })
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await store.migrate()
    report('postgres insert', total, await importCustomers(store, total, batch))
    if (repeat) report('postgres re-upsert', total, await importCustomers(store, total, batch))
    await measureEvents('postgres', store, total, events)
    await admin.query(`ANALYZE ${schemaName}.customers`)
    const count = `SELECT count(*) FROM ${schemaName}.customers WHERE (attributes ->> 'age')::int >= 40 AND attributes ->> 'region' = 'north'`
    await admin.query(count)
    const started = performance.now()
    const matched = await admin.query(count)
    console.log(`postgres 2-condition count over ${total} customers: ${matched.rows[0].count} matched in ${Math.round(performance.now() - started)} ms`)
  } finally {
    await store.close()
    await admin.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`)
    await admin.end()
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '5000' },
      dialect: { type: 'string', default: 'both' },
      repeat: { type: 'boolean', default: false },
      events: { type: 'string', default: '0' },
    },
  })
  const total = Number(values.customers)
  const batch = Number(values.batch)
  const events = Number(values.events)
  if (values.dialect !== 'postgres') await measureSqlite(total, batch, values.repeat, events)
  if (values.dialect !== 'sqlite') await measurePostgres(total, batch, values.repeat, events)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
