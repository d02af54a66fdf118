/**
 * Customer tags (scores, segments, RFM cells): written once over the store driver (store/core)
 * for both dialects, one bulk upsert by (customer, name). The customer upsert writes the tags
 * of a customer batch with the same columns (`pushTag`).
 */
import type { Tag } from '../../engine/ports/store.ts'
import { tagNumber } from '../common/row-mapping.ts'
import { lastByKey, throwUnknownCustomers, validateTagRows } from '../common/validate-input.ts'
import type { RowInsert, SqlColumn, SqlDriver } from '../core/driver.ts'
import type { KeysOf } from '../contact/contact.ts'

/** The columns of a tag row, in the order `writeTag` writes them. */
export const TAG_COLUMNS: SqlColumn[] = [
  { name: 'customer_key', type: 'int' },
  { name: 'name', type: 'text' },
  { name: 'layer', type: 'text' },
  { name: 'value', type: 'json' },
  { name: 'num', type: 'float' },
  { name: 'at', type: 'bigint' },
  { name: 'source', type: 'text' },
]

/** Tags by (customer, name), a stored one replaced. */
export const UPSERT_TAGS: RowInsert = {
  table: 'customer_tags',
  columns: TAG_COLUMNS,
  tail: `ON CONFLICT (customer_key, name) DO UPDATE SET layer = excluded.layer, value = excluded.value,
      num = excluded.num, at = excluded.at, source = excluded.source`,
}

export async function setTags(sql: SqlDriver, keysOf: KeysOf, input: { customerId: string; tag: Tag }[]): Promise<void> {
  const valid = validateTagRows(input)
  const keys = await keysOf(valid.map((row) => row.customerId))
  throwUnknownCustomers('tags', valid, keys)
  const rows = lastByKey(valid, (row) => `${row.customerId}\u0000${row.tag.name}`)
  // Sized up front: the engine writes five score tags per customer of a batch.
  const values: unknown[] = new Array(rows.length * UPSERT_TAGS.columns.length)
  rows.forEach((row, i) => writeTag(values, i * UPSERT_TAGS.columns.length, keys.get(row.customerId) as number, row.tag))
  await sql.insert(UPSERT_TAGS, values)
}

/** Writes a tag row's values (in the column order of the tag statements) into `values` from `offset`. */
export function writeTag(values: unknown[], offset: number, key: number, tag: Tag): void {
  const { value } = tag
  values[offset] = key
  values[offset + 1] = tag.name
  values[offset + 2] = tag.layer
  // A validated value is a JSON scalar: only a string needs JSON.stringify's quoting and escapes.
  values[offset + 3] = typeof value === 'string' ? JSON.stringify(value) : String(value)
  values[offset + 4] = tagNumber(value)
  values[offset + 5] = tag.at
  values[offset + 6] = tag.source ?? null
}
