/**
 * The query behind `listEventsOf` (events of many customers in one round trip), for both
 * dialects. The ids travel as one parameter (a JSON array on SQLite, a text[] on Postgres)
 * numbered by their place, so the answer comes grouped in the caller's order; the optional
 * filters are fixed SQL fragments whose values are parameters too.
 */
import type { Dialect } from '../../engine/ports/store.ts'

/** The filters of an event read: one type, and a time window `[from, to)` in epoch ms. */
export interface EventFilter {
  type?: string
  from?: number
  to?: number
}

/** SQL text and parameters of one `listEventsOf` call. */
export interface EventsOfQuery {
  /** Identifies the SQL text (which filters are present), so a prepared statement can be reused. */
  shape: string
  text: string
  params: unknown[]
}

/** Builds the `listEventsOf` query for `ids` (already validated, non-empty) and `filter`. */
export function eventsOfQuery(dialect: Dialect, ids: readonly string[], filter: EventFilter): EventsOfQuery {
  const params: unknown[] = [dialect === 'sqlite' ? JSON.stringify(ids) : ids]
  const conditions: string[] = []
  const placeholder = () => (dialect === 'sqlite' ? '?' : `$${params.length}`)
  if (filter.type !== undefined) {
    params.push(filter.type)
    conditions.push(`e.type = ${placeholder()}`)
  }
  if (filter.from !== undefined) {
    params.push(filter.from)
    conditions.push(`e.at >= ${placeholder()}`)
  }
  if (filter.to !== undefined) {
    params.push(filter.to)
    conditions.push(`e.at < ${placeholder()}`)
  }
  const shape = `${filter.type !== undefined ? 't' : '-'}${filter.from !== undefined ? 'f' : '-'}${filter.to !== undefined ? 'u' : '-'}`
  // A repeated id keeps its first place, so each customer's events come once.
  const numberedIds =
    dialect === 'sqlite'
      ? 'SELECT min(key) AS pos, value AS id FROM json_each(?) GROUP BY value'
      : 'SELECT id, min(pos) AS pos FROM unnest($1::text[]) WITH ORDINALITY AS u(id, pos) GROUP BY id'
  const properties = dialect === 'sqlite' ? 'json(e.properties)' : 'e.properties::text'
  // SQLite's CROSS JOIN fixes the loop order (ids → customers → their events by the
  // (customer_key, type, at) index); without statistics it may otherwise scan the type's events
  // of the whole store. Postgres plans the order itself from its statistics.
  const join = dialect === 'sqlite' ? 'CROSS JOIN' : 'JOIN'
  const text = `WITH ids AS (${numberedIds})
    SELECT e.event_id, e.customer_key, c.external_id, e.type, e.at, ${properties} AS properties
    FROM ids
    ${join} customers c ON c.external_id = ids.id
    ${join} events e ON e.customer_key = c.key
    ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
    ORDER BY ids.pos, e.at, e.key`
  return { shape, text, params }
}
