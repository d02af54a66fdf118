/**
 * The customer upsert, written once over the store driver (store/core) for both dialects. One
 * key look-up splits the batch: new customers get keys reserved up front (`driver.reserveKeys`)
 * and take the insert-only path (one multi-row insert, plain inserts of their addresses and
 * tags: ~40 % cheaper than upserts); known ones updated by key (`driver.updateRows`: an
 * UPDATE … FROM per 5,000 rows on Postgres, a prepared UPDATE per row on SQLite; attributes
 * merge-patched, null clears a key),
 * their addresses and tags upserted, addresses set to null deleted. Repeated ids of a batch are folded first (later values win).
 */
import type { CustomerInput, Tag, UpsertResult } from '../../engine/ports/store.ts'
import { initialAttributes, mergeDuplicateCustomers, validateCustomers } from '../common/validate-input.ts'
import type { RowInsert, RowUpdate, SqlColumn, SqlDriver } from '../core/driver.ts'
import type { KeysOf } from '../contact/contact.ts'
import { TAG_COLUMNS, UPSERT_TAGS, writeTag } from '../tags/tags.ts'

/** The tables a bulk write may load into an empty store. */
export type BulkTable = 'customer_addresses' | 'customer_tags' | 'events'

/**
 * What a dialect's store adds around a bulk write (SQLite: deferred indexes of a first load and
 * the keys of the batch just written; Postgres: nothing).
 */
export interface BulkWriteHooks {
  /** `rows` rows are about to go into `table`, which may be empty (SQLite may defer its indexes). */
  beforeBulkWrite?(table: BulkTable, rows: number): void
  /** Whether new address rows are inserted sorted by (kind, address), for the address index's locality. */
  sortsNewAddresses?(): boolean
  /** The keys of the customers the batch wrote, once it is written. */
  wrote?(keys: Map<string, number>): void
}

const INSERT_CUSTOMERS: RowInsert = {
  table: 'customers',
  columns: [
    { name: 'key', type: 'int' },
    { name: 'external_id', type: 'text' },
    { name: 'time_zone', type: 'text' },
    { name: 'preferred_channel', type: 'text' },
    { name: 'attributes', type: 'json' },
    { name: 'created_at', type: 'bigint' },
    { name: 'updated_at', type: 'bigint' },
  ],
  givenKeys: true,
}

const ADDRESS_COLUMNS: SqlColumn[] = [
  { name: 'customer_key', type: 'int' },
  { name: 'kind', type: 'text' },
  { name: 'address', type: 'text' },
]

const INSERT_ADDRESSES: RowInsert = { table: 'customer_addresses', columns: ADDRESS_COLUMNS }
const UPSERT_ADDRESSES: RowInsert = {
  table: 'customer_addresses',
  columns: ADDRESS_COLUMNS,
  tail: 'ON CONFLICT (customer_key, kind) DO UPDATE SET address = excluded.address',
}
const INSERT_TAGS: RowInsert = { table: 'customer_tags', columns: TAG_COLUMNS }

/** A known customer's changes: `attrs` null keeps the attributes, `tz` null the time zone. */
const UPDATE_COLUMNS: SqlColumn[] = [
  { name: 'k', type: 'int' },
  { name: 'attrs', type: 'json' },
  { name: 'tz', type: 'text' },
  { name: 'set_pc', type: 'bool' },
  { name: 'pc', type: 'text' },
  { name: 'now', type: 'bigint' },
]

const DELETE_COLUMNS: SqlColumn[] = [
  { name: 'k', type: 'int' },
  { name: 'kind', type: 'text' },
]

/** Known customers' changes: attributes merge-patched (null clears a key), time zone and preferred channel when given. */
const UPDATE_CUSTOMERS: RowUpdate = {
  table: 'customers',
  key: 'key',
  columns: UPDATE_COLUMNS,
  set: (input, stored, d) => ({
    attributes: `CASE WHEN ${input('attrs')} IS NULL THEN ${stored('attributes')} ELSE ${d.jsonMergePatch(stored('attributes'), input('attrs'))} END`,
    time_zone: `coalesce(${input('tz')}, ${stored('time_zone')})`,
    preferred_channel: `CASE WHEN ${input('set_pc')} THEN ${input('pc')} ELSE ${stored('preferred_channel')} END`,
    updated_at: input('now'),
  }),
}

const deleteTexts = new WeakMap<SqlDriver['dialect'], string>()

