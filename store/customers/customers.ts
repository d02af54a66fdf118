/**
 * Reading customers with their addresses and tags, and the store's counts: written once over
 * the store driver (store/core) for both dialects. A page is three queries whatever its size
 * (customers, then addresses and tags by key), never one per customer. The bulk upsert stays
 * with each dialect's store (store/sqlite, store/pg), where its fast paths live.
 */
import type { Customer, StoreStats } from '../../engine/ports/store.ts'
import { assembleCustomers, type AddressRecord, type CustomerRecord, type TagRecord } from '../common/row-mapping.ts'
import { orderByIds, pageLimit } from '../common/store-helpers.ts'
import { validateIds } from '../common/validate-input.ts'
import type { SqlDriver } from '../core/driver.ts'
import { num } from '../core/values.ts'

const customerColumns = (sql: SqlDriver) =>
  `key, external_id, time_zone, preferred_channel, ${sql.dialect.jsonText('attributes')} AS attributes, created_at, updated_at`

/** Customers by external id, in the order asked (unknown ids left out). */
export async function getCustomers(sql: SqlDriver, ids: string[]): Promise<Customer[]> {
  validateIds(ids, 'customerIds')
  const rows = await sql.rows<CustomerRecord>(`SELECT ${customerColumns(sql)} FROM customers WHERE ${sql.dialect.inList('external_id', 'text')}`, [sql.list(ids)])
  return orderByIds(await withDetails(sql, rows), ids)
}

/** A page of customers in key order, after `afterKey`. */
export async function listCustomers(sql: SqlDriver, options: { afterKey?: number; limit?: number }): Promise<Customer[]> {
  const limit = pageLimit(options.limit)
  const rows = await sql.rows<CustomerRecord>(`SELECT ${customerColumns(sql)} FROM customers WHERE key > ? ORDER BY key LIMIT ?`, [options.afterKey ?? 0, limit])
  return withDetails(sql, rows)
}

export async function countCustomers(sql: SqlDriver): Promise<number> {
  return num(await sql.value('SELECT count(*) FROM customers', []))
}

/** What the store holds: row counts, and event types by frequency. */
export async function storeStats(sql: SqlDriver): Promise<StoreStats> {
  const total = async (table: string) => num(await sql.value(`SELECT count(*) FROM ${table}`, []))
  const types = await sql.rows<{ type: string; count: unknown }>('SELECT type, count(*) AS count FROM events GROUP BY type ORDER BY count(*) DESC, type', [])
  return {
    dialect: sql.dialect.name,
    customers: await total('customers'),
    events: await total('events'),
    eventTypes: types.map((row) => ({ type: row.type, count: num(row.count) })),
    attributes: await total('attributes'),
    consents: await total('consents'),
    suppressions: await total('suppressions'),
    contacts: await total('contacts'),
  }
}

/** Adds addresses and tags to customer rows (two queries for the whole page). */
async function withDetails(sql: SqlDriver, rows: CustomerRecord[]): Promise<Customer[]> {
  if (rows.length === 0) return []
  const keys = sql.list(rows.map((row) => Number(row.key)))
  const addresses = await sql.rows<AddressRecord>(`SELECT customer_key, kind, address FROM customer_addresses WHERE ${sql.dialect.inList('customer_key', 'int')}`, [keys])
  const tags = await sql.rows<TagRecord>(
    `SELECT customer_key, name, layer, ${sql.dialect.jsonText('value')} AS value, at, source FROM customer_tags WHERE ${sql.dialect.inList('customer_key', 'int')}`,
    [keys],
  )
  return assembleCustomers(rows, addresses, tags)
}
