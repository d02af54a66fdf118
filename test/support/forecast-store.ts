/**
 * A small store with known answers for the forecast tests (engine, route and CLI): 30 customers
 * with an e-mail address, 4 of them contacted an hour ago (a cap of one contact a rolling week
 * holds them), signup events over the last days, and two flows: `offer` (everyone → throttle:
 * that cap and 5 e-mails a day, both dropping → choose-channel, 20 % holdout) and `signups`
 * (each signup event → wait a day). Also: the row count of every table, to show a forecast
 * writes nothing.
 */
import type { StorePort } from '../../engine/ports/store.ts'
import type { PgStore } from '../../store/pg/pg-store.ts'
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export const CUSTOMERS = 30
export const CONTACTED = 4
export const CAPACITY = 5

export const OFFER_FLOW = {
  id: 'offer', name: 'Offer', version: 1,
  nodes: [
    { id: 'everyone', type: 'trigger', config: { audience: {} } },
    {
      id: 'gate', type: 'throttle',
      config: { channel: 'email', caps: [{ channel: 'all', max: 1, per: 'week', window: 'rolling' }], onCap: 'drop', capacityPerDay: CAPACITY, onCapacity: 'drop', arbitration: { windowHours: 0 } },
    },
    { id: 'mail', type: 'choose-channel', config: { consent: 'not-revoked', candidates: [{ channel: 'email', subject: 'Hello', body: 'An offer for you' }] } },
  ],
  edges: [{ from: 'everyone', output: 'entered', to: 'gate' }, { from: 'gate', output: 'pass', to: 'mail' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 20 } },
  layout: {},
}

export const SIGNUPS_FLOW = {
  id: 'signups', name: 'Signups', version: 1,
  nodes: [
    { id: 'signed-up', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'a-day', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
  ],
  edges: [{ from: 'signed-up', output: 'entered', to: 'a-day' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: {},
}

/** Seeds `store` as of `now`: customers c-00…c-29, contacts, and a signup per customer every 2 days back to 20 days. */
export async function seedForecastStore(store: StorePort, now: number): Promise<void> {
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `c-${String(i).padStart(2, '0')}`)
  await store.upsertCustomers(ids.map((id) => ({ id, addresses: { email: `${id}@example.com` } })))
  await store.recordContacts(ids.slice(0, CONTACTED).map((customerId) => ({ customerId, flowId: 'earlier', nodeId: 'send', channel: 'sms', at: now - HOUR })))
  // Customer i signed up (i * 16 h) ago: some inside a 7-day window, more inside 14.
  await store.insertEvents(ids.map((customerId, i) => ({ id: `signup-${customerId}`, customerId, type: 'signup', at: now - (i + 1) * 16 * HOUR })))
  await store.insertEvents([{ id: 'old', customerId: 'c-00', type: 'signup', at: now - 60 * DAY }])
}

type Sql = (text: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>

/** Runs one SQL statement with `?` parameters on the store's own connection (test inspection only). */
export function rawSql(store: StorePort): Sql {
  if (store.dialect === 'sqlite') return (text, params = []) => Promise.resolve((store as SqliteStore).database.prepare(text).all(...params) as Record<string, unknown>[])
  return async (text, params = []) => {
    let n = 0
    return (await (store as PgStore).connection.query(text.replace(/\?/g, () => `$${++n}`), [...params])).rows as Record<string, unknown>[]
  }
}

/** The row count of every table of the store, by table name. */
export async function tableRowCounts(store: StorePort): Promise<Record<string, number>> {
  const sql = rawSql(store)
  const tables = store.dialect === 'sqlite'
    ? await sql("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    : await sql('SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename')
  const counts: Record<string, number> = {}
  // Table names come from the catalogue, not from input; an identifier cannot be a parameter.
  for (const { name } of tables) counts[String(name)] = Number((await sql(`SELECT count(*) AS n FROM ${store.dialect === 'sqlite' ? `"${String(name)}"` : String(name)}`))[0]?.n)
  return counts
}

/** Customers with a contact in the last week, counted in SQL (what the cap holds). */
export async function contactedInLastWeek(store: StorePort, now: number): Promise<number> {
  const [row] = await rawSql(store)('SELECT count(DISTINCT customer_key) AS n FROM contacts WHERE at >= ?', [now - 7 * DAY])
  return Number(row?.n)
}

/** Events of a type in [from, to), counted in SQL. */
export async function eventsBetween(store: StorePort, type: string, from: number, to: number): Promise<number> {
  const [row] = await rawSql(store)('SELECT count(*) AS n FROM events WHERE type = ? AND at >= ? AND at < ?', [type, from, to])
  return Number(row?.n)
}
