/**
 * The benchmark's data set: N customers with what the reference campaign and the segment
 * previews need (attributes, addresses, consents, purchases with amounts over 18 months, e-mail
 * opens and app logins, contact history so frequency caps bite, suppressions, tags, two static
 * lists, and purchases during the campaign for its measure node), generated set-based in SQL on
 * a SQLite file. Every value is a pure function of (seed, customer, what is drawn):
 * `bench_u(salt, i, k)` is a registered deterministic hash, so the same arguments give the same
 * file, and building 1M customers takes about 100 s on a loaded 2-core machine (55 s of CPU) where
 * the demo generator (demo/) needs several minutes.
 *
 * The built file is cached under `bench/tmp/` keyed by (customers, seed, dataset version); runs
 * work on copies of it, so each engine starts from the same store. Migrations added after a
 * file was built are applied when it is opened, as on any store.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import type { AttributeDef } from '../engine/ports/store.ts'
import { RFM_CELLS } from '../engine/segment/index.ts'
import { openStore } from '../store/open-store.ts'
import type { SqliteStore } from '../store/sqlite/sqlite-store.ts'

/** Bump when what the generator writes changes: cached files of older versions are not reused. */
export const DATASET_VERSION = 3

const DAY = 86_400_000

/** The data set's "now": Monday 6 January 2025, 09:00 UTC. Events lie before it; the campaign starts at it. */
export const BENCH_NOW = Date.UTC(2025, 0, 6, 9)

/** Where cached data sets live by default (gitignored). */
export const DEFAULT_BENCH_DIR = fileURLToPath(new URL('./tmp/', import.meta.url))

/** What the data set holds, counted after the build (so a changed generator cannot misreport). */
export interface DatasetCounts {
  customers: number
  events: number
  purchases: number
  addresses: number
  consents: number
  contacts: number
  tags: number
  suppressions: number
  listMembers: number
}

/** A built (or cached) data set. */
export interface Dataset {
  /** The cached SQLite file; copy it before writing to it. */
  file: string
  customers: number
  seed: string
  /** True when the file came from the cache (buildMs is then the time of the check only). */
  cached: boolean
  buildMs: number
  bytes: number
  counts: DatasetCounts
}

/** The attribute catalogue of the data set (declared, so segments validate against it). */
export const BENCH_ATTRIBUTES: AttributeDef[] = [
  { name: 'plan', type: 'enum', values: ['none', 'basic', 'plus', 'premium'], source: 'declared', description: 'Current plan' },
  { name: 'tenure', type: 'number', source: 'declared', description: 'Months as a customer' },
  { name: 'region', type: 'enum', values: ['north', 'south', 'east', 'west', 'central'], source: 'declared', description: 'Sales region' },
  { name: 'age', type: 'number', source: 'declared', description: 'Age in years' },
  { name: 'member_tier', type: 'enum', values: ['bronze', 'silver', 'gold', 'platinum'], source: 'declared', description: 'Loyalty tier' },
  { name: 'signup_date', type: 'date', source: 'declared', description: 'First contract' },
  { name: 'monthly_charges', type: 'number', source: 'declared', description: 'Current monthly charge' },
  { name: 'churned', type: 'boolean', source: 'declared', description: 'Cancelled the contract' },
  { name: 'city', type: 'string', source: 'declared', description: 'City of the billing address' },
]

/** A 32-bit integer hash (lowbias32); the generator's only source of variation. */
function mix(value: number): number {
  let x = value >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d)
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b)
  return (x ^ (x >>> 16)) >>> 0
}