/** Addresses set to null, from a rows table of DELETE_COLUMNS. */
function deleteText(sql: SqlDriver): string {
  let text = deleteTexts.get(sql.dialect)
  if (text === undefined) {
    text = `DELETE FROM customer_addresses WHERE (customer_key, kind) IN (SELECT r.k, r.kind FROM ${sql.dialect.rowsTable('r', DELETE_COLUMNS)})`
    deleteTexts.set(sql.dialect, text)
  }
  return text
}

/** Validates the whole batch (nothing is written when a row is bad), then writes it. */
export async function upsertCustomers(
  sql: SqlDriver,
  keysOf: KeysOf,
  input: CustomerInput[],
  now: number,
  hooks: BulkWriteHooks = {},
): Promise<UpsertResult> {
  const { rows, repeats } = mergeDuplicateCustomers(validateCustomers(input))
  if (rows.length === 0) return { inserted: 0, updated: repeats }
  const existing = await keysOf(rows.map((row) => row.id))
  const fresh = rows.length - existing.size
  const reserved = fresh === 0 ? [] : await sql.reserveKeys('customers', 'key', fresh)
  if (existing.size === 0) {
    hooks.beforeBulkWrite?.('customer_addresses', rows.length)
    hooks.beforeBulkWrite?.('customer_tags', rows.length)
  }
  const written = new Map<string, number>()
  const newCustomers: unknown[] = []
  const updates: unknown[] = []
  const deletes: unknown[] = []
  const newAddresses: unknown[] = []
  const changedAddresses: unknown[] = []
  const newTags: unknown[] = []
  const changedTags: unknown[] = []
  let next = 0
  for (const row of rows) {
    const patch = row.attributes === null ? null : JSON.stringify(row.attributes)
    let key = existing.get(row.id)
    const isNew = key === undefined
    if (key === undefined) {
      key = reserved[next++] as number
      const initial = patch === null ? '{}' : row.clearsAttributes ? JSON.stringify(initialAttributes(row.attributes)) : patch
      newCustomers.push(key, row.id, row.timeZone ?? 'UTC', row.preferredChannel, initial, now, now)
    } else {
      updates.push(key, patch, row.timeZone, row.setPreferredChannel, row.preferredChannel, now)
    }
    written.set(row.id, key)
    for (const kind in row.addresses) {
      const address = row.addresses[kind as keyof typeof row.addresses]
      if (address === null) {
        if (!isNew) deletes.push(key, kind)
      } else if (address !== undefined) {
        if (isNew) newAddresses.push(key, kind, address)
        else changedAddresses.push(key, kind, address)
      }
    }
    for (const tag of row.tags) pushTag(isNew ? newTags : changedTags, key, tag)
  }
  if (newCustomers.length) await sql.insert(INSERT_CUSTOMERS, newCustomers)
  if (updates.length) await sql.updateRows(UPDATE_CUSTOMERS, updates)
  if (deletes.length) for (const param of sql.rowsParams(DELETE_COLUMNS, deletes)) await sql.run(deleteText(sql), [param])
  if (newAddresses.length) await sql.insert(INSERT_ADDRESSES, hooks.sortsNewAddresses?.() ? sortedAddressRows(newAddresses) : newAddresses)
  if (changedAddresses.length) await sql.insert(UPSERT_ADDRESSES, changedAddresses)
  if (newTags.length) await sql.insert(INSERT_TAGS, newTags)
  if (changedTags.length) await sql.insert(UPSERT_TAGS, changedTags)
  // Told once the batch is written: a batch that fails leaves no keys behind.
  hooks.wrote?.(written)
  return { inserted: fresh, updated: existing.size + repeats }
}

/** Address rows (flat key, kind, address triples) reordered by (kind, address). */
function sortedAddressRows(values: unknown[]): unknown[] {
  const order = Array.from({ length: values.length / 3 }, (_, i) => 3 * i)
  const text = (i: number) => values[i] as string
  order.sort((a, b) => {
    const kindA = text(a + 1)
    const kindB = text(b + 1)
    if (kindA !== kindB) return kindA < kindB ? -1 : 1
    const addressA = text(a + 2)
    const addressB = text(b + 2)
    return addressA < addressB ? -1 : addressA > addressB ? 1 : 0
  })
  return order.flatMap((i) => [values[i], values[i + 1], values[i + 2]])
}

/** Appends a tag row's values. */
function pushTag(values: unknown[], key: number, tag: Tag): void {
  writeTag(values, values.length, key, tag)
}
