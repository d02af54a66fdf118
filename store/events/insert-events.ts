/**
 * The event ingest, written once over the store driver (store/core) for both dialects: the
 * batch's customer keys in one look-up, one multi-row insert that skips an id already stored
 * (`ON CONFLICT (event_id) DO NOTHING`: the first of a batch wins), and — only for a batch that
 * left rows out, so a fresh ingest pays nothing for it — one query for the events whose id is
 * stored with other content. Events of unknown customers are reported by index and skipped.
 */
import type { EventConflict, EventInput, EventInsertResult } from '../../engine/ports/store.ts'
import { toEventConflict, type ConflictRow } from '../common/event-conflicts.ts'
import { validateEvents, type EventRow } from '../common/validate-input.ts'
import type { RowInsert, SqlColumn, SqlDriver } from '../core/driver.ts'
import type { KeysOf } from '../contact/contact.ts'
import type { BulkWriteHooks } from '../customers/upsert-customers.ts'

const INSERT_EVENTS: RowInsert = {
  table: 'events',
  columns: [
    { name: 'event_id', type: 'text' },
    { name: 'customer_key', type: 'int' },
    { name: 'type', type: 'text' },
    { name: 'at', type: 'bigint' },
    { name: 'properties', type: 'json' },
  ],
  tail: 'ON CONFLICT (event_id) DO NOTHING',
}

const CONFLICT_COLUMNS: SqlColumn[] = [
  { name: 'i', type: 'int' },
  { name: 'id', type: 'text' },
  { name: 'k', type: 'int' },
  { name: 'type', type: 'text' },
  { name: 'at', type: 'bigint' },
  { name: 'props', type: 'json' },
]

const conflictTexts = new WeakMap<SqlDriver['dialect'], string>()

/**
 * Events of a batch whose id is stored with other content, by their place in the batch (run
 * after the insert, so an event an earlier row of the batch inserted counts as stored).
 * Properties are compared as JSON values (`dialect.jsonDiffers`).
 */
function conflictText(sql: SqlDriver): string {
  let text = conflictTexts.get(sql.dialect)
  if (text === undefined) {
    text = `SELECT * FROM (
        SELECT r.i, e.customer_key IS DISTINCT FROM r.k AS customer_differs, e.type IS DISTINCT FROM r.type AS type_differs,
          e.at IS DISTINCT FROM r.at AS at_differs, ${sql.dialect.jsonDiffers('e.properties', 'r.props')} AS properties_differ
        FROM ${sql.dialect.rowsTable('r', CONFLICT_COLUMNS)} JOIN events e ON e.event_id = r.id
      ) d
      WHERE d.customer_differs OR d.type_differs OR d.at_differs OR d.properties_differ
      ORDER BY d.i`
    conflictTexts.set(sql.dialect, text)
  }
  return text
}

/** Validates the whole batch (nothing is written when an event is bad), then writes it. */
export async function insertEvents(sql: SqlDriver, keysOf: KeysOf, input: EventInput[], hooks: BulkWriteHooks = {}): Promise<EventInsertResult> {
  const rows = validateEvents(input)
  if (rows.length === 0) return { inserted: 0, duplicates: 0, unknownCustomers: [], conflicts: [] }
  const keys = await keysOf(rows.map((row) => row.customerId))
  hooks.beforeBulkWrite?.('events', rows.length)
  const unknownCustomers: number[] = []
  const values: unknown[] = []
  rows.forEach((row, index) => {
    const key = keys.get(row.customerId)
    if (key === undefined) unknownCustomers.push(index)
    // Properties are already JSON text: spliced in rather than parsed and serialised again.
    else values.push(row.id, key, row.type, row.at, row.propertiesJson)
  })
  // ON CONFLICT DO NOTHING: the change count is the number of events actually inserted.
  const inserted = values.length ? await sql.insert(INSERT_EVENTS, values) : 0
  const known = rows.length - unknownCustomers.length
  const conflicts = inserted < known ? await eventConflicts(sql, rows, keys) : []
  return { inserted, duplicates: known - inserted, unknownCustomers, conflicts }
}

async function eventConflicts(sql: SqlDriver, rows: EventRow[], keys: Map<string, number>): Promise<EventConflict[]> {
  const values: unknown[] = []
  rows.forEach((row, index) => {
    const key = keys.get(row.customerId)
    if (key !== undefined) values.push(index, row.id, key, row.type, row.at, row.propertiesJson)
  })
  const conflicts: EventConflict[] = []
  for (const param of sql.rowsParams(CONFLICT_COLUMNS, values)) {
    for (const row of await sql.rows<ConflictRow>(conflictText(sql), [param])) conflicts.push(toEventConflict(row))
  }
  return conflicts
}