/** The seed as a 32-bit number (FNV-1a over its characters). */
function seedHash(seed: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Uniform in [0, 1) for (seed, salt, i, k). */
export function benchUniform(seed: string, salt: number, i: number, k: number): number {
  return uniformOf(seed)(salt, i, k)
}

/** `benchUniform` for one seed, its hash computed once (the build calls it tens of millions of times). */
function uniformOf(seed: string): (salt: number, i: number, k: number) => number {
  const hashed = seedHash(seed)
  return (salt, i, k) => mix(mix(mix(hashed ^ mix(salt)) ^ i) ^ mix(k + 0x9e3779b9)) / 4_294_967_296
}

/** The cache file name for these parameters. */
export function datasetFileName(customers: number, seed: string): string {
  const safeSeed = seed.replace(/[^A-Za-z0-9_-]/g, '_')
  return `dataset-v${DATASET_VERSION}-${customers}-${safeSeed}.db`
}

/** The data set for (customers, seed): from the cache in `dir`, or built there. */
export async function ensureDataset(options: { customers: number; seed: string; dir: string; onProgress?: (step: string, done: number, total: number) => void }): Promise<Dataset> {
  const started = performance.now()
  mkdirSync(options.dir, { recursive: true })
  const file = path.join(options.dir, datasetFileName(options.customers, options.seed))
  const cached = existsSync(file)
  if (!cached) await buildDataset(file, options)
  const counts = await countDataset(file)
  return { file, customers: options.customers, seed: options.seed, cached, buildMs: performance.now() - started, bytes: statSync(file).size, counts }
}

/** Copies the data set to `target` (a fresh store for one engine); returns the milliseconds it took. */
export function copyDataset(dataset: Dataset, target: string): number {
  const started = performance.now()
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true })
  copyFileSync(dataset.file, target)
  return performance.now() - started
}

/** Counts what the file holds; opening it applies migrations newer than the file. */
async function countDataset(file: string): Promise<DatasetCounts> {
  const store = await openStore({ db: file, migrate: true })
  try {
    const db = (store as SqliteStore).database
    const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0
    return {
      customers: count('SELECT count(*) FROM customers'),
      events: count('SELECT count(*) FROM events'),
      purchases: count(`SELECT count(*) FROM events WHERE type = 'purchase'`),
      addresses: count('SELECT count(*) FROM customer_addresses'),
      consents: count('SELECT count(*) FROM consents'),
      contacts: count('SELECT count(*) FROM contacts'),
      tags: count('SELECT count(*) FROM customer_tags'),
      suppressions: count('SELECT count(*) FROM suppressions'),
      listMembers: count('SELECT count(*) FROM static_list_members'),
    }
  } finally {
    await store.close()
  }
}

/** Builds into a temporary name and renames at the end, so an interrupted build is never reused. */
async function buildDataset(file: string, options: { customers: number; seed: string; onProgress?: (step: string, done: number, total: number) => void }): Promise<void> {
  const partial = `${file}.building`
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true })
  const store = await openStore({ db: partial, migrate: true, now: () => BENCH_NOW })
  try {
    await store.defineAttributes(BENCH_ATTRIBUTES)
    const db = (store as SqliteStore).database
    // The partial file is thrown away if the build fails, so it needs no journal: without the WAL
    // every page is written once (into the file) instead of twice (into the WAL, then checkpointed).
    db.pragma('journal_mode = OFF')
    db.pragma('synchronous = OFF')
    // Every key the statements write comes from the customers table: no foreign-key probe per row.
    db.pragma('foreign_keys = OFF')
    // Index sorts of millions of rows go through temporary files, not the heap.
    db.pragma('temp_store = FILE')
    const uniform = uniformOf(options.seed)
    db.function('bench_u', { deterministic: true }, (salt: unknown, i: unknown, k: unknown) => uniform(Number(salt), Number(i), Number(k)))
    const steps = generationSteps(options.customers)
    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${BULK_TABLES.map(() => '?').join(', ')})`).all(...BULK_TABLES) as { name: string; sql: string }[]
    db.exec('BEGIN')
    // Secondary indexes are built once at the end (a sort) instead of row by row.
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`)
    steps.forEach((step, i) => {
      options.onProgress?.(step.label, i, steps.length + 1)
      db.prepare(step.sql).run(step.params ?? {})
    })
    options.onProgress?.('indexes', steps.length, steps.length + 1)
    for (const index of indexes) db.exec(index.sql)
    db.exec('COMMIT')
    db.pragma('journal_mode = WAL')
  } finally {
    await store.close()
  }
  renameSync(partial, file)
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true })
}

