/**
 * Reading customer events: written once over the store driver (store/core) for both dialects.
 * The bulk insert stays with each dialect's store, where its fast paths (deferred indexes, key
 * reuse) live.
 */
import type { StoredEvent } from '../../engine/ports/store.ts'
import { eventsOfQuery, type EventFilter } from '../common/events-of-query.ts'
import { toStoredEvent, type EventRecord } from '../common/row-mapping.ts'
import { validateIds } from '../common/validate-input.ts'
import type { SqlDriver } from '../core/driver.ts'

/** One customer's events oldest first, by type and within [from, to); `last`: only the newest that many. */
export async function listEvents(sql: SqlDriver, customerId: string, options: EventFilter & { last?: number }): Promise<StoredEvent[]> {
  const conditions = ['c.external_id = ?']
  const params: unknown[] = [customerId]
  const filter = (condition: string, value: unknown) => {
    if (value === undefined) return
    conditions.push(condition)
    params.push(value)
  }
  filter('e.type = ?', options.type)
  filter('e.at >= ?', options.from)
  filter('e.at < ?', options.to)
  // The newest `last`: read newest first, then put back in time order.
  const newest = options.last !== undefined
  if (newest) params.push(options.last)
  const rows = await sql.rows<EventRecord>(
    `SELECT e.event_id, e.customer_key, c.external_id, e.type, e.at, ${sql.dialect.jsonText('e.properties')} AS properties
    FROM events e JOIN customers c ON c.key = e.customer_key
    WHERE ${conditions.join(' AND ')} ${newest ? 'ORDER BY e.at DESC, e.key DESC LIMIT ?' : 'ORDER BY e.at, e.key'}`,
    params,
  )
  return (newest ? rows.reverse() : rows).map(toStoredEvent)
}

/** Events of many customers in one query, grouped in the order of `customerIds`, each oldest first. */
export async function listEventsOf(sql: SqlDriver, customerIds: string[], options: EventFilter): Promise<StoredEvent[]> {
  validateIds(customerIds, 'customerIds')
  if (customerIds.length === 0) return []
  // Its text carries the dialect's own placeholders (`?` on SQLite, `$n` on Postgres).
  const query = eventsOfQuery(sql.dialect.name, customerIds, options)
  return (await sql.rows<EventRecord>(query.text, query.params)).map(toStoredEvent)
}
