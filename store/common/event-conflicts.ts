/** Turns the rows of the dialects' event-conflict queries into port conflicts. */
import type { EventConflict, EventField } from '../../engine/ports/store.ts'

/** One row of a conflict query: the input index and a flag per field (SQLite 0/1, Postgres booleans). */
export interface ConflictRow {
  i: number
  customer_differs: number | boolean
  type_differs: number | boolean
  at_differs: number | boolean
  properties_differ: number | boolean
}

export function toEventConflict(row: ConflictRow): EventConflict {
  const differs: EventField[] = []
  if (row.customer_differs) differs.push('customer')
  if (row.type_differs) differs.push('type')
  if (row.at_differs) differs.push('at')
  if (row.properties_differ) differs.push('properties')
  return { index: Number(row.i), differs }
}
