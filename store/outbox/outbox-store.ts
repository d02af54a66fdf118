/**
 * The outbox: send intents enqueued once per key, the due page for the dispatcher, outcomes
 * written back, and the views (by run, by customer, counts). One implementation over the store
 * driver.
 */
import type { EngineStore, OutboxRow, OutboxUpdate } from '../../engine/ports/engine-store.ts'
import type { Channel } from '../../engine/ports/store.ts'
import type { RowInsert } from '../core/driver.ts'
import type { StoreSession } from '../core/session.ts'
import { bool, num, numOrNull, textOrNull } from '../core/values.ts'

export type OutboxPort = Pick<EngineStore,
  'enqueueOutbox' | 'dueOutbox' | 'updateOutbox' | 'nextOutboxAt' | 'listOutbox' | 'hasPendingSends' | 'outboxCounts' | 'customerOutbox'>

const OUTBOX_COLUMNS = `o.id, o.key, o.run_id AS "runId", o.flow_id AS "flowId", o.node_id AS "nodeId", o.customer_key AS "customerKey",
  coalesce(c.external_id, '') AS "customerId", o.channel, o.message, o.offer, o.state, o.attempts, o.next_attempt_at AS "nextAttemptAt",
  o.last_error AS "lastError", o.created_at AS "createdAt", o.sent_at AS "sentAt"`

const ENQUEUE_OUTBOX: RowInsert = {
  table: 'outbox',
  columns: [
    { name: 'key', type: 'text' }, { name: 'run_id', type: 'text' }, { name: 'flow_id', type: 'text' }, { name: 'node_id', type: 'text' },
    { name: 'customer_key', type: 'int' }, { name: 'channel', type: 'text' }, { name: 'message', type: 'text' }, { name: 'offer', type: 'text' },
    { name: 'state', type: 'text' }, { name: 'attempts', type: 'int' }, { name: 'next_attempt_at', type: 'bigint' }, { name: 'created_at', type: 'bigint' },
  ],
  tail: 'ON CONFLICT (key) DO NOTHING',
}

export function outboxStore(db: StoreSession): OutboxPort {
  const { dialect: d } = db.driver
  const SQL = {
    dueOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
      WHERE o.state = 'pending' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?`,
    // One statement per group of identical outcomes (a dispatched page is mostly "sent, 1st attempt, now").
    updateOutbox: `UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, sent_at = ? WHERE ${d.inList('id', 'bigint')}`,
    nextOutboxAt: "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'",
    listOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
      WHERE (${d.param('text')} IS NULL OR o.run_id = ?) AND o.id > ? ORDER BY o.id LIMIT ?`,
    // Through the partial index of pending intents: delivered ones are never visited.
    hasPendingSends: `SELECT EXISTS (SELECT 1 FROM outbox ${d.indexedBy('outbox_due')} WHERE state = 'pending' AND run_id = ?)`,
    outboxCounts: `SELECT channel, state, count(*) AS count FROM outbox WHERE (${d.param('text')} IS NULL OR run_id = ?)
      GROUP BY channel, state ORDER BY 1, 2`,
    customerOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
      WHERE o.customer_key = ? ORDER BY o.id DESC LIMIT ?`,
  }
  return {
    enqueueOutbox: async (rows) => {
      if (rows.length === 0) return 0
      const values: unknown[] = []
      for (const r of rows) values.push(r.key, r.runId, r.flowId, r.nodeId, r.customerKey, r.channel, r.message, r.offer, 'pending', 0, r.nextAttemptAt, r.createdAt)
      return db.use((sql) => sql.insert(ENQUEUE_OUTBOX, values))
    },
    dueOutbox: (now, limit) => db.use(async (sql) => (await sql.rows(SQL.dueOutbox, [now, limit])).map(toOutbox)),
    updateOutbox: async (updates) => {
      if (updates.length === 0) return
      const groups = new Map<string, { update: OutboxUpdate; ids: number[] }>()
      for (const u of updates) {
        const key = JSON.stringify([u.state, u.attempts, u.nextAttemptAt, u.lastError, u.sentAt])
        const group = groups.get(key)
        if (group) group.ids.push(u.id)
        else groups.set(key, { update: u, ids: [u.id] })
      }
      await db.use(async (sql) => {
        for (const { update: u, ids } of groups.values()) await sql.run(SQL.updateOutbox, [u.state, u.attempts, u.nextAttemptAt, u.lastError, u.sentAt, sql.list(ids)])
      })
    },
    nextOutboxAt: () => db.use(async (sql) => numOrNull(await sql.value(SQL.nextOutboxAt, []))),
    listOutbox: (options = {}) =>
      db.use(async (sql) => {
        const runId = options.runId ?? null
        return (await sql.rows(SQL.listOutbox, [runId, runId, options.afterId ?? 0, options.limit ?? d.noLimit])).map(toOutbox)
      }),
    hasPendingSends: (runId) => db.use(async (sql) => bool(await sql.value(SQL.hasPendingSends, [runId]))),
    outboxCounts: (runId) =>
      db.use(async (sql) => {
        const id = runId ?? null
        return (await sql.rows(SQL.outboxCounts, [id, id])).map((row) => ({ channel: row.channel as Channel, state: row.state as OutboxRow['state'], count: num(row.count) }))
      }),
    customerOutbox: (customerKey, limit) => db.use(async (sql) => (await sql.rows(SQL.customerOutbox, [customerKey, limit])).map(toOutbox)),
  }
}

function toOutbox(row: Record<string, unknown>): OutboxRow {
  return {
    id: num(row.id), key: String(row.key), runId: String(row.runId), flowId: String(row.flowId), nodeId: String(row.nodeId),
    customerKey: num(row.customerKey), customerId: String(row.customerId), channel: row.channel as Channel, message: String(row.message),
    offer: textOrNull(row.offer), state: row.state as OutboxRow['state'], attempts: num(row.attempts), nextAttemptAt: num(row.nextAttemptAt),
    lastError: textOrNull(row.lastError), createdAt: num(row.createdAt), sentAt: numOrNull(row.sentAt),
  }
}