const BULK_TABLES = ['customers', 'customer_addresses', 'consents', 'events', 'contacts', 'customer_tags', 'suppressions', 'static_list_members']

interface Step {
  label: string
  sql: string
  params?: Record<string, number | string>
}

/** `CASE` picking one of `values` by the uniform `u` (equal weights). */
function pick(u: string, values: readonly string[]): string {
  return `(CASE CAST(${u} * ${values.length} AS INTEGER) ${values.map((v, i) => `WHEN ${i} THEN '${v}'`).join(' ')} END)`
}

const ZONES = ['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Asia/Shanghai', 'Asia/Tokyo', 'Australia/Sydney', 'UTC']
const CITIES = ['Springfield', 'Riverside', 'Fairview', 'Franklin', 'Greenville', 'Bristol', 'Clinton', 'Madison', 'Georgetown', 'Salem']

/**
 * The statements, in order. Salts name what is drawn: 1–19 customer fields, 20–29 purchases,
 * 30–39 other events, 40–49 addresses and consents, 50–60 contacts, tags, lists, suppressions.
 */
function generationSteps(customers: number): Step[] {
  const now = BENCH_NOW
  const params = { n: customers, now, day: DAY }
  const u = (salt: number, k = '0') => `bench_u(${salt}, c.key, ${k})`
  // Numbers 0..15: the k-th event of a customer.
  const numbers = `WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 15)`
  const has = (salt: number, share: number) => `${u(salt)} < ${share}`
  return [
    {
      label: 'customers',
      params,
      sql: `WITH RECURSIVE seq(key) AS (SELECT 1 UNION ALL SELECT key + 1 FROM seq WHERE key < :n)
        INSERT INTO customers (key, external_id, time_zone, preferred_channel, attributes, created_at, updated_at)
        SELECT c.key, 'bc-' || printf('%07d', c.key), ${pick(u(1), ZONES)},
          CASE WHEN ${u(2)} < 0.30 THEN 'email' WHEN ${u(2)} < 0.50 THEN 'sms' WHEN ${u(2)} < 0.65 THEN 'push' END,
          jsonb_object(
            'plan', CASE WHEN ${u(3)} < 0.08 THEN 'none' WHEN ${u(3)} < 0.55 THEN 'basic' WHEN ${u(3)} < 0.85 THEN 'plus' ELSE 'premium' END,
            'tenure', CAST(${u(4)} * 73 AS INTEGER),
            'region', ${pick(u(5), ['north', 'south', 'east', 'west', 'central'])},
            'age', 18 + CAST(${u(6)} * 63 AS INTEGER),
            'member_tier', CASE WHEN ${u(7)} < 0.55 THEN 'bronze' WHEN ${u(7)} < 0.82 THEN 'silver' WHEN ${u(7)} < 0.96 THEN 'gold' ELSE 'platinum' END,
            'signup_date', strftime('%Y-%m-%d', (:now - CAST(${u(4)} * 73 AS INTEGER) * 30 * :day) / 1000, 'unixepoch'),
            'monthly_charges', round(18 + ${u(8)} * 100, 2),
            'churned', CASE WHEN ${u(9)} < 0.12 THEN json('true') ELSE json('false') END,
            'city', ${pick(u(10), CITIES)}
          ),
          :now - CAST(${u(4)} * 73 AS INTEGER) * 30 * :day, :now
        FROM seq c`,
    },
    {
      label: 'addresses',
      sql: `INSERT INTO customer_addresses (customer_key, kind, address)
        SELECT c.key, 'email', 'bc' || c.key || '@example.org' FROM customers c WHERE ${has(40, 0.92)}
        UNION ALL SELECT c.key, 'phone', '+1 555 ' || printf('%07d', c.key) FROM customers c WHERE ${has(41, 0.85)}
        UNION ALL SELECT c.key, 'push', 'push-' || c.key FROM customers c WHERE ${has(42, 0.4)}`,
    },
    {
      label: 'consents',
      params,
      // Consent statements only for addresses held: granted mostly, some revoked, the rest never asked.
      sql: `INSERT INTO consents (customer_key, channel, status, at, source)
        SELECT a.customer_key, x.channel, CASE WHEN bench_u(43, a.customer_key, x.salt) < x.granted THEN 'granted' ELSE 'revoked' END,
          :now - CAST(bench_u(44, a.customer_key, x.salt) * 700 AS INTEGER) * :day, 'bench'
        FROM customer_addresses a
        JOIN (SELECT 'email' AS kind, 'email' AS channel, 1 AS salt, 0.78 AS granted, 0.88 AS stated
              UNION ALL SELECT 'phone', 'sms', 2, 0.60, 0.72
              UNION ALL SELECT 'push', 'push', 3, 0.70, 0.80) x ON x.kind = a.kind
        WHERE bench_u(43, a.customer_key, x.salt) < x.stated`,
    },
    {
      label: 'purchases',
      params,
      // 28 % bought nothing; buyers 1–9 purchases over 18 months, so some fall outside a 365-day window.
      // A customer's count is drawn once (MATERIALIZED): in the join condition it was drawn again
      // for each of the 16 numbers, 48M calls of bench_u on 1M customers.
      sql: `${numbers}, buyers AS MATERIALIZED (
          SELECT c.key, CASE WHEN ${u(20)} < 0.28 THEN 0 ELSE 1 + CAST(${u(24)} * ${u(24)} * 9 AS INTEGER) END AS purchases FROM customers c)
        INSERT INTO events (event_id, customer_key, type, at, properties)
        SELECT 'p-' || b.key || '-' || k.n, b.key, 'purchase',
          :now - 60000 - CAST(bench_u(21, b.key, k.n) * 540 * :day AS INTEGER),
          jsonb_object('order_id', 'o-' || b.key || '-' || k.n, 'amount', round(5 + bench_u(22, b.key, k.n) * bench_u(22, b.key, k.n) * bench_u(23, b.key, k.n) * 800, 2))
        FROM buyers b JOIN k ON k.n < b.purchases`,
    },
    {
      label: 'purchases to come',
      params,
      // 5 % buy during the campaign (its measure node's goal), in six bursts at 15:00 UTC on days
      // 1–6: few distinct times, so the simulated clock makes a few ticks, not one per event.
      // Segments and RFM are evaluated at "now" and never see them.
      sql: `INSERT INTO events (event_id, customer_key, type, at, properties)
        SELECT 'f-' || c.key, c.key, 'purchase', :now + (1 + CAST(${u(25)} * 6 AS INTEGER)) * :day + 6 * 3600000,
          jsonb_object('order_id', 'f-' || c.key, 'amount', round(10 + ${u(26)} * 190, 2))
        FROM customers c WHERE ${has(27, 0.05)}`,
    },
    {
      label: 'opens and logins',
      params,
      // Counts drawn once per address, as for purchases; `k CROSS JOIN` keeps the numbers the
      // outer loop, the row order (and so the event keys) of earlier versions of this statement.
      sql: `${numbers},
        readers AS MATERIALIZED (SELECT customer_key, CAST(bench_u(30, customer_key, 0) * bench_u(30, customer_key, 0) * 6 AS INTEGER) AS opens FROM customer_addresses WHERE kind = 'email'),
        app_users AS MATERIALIZED (SELECT customer_key, CAST(bench_u(32, customer_key, 0) * 5 AS INTEGER) AS logins,
          CASE WHEN bench_u(34, customer_key, 0) < 0.55 THEN 'android' ELSE 'ios' END AS platform FROM customer_addresses WHERE kind = 'push')
        INSERT INTO events (event_id, customer_key, type, at, properties)
        SELECT 'o-' || r.customer_key || '-' || k.n, r.customer_key, 'email_open',
          :now - 60000 - CAST(bench_u(31, r.customer_key, k.n) * 90 * :day AS INTEGER), jsonb_object('campaign', 'newsletter')
        FROM k CROSS JOIN readers r WHERE k.n < r.opens
        UNION ALL
        SELECT 'l-' || a.customer_key || '-' || k.n, a.customer_key, 'app_login',
          :now - 60000 - CAST(bench_u(33, a.customer_key, k.n) * 60 * :day AS INTEGER), jsonb_object('platform', a.platform)
        FROM k CROSS JOIN app_users a WHERE k.n < a.logins`,
    },
    {
      label: 'contacts',
      params,
      // A newsletter to 35 % of e-mail holders in the last 9 days, a second one to 40 % of them:
      // a 2-per-week cap holds (defers) some of the campaign's customers.
      sql: `WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 1)
        INSERT INTO contacts (customer_key, flow_id, run_id, node_id, channel, offer, at, status)
        SELECT a.customer_key, 'newsletter', NULL, 'send', 'email', 'newsletter', :now - 3600000 - CAST(bench_u(51, a.customer_key, k.n) * 9 * :day AS INTEGER), 'sent'
        FROM customer_addresses a JOIN k ON k.n < CASE WHEN bench_u(50, a.customer_key, 0) < 0.35 THEN (CASE WHEN bench_u(52, a.customer_key, 0) < 0.4 THEN 2 ELSE 1 END) ELSE 0 END
        WHERE a.kind = 'email'`,
    },
    {
      label: 'tags',
      params,
      sql: `INSERT INTO customer_tags (customer_key, name, layer, value, num, at, source)
        SELECT c.key, 'churn_probability', 'predictive', CAST(round(${u(53)}, 3) AS TEXT), round(${u(53)}, 3), :now - 2 * :day, 'import' FROM customers c
        UNION ALL SELECT c.key, 'vip', 'raw', 'true', NULL, :now - 30 * :day, 'manual' FROM customers c WHERE ${has(54, 0.02)}
        UNION ALL SELECT c.key, 'rfm_cell', 'predictive', json_quote(${pick(u(59), RFM_CELLS)}), NULL, :now - 35 * :day, 'flow:monthly-rfm/score' FROM customers c WHERE ${has(60, 0.7)}`,
    },
    {
      label: 'lists',
      params,
      sql: `INSERT INTO static_lists (key, name, description, created_at, updated_at) VALUES
        (1, 'vip-2025', 'Hand-picked for the gala', :now - 10 * :day, :now - 10 * :day),
        (2, 'do-not-market', 'Asked not to receive campaigns', :now - 100 * :day, :now - 5 * :day)`,
    },
    {
      label: 'list members',
      params,
      sql: `INSERT INTO static_list_members (list_key, customer_key, added_at)
        SELECT 1, c.key, :now - 10 * :day FROM customers c WHERE ${has(55, 0.01)}
        UNION ALL SELECT 2, c.key, :now - 5 * :day FROM customers c WHERE ${has(56, 0.015)}`,
    },
    {
      label: 'suppressions',
      params,
      sql: `INSERT INTO suppressions (scope, value, reason, at)
        SELECT 'customer', c.external_id, 'complaint', :now - 20 * :day FROM customers c WHERE ${has(57, 0.003)}
        UNION ALL SELECT 'email', a.address, 'bounced', :now - 40 * :day FROM customer_addresses a WHERE a.kind = 'email' AND bench_u(58, a.customer_key, 0) < 0.004`,
    },
  ]
}

