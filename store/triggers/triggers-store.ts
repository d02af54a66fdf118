/**
 * What triggers read: their cursor state per run, the customers of an audience page by page,
 * and the events of the types they listen to after a cursor (at, key). One implementation over
 * the store driver for both dialects.
 */
import type { CustomerRef, EngineEvent, EngineStore, EventCursor } from '../../engine/ports/engine-store.ts'
import type { StoreSession } from '../core/session.ts'
import { bool, num, numOrNull } from '../core/values.ts'

export type TriggersPort = Pick<EngineStore,
  'customersPage' | 'customersByKeys' | 'customersByIds' | 'getTriggerState' | 'setTriggerState' | 'eventsAfter' | 'nextEventAt' | 'nextWakeEventAt'>

const MIN_CURSOR: EventCursor = { at: Number.MIN_SAFE_INTEGER, key: Number.MIN_SAFE_INTEGER }

export function triggersStore(db: StoreSession): TriggersPort {
  const { dialect: d } = db.driver
  const SQL = {
    customersPage: 'SELECT key, external_id AS id FROM customers WHERE key > ? ORDER BY key LIMIT ?',
    customersByKeys: `SELECT key, external_id AS id FROM customers WHERE ${d.inList('key', 'int')} ORDER BY key`,
    customersByIds: `SELECT key, external_id AS id FROM customers WHERE ${d.inList('external_id', 'text')} ORDER BY key`,
    getTriggerState: `SELECT event_at AS "eventAt", event_key AS "eventKey", last_fire_at AS "lastFireAt", audience_fire_at AS "audienceFireAt",
      audience_after_key AS "audienceAfterKey", audience_done AS "audienceDone" FROM trigger_state WHERE run_id = ?`,
    setTriggerState: `INSERT INTO trigger_state (run_id, event_at, event_key, last_fire_at, audience_fire_at, audience_after_key, audience_done)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET event_at = excluded.event_at, event_key = excluded.event_key,
      last_fire_at = excluded.last_fire_at, audience_fire_at = excluded.audience_fire_at, audience_after_key = excluded.audience_after_key,
      audience_done = excluded.audience_done`,
    eventsAfter: `SELECT e.key, e.event_id AS id, e.customer_key AS "customerKey", c.external_id AS "customerId", e.type, e.at,
        ${d.jsonText('e.properties')} AS properties
      FROM events e JOIN customers c ON c.key = e.customer_key
      WHERE ${d.inList('e.type', 'text')} AND e.at >= ? AND (e.at > ? OR e.key > ?) AND e.at <= ?
      ORDER BY e.at, e.key LIMIT ?`,
    // min() per type, so each type is one probe of the (type, at) index rather than a scan.
    nextEventAt: `SELECT min((SELECT min(at) FROM events WHERE type = t.value AND at >= ? AND (at > ? OR key > ?))) FROM ${d.listTable('t', 'text')}`,
    nextWakeEventAt: `SELECT min((SELECT e.at FROM events e WHERE e.type = t.value AND e.at >= ? AND (e.at > ? OR e.key > ?) AND e.at < ?
        AND EXISTS (SELECT 1 FROM positions p WHERE p.run_id = ? AND p.customer_key = e.customer_key AND p.state = 'active' AND p.wake_type = e.type)
        ORDER BY e.at LIMIT 1)) FROM ${d.listTable('t', 'text')}`,
  }
  return {
    customersPage: (afterKey, limit) => db.use(async (sql) => (await sql.rows(SQL.customersPage, [afterKey, limit])).map(toCustomerRef)),
    customersByKeys: async (keys) => (keys.length === 0 ? [] : db.use(async (sql) => (await sql.rows(SQL.customersByKeys, [sql.list(keys)])).map(toCustomerRef))),
    customersByIds: async (ids) => (ids.length === 0 ? [] : db.use(async (sql) => (await sql.rows(SQL.customersByIds, [sql.list(ids)])).map(toCustomerRef))),
    getTriggerState: (runId) =>
      db.use(async (sql) => {
        const [row] = await sql.rows(SQL.getTriggerState, [runId])
        if (!row) return { runId, eventCursor: null, lastFireAt: null, audienceFireAt: null, audienceAfterKey: null, audienceDone: false }
        const at = numOrNull(row.eventAt)
        const key = numOrNull(row.eventKey)
        return {
          runId,
          eventCursor: at === null || key === null ? null : { at, key },
          lastFireAt: numOrNull(row.lastFireAt),
          audienceFireAt: numOrNull(row.audienceFireAt),
          audienceAfterKey: numOrNull(row.audienceAfterKey),
          audienceDone: bool(row.audienceDone),
        }
      }),
    setTriggerState: (row) =>
      db.use(async (sql) => {
        await sql.run(SQL.setTriggerState, [row.runId, row.eventCursor?.at ?? null, row.eventCursor?.key ?? null, row.lastFireAt,
          row.audienceFireAt, row.audienceAfterKey, row.audienceDone])
      }),
    eventsAfter: async (types, after, until, limit) => {
      if (types.length === 0) return []
      const from = after ?? MIN_CURSOR
      return db.use(async (sql) =>
        (await sql.rows(SQL.eventsAfter, [sql.list(types), from.at, from.at, from.key, until, limit])).map(toEngineEvent))
    },
    nextEventAt: async (types, after) => {
      if (types.length === 0) return null
      const from = after ?? MIN_CURSOR
      return db.use(async (sql) => numOrNull(await sql.value(SQL.nextEventAt, [from.at, from.at, from.key, sql.list(types)])))
    },
    nextWakeEventAt: async (runId, types, after, before) => {
      if (types.length === 0) return null
      const from = after ?? MIN_CURSOR
      const to = before ?? Number.MAX_SAFE_INTEGER
      return db.use(async (sql) => numOrNull(await sql.value(SQL.nextWakeEventAt, [from.at, from.at, from.key, to, runId, sql.list(types)])))
    },
  }
}

function toCustomerRef(row: Record<string, unknown>): CustomerRef {
  return { key: num(row.key), id: String(row.id) }
}

function toEngineEvent(row: Record<string, unknown>): EngineEvent {
  return {
    key: num(row.key), id: String(row.id), customerKey: num(row.customerKey), customerId: String(row.customerId), type: String(row.type),
    at: num(row.at), properties: JSON.parse(String(row.properties)) as Record<string, unknown>,
  }
}
