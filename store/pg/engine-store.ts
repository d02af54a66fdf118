/**
 * The engine's persistence port on PostgreSQL, on the customer store's pool: inside
 * `transaction` every statement runs on the store transaction's client, so a batch's positions,
 * journal, outbox intents, tags and contacts commit together. Bulk writes send their rows as one
 * JSON parameter unpacked with `jsonb_to_recordset` (one round trip per statement and chunk,
 * whatever the batch size), as the customer store does.
 *
 * node-postgres returns bigint and count columns as strings; rows are mapped to numbers here
 * (epoch ms and keys stay far below 2^53).
 */
import type pg from 'pg'
import type {
  GoalAnswer,
  GoalQuery,
  JournalKind,
  CustomerPosition,
  CustomerRef,
  DuePosition,
  EngineEvent,
  EngineStore,
  EntryRow,
  ErasureReport,
  EventCursor,
  FlowDraftRow,
  FlowVersionRow,
  SaveFlowDraftResult,
  JournalRow,
  JournalTotal,
  OutboxIntent,
  OutboxRow,
  OutboxUpdate,
  PositionCount,
  PositionErrorCount,
  PositionRow,
  PositionState,
  RunRow,
  SaveFlowVersionResult,
  StoredJournalRow,
  TriggerStateRow,
} from '../../engine/ports/engine-store.ts'
import type { Channel, StorePort } from '../../engine/ports/store.ts'
import { eraseCustomerWith, pgPlaceholders, type EraseSql } from '../common/erase-customer.ts'
import { measureGoalWith } from '../common/goal-sql.ts'
import { chunks } from '../common/store-helpers.ts'
import type { PgStore } from './pg-store.ts'

/** Rows per bulk statement: bounds the JSON parameter. */
const CHUNK = 5_000

const POSITION_COLUMNS = `p.run_id AS "runId", p.customer_key AS "customerKey", p.node_id AS "nodeId", p.state, p.due_at AS "dueAt",
  p.phase, p.wake_type AS "wakeType", p.wake_where AS "wakeWhere", p.attempt, p.seq, p.holdout, p.entered_at AS "enteredAt",
  p.arrived_at AS "arrivedAt", p.trigger_event_key AS "triggerEventKey", p.last_output AS "lastOutput", p.error, p.updated_at AS "updatedAt"`

const RUN_COLUMNS = `id, flow_id AS "flowId", flow_version AS "flowVersion", state, snapshot, seed, accepting, policy, replaces, options,
  created_at AS "createdAt", updated_at AS "updatedAt"`

const OUTBOX_COLUMNS = `o.id, o.key, o.run_id AS "runId", o.flow_id AS "flowId", o.node_id AS "nodeId", o.customer_key AS "customerKey",
  coalesce(c.external_id, '') AS "customerId", o.channel, o.message, o.offer, o.state, o.attempts, o.next_attempt_at AS "nextAttemptAt",
  o.last_error AS "lastError", o.created_at AS "createdAt", o.sent_at AS "sentAt"`

const POSITION_RECORD = `run_id text, customer_key int, node_id text, state text, due_at bigint, phase text, wake_type text,
  wake_where text, attempt int, seq int, holdout boolean, entered_at bigint, arrived_at bigint, trigger_event_key bigint,
  last_output text, error text, updated_at bigint`

const SQL_TEXT = {
  customersPage: 'SELECT key, external_id AS id FROM customers WHERE key > $1 ORDER BY key LIMIT $2',
  customersByKeys: 'SELECT key, external_id AS id FROM customers WHERE key = ANY($1::int[]) ORDER BY key',
  customersByIds: 'SELECT key, external_id AS id FROM customers WHERE external_id = ANY($1::text[]) ORDER BY key',
  listFlowDrafts: 'SELECT flow_id AS "flowId", name, definition, revision, created_at AS "createdAt", updated_at AS "updatedAt", updated_by AS "updatedBy", archived_at AS "archivedAt" FROM flow_drafts ORDER BY flow_id',
  getFlowDraft: 'SELECT flow_id AS "flowId", name, definition, revision, created_at AS "createdAt", updated_at AS "updatedAt", updated_by AS "updatedBy", archived_at AS "archivedAt" FROM flow_drafts WHERE flow_id = $1',
  insertFlowDraft: `INSERT INTO flow_drafts (flow_id, name, definition, revision, created_at, updated_at, updated_by, archived_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (flow_id) DO NOTHING`,
  updateFlowDraft: `UPDATE flow_drafts SET name = $1, definition = $2, revision = $3, updated_at = $4, updated_by = $5, archived_at = $6
    WHERE flow_id = $7 AND revision = $8`,
  insertFlowVersion: `INSERT INTO flow_versions (flow_id, version, definition, published_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (flow_id, version) DO NOTHING`,
  getFlowVersion: 'SELECT flow_id AS "flowId", version, definition, published_at AS "publishedAt" FROM flow_versions WHERE flow_id = $1 AND version = $2',
  listFlowVersions: 'SELECT flow_id AS "flowId", version, definition, published_at AS "publishedAt" FROM flow_versions WHERE flow_id = $1 ORDER BY version DESC',
  insertRun: `INSERT INTO runs (id, flow_id, flow_version, state, snapshot, seed, accepting, policy, replaces, options, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
  getRun: `SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`,
  listRuns: `SELECT ${RUN_COLUMNS} FROM runs WHERE ($1::text IS NULL OR flow_id = $1) AND ($2::text[] IS NULL OR state = ANY($2::text[]))
    ORDER BY created_at, id`,
  getTriggerState: `SELECT event_at AS "eventAt", event_key AS "eventKey", last_fire_at AS "lastFireAt", audience_fire_at AS "audienceFireAt",
    audience_after_key AS "audienceAfterKey", audience_done AS "audienceDone" FROM trigger_state WHERE run_id = $1`,
  setTriggerState: `INSERT INTO trigger_state (run_id, event_at, event_key, last_fire_at, audience_fire_at, audience_after_key, audience_done)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO UPDATE SET event_at = excluded.event_at, event_key = excluded.event_key,
    last_fire_at = excluded.last_fire_at, audience_fire_at = excluded.audience_fire_at, audience_after_key = excluded.audience_after_key,
    audience_done = excluded.audience_done`,
  getEntries: `SELECT customer_key AS "customerKey", last_entry_at AS "lastEntryAt", count FROM entries
    WHERE flow_id = $1 AND customer_key = ANY($2::int[])`,
  recordEntries: `INSERT INTO entries AS e (flow_id, customer_key, last_entry_at, count)
    SELECT $1, k, at, 1 FROM jsonb_to_recordset($2::jsonb) AS r(k int, at bigint)
    ON CONFLICT (flow_id, customer_key) DO UPDATE SET last_entry_at = excluded.last_entry_at, count = e.count + 1`,
  activeInFlow: `SELECT DISTINCT p.customer_key AS key FROM positions p JOIN runs r ON r.id = p.run_id
    WHERE r.flow_id = $1 AND p.state = 'active' AND p.customer_key = ANY($2::int[])`,
  writePositions: `INSERT INTO positions (run_id, customer_key, node_id, state, due_at, phase, wake_type, wake_where, attempt, seq, holdout,
      entered_at, arrived_at, trigger_event_key, last_output, error, updated_at)
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${POSITION_RECORD})
    ON CONFLICT (run_id, customer_key) DO UPDATE SET node_id = excluded.node_id, state = excluded.state, due_at = excluded.due_at,
      phase = excluded.phase, wake_type = excluded.wake_type, wake_where = excluded.wake_where, attempt = excluded.attempt,
      seq = excluded.seq, holdout = excluded.holdout, entered_at = excluded.entered_at, arrived_at = excluded.arrived_at,
      trigger_event_key = excluded.trigger_event_key, last_output = excluded.last_output, error = excluded.error,
      updated_at = excluded.updated_at`,
  getPositions: `SELECT ${POSITION_COLUMNS} FROM positions p WHERE p.run_id = $1 AND p.customer_key = ANY($2::int[]) ORDER BY p.customer_key`,
  listPositions: `SELECT ${POSITION_COLUMNS}, c.external_id AS "customerId" FROM positions p JOIN customers c ON c.key = p.customer_key
    WHERE p.run_id = $1 AND ($2::text IS NULL OR p.node_id = $2) AND ($3::text IS NULL OR p.state = $3) AND p.customer_key > $4 ORDER BY p.customer_key LIMIT $5`,
  dueNodes: `SELECT DISTINCT run_id AS "runId", node_id AS "nodeId" FROM positions
    WHERE state = 'active' AND run_id = ANY($1::text[]) AND due_at <= $2 ORDER BY 1, 2`,
  duePositions: `SELECT ${POSITION_COLUMNS}, c.external_id AS "customerId", e.event_id AS "eventId", e.type AS "eventType", e.at AS "eventAt",
      e.properties::text AS "eventProperties"
    FROM positions p
    LEFT JOIN customers c ON c.key = p.customer_key
    LEFT JOIN events e ON e.key = p.trigger_event_key
    WHERE p.run_id = $1 AND p.node_id = $2 AND p.state = 'active' AND p.due_at <= $3 AND (p.due_at, p.customer_key) > ($4::bigint, $5::bigint)
    ORDER BY p.due_at, p.customer_key LIMIT $6`,
  nextDueAt: `SELECT min((SELECT min(due_at) FROM positions WHERE run_id = r AND state = 'active')) AS m FROM unnest($1::text[]) AS r`,
  wakeTypes: `SELECT DISTINCT wake_type AS type FROM positions WHERE run_id = $1 AND state = 'active' AND wake_type IS NOT NULL ORDER BY 1`,
  countPositions: `SELECT node_id AS "nodeId", state, count(*) AS count FROM positions WHERE run_id = $1 GROUP BY node_id, state ORDER BY 1, 2`,
  positionErrors: `SELECT node_id AS "nodeId", coalesce(error, '') AS message, count(*) AS count FROM positions
    WHERE run_id = $1 AND state = 'error' GROUP BY node_id, coalesce(error, '') ORDER BY 3 DESC, 1, 2`,
  movePositions: `UPDATE positions SET run_id = $1, node_id = coalesce($2::jsonb ->> node_id, node_id), updated_at = $3
    WHERE run_id = $4 AND state = 'active'`,
  cancelPositions: `UPDATE positions SET state = 'cancelled', due_at = NULL, updated_at = $1 WHERE run_id = $2 AND state = 'active'`,
  eventsAfter: `SELECT e.key, e.event_id AS id, e.customer_key AS "customerKey", c.external_id AS "customerId", e.type, e.at,
      e.properties::text AS properties
    FROM events e JOIN customers c ON c.key = e.customer_key
    WHERE e.type = ANY($1::text[]) AND e.at >= $2 AND (e.at > $2 OR e.key > $3) AND e.at <= $4
    ORDER BY e.at, e.key LIMIT $5`,
  nextEventAt: `SELECT min((SELECT min(at) FROM events WHERE type = t AND at >= $2 AND (at > $2 OR key > $3))) AS m FROM unnest($1::text[]) AS t`,
  nextWakeEventAt: `SELECT min((SELECT e.at FROM events e WHERE e.type = t AND e.at >= $2 AND (e.at > $2 OR e.key > $3) AND e.at < $4
      AND EXISTS (SELECT 1 FROM positions p WHERE p.run_id = $5 AND p.customer_key = e.customer_key AND p.state = 'active' AND p.wake_type = e.type)
      ORDER BY e.at LIMIT 1)) AS m FROM unnest($1::text[]) AS t`,
  appendJournal: `INSERT INTO journal (run_id, batch, node_id, kind, output, at, count, keys, customer_key, data)
    SELECT run_id, batch, node_id, kind, output, at, count, keys, customer_key, data FROM jsonb_to_recordset($1::jsonb)
      AS r(run_id text, batch int, node_id text, kind text, output text, at bigint, count int, keys text, customer_key int, data text)`,
  readJournal: `SELECT id, run_id AS "runId", batch, node_id AS "nodeId", kind, output, at, count, keys, customer_key AS "customerKey", data
    FROM journal WHERE run_id = $1 AND ($2::text IS NULL OR node_id = $2) AND ($5::text[] IS NULL OR kind = ANY($5)) AND id > $3 ORDER BY id LIMIT $4`,
  journalTotals: `SELECT node_id AS "nodeId", kind, output, sum(count) AS count FROM journal
    WHERE run_id = $1 AND kind IN ('arrive', 'route', 'park', 'error', 'held') GROUP BY node_id, kind, output ORDER BY 1, 2, 3`,
  lastBatch: 'SELECT coalesce(max(batch), 0) AS batch FROM journal WHERE run_id = $1',
  enqueueOutbox: `INSERT INTO outbox (key, run_id, flow_id, node_id, customer_key, channel, message, offer, state, attempts, next_attempt_at,
      last_error, created_at, sent_at)
    SELECT key, run_id, flow_id, node_id, customer_key, channel, message, offer, 'pending', 0, next_attempt_at, NULL, created_at, NULL
    FROM jsonb_to_recordset($1::jsonb) AS r(key text, run_id text, flow_id text, node_id text, customer_key int, channel text,
      message text, offer text, next_attempt_at bigint, created_at bigint)
    ON CONFLICT (key) DO NOTHING`,
  dueOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
    WHERE o.state = 'pending' AND o.next_attempt_at <= $1 ORDER BY o.next_attempt_at, o.id LIMIT $2`,
  updateOutbox: `UPDATE outbox o SET state = r.state, attempts = r.attempts, next_attempt_at = r.next_attempt_at, last_error = r.last_error,
      sent_at = r.sent_at
    FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, state text, attempts int, next_attempt_at bigint, last_error text, sent_at bigint)
    WHERE o.id = r.id`,
  nextOutboxAt: `SELECT min(next_attempt_at) AS m FROM outbox WHERE state = 'pending'`,
  listOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
    WHERE ($1::text IS NULL OR o.run_id = $1) AND o.id > $2 ORDER BY o.id LIMIT $3`,
  hasPendingSends: `SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending' AND run_id = $1) AS pending`,
  outboxCounts: `SELECT channel, state, count(*) AS count FROM outbox WHERE ($1::text IS NULL OR run_id = $1) GROUP BY channel, state ORDER BY 1, 2`,
  customerPositions: `SELECT ${POSITION_COLUMNS}, r.flow_id AS "flowId", r.flow_version AS "flowVersion", r.state AS "runState"
    FROM runs r JOIN positions p ON p.run_id = r.id AND p.customer_key = $1 ORDER BY r.created_at DESC, r.id DESC`,
  customerOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
    WHERE o.customer_key = $1 ORDER BY o.id DESC LIMIT $2`,
} as const

/** Run columns `updateRun` may set, by field name. A fixed map: no identifier ever comes from input. */
const RUN_UPDATE_COLUMNS: Record<string, string> = {
  state: 'state',
  snapshot: 'snapshot',
  seed: 'seed',
  accepting: 'accepting',
  policy: 'policy',
  replaces: 'replaces',
  options: 'options',
  updatedAt: 'updated_at',
}

const MIN_CURSOR: EventCursor = { at: Number.MIN_SAFE_INTEGER, key: Number.MIN_SAFE_INTEGER }

type Row = Record<string, unknown>

const num = (value: unknown): number => Number(value)
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value))

/** The engine store on the customer store's PostgreSQL pool. */
export class PgEngineStore implements EngineStore {
  readonly dialect = 'postgres' as const

  private constructor(
    private readonly base: PgStore,
    readonly customers: StorePort,
  ) {}

  /** The engine store over `store`'s pool. */
  static open(store: PgStore): PgEngineStore {
    return new PgEngineStore(store, store)
  }

  async transaction<T>(fn: (tx: EngineStore) => Promise<T>): Promise<T> {
    return this.customers.transaction((tx) => fn(new PgEngineStore(this.base, tx)))
  }

  async customersPage(afterKey: number, limit: number): Promise<CustomerRef[]> {
    return (await this.query(SQL_TEXT.customersPage, [afterKey, limit])).rows.map(toCustomerRef)
  }

  async customersByKeys(keys: readonly number[]): Promise<CustomerRef[]> {
    if (keys.length === 0) return []
    return (await this.query(SQL_TEXT.customersByKeys, [[...keys]])).rows.map(toCustomerRef)
  }

  async customersByIds(ids: readonly string[]): Promise<CustomerRef[]> {
    if (ids.length === 0) return []
    return (await this.query(SQL_TEXT.customersByIds, [[...ids]])).rows.map(toCustomerRef)
  }

  async saveFlowVersion(row: FlowVersionRow): Promise<SaveFlowVersionResult> {
    const inserted = await this.query(SQL_TEXT.insertFlowVersion, [row.flowId, row.version, row.definition, row.publishedAt])
    if ((inserted.rowCount ?? 0) === 1) return 'created'
    const existing = await this.getFlowVersion(row.flowId, row.version)
    return existing?.definition === row.definition ? 'exists' : 'conflict'
  }

  async getFlowVersion(flowId: string, version: number): Promise<FlowVersionRow | undefined> {
    const [row] = (await this.query(SQL_TEXT.getFlowVersion, [flowId, version])).rows
    return row ? toFlowVersion(row) : undefined
  }

  async listFlowVersions(flowId: string): Promise<FlowVersionRow[]> {
    return (await this.query(SQL_TEXT.listFlowVersions, [flowId])).rows.map(toFlowVersion)
  }

  async listFlowDrafts(): Promise<FlowDraftRow[]> {
    return (await this.query(SQL_TEXT.listFlowDrafts, [])).rows.map(toFlowDraft)
  }

  async getFlowDraft(flowId: string): Promise<FlowDraftRow | undefined> {
    const [row] = (await this.query(SQL_TEXT.getFlowDraft, [flowId])).rows
    return row ? toFlowDraft(row) : undefined
  }

  async saveFlowDraft(row: FlowDraftRow, expectedRevision: number | null): Promise<SaveFlowDraftResult> {
    const result = expectedRevision === null
      ? await this.query(SQL_TEXT.insertFlowDraft, [row.flowId, row.name, row.definition, row.revision, row.createdAt, row.updatedAt, row.updatedBy, row.archivedAt])
      : await this.query(SQL_TEXT.updateFlowDraft, [row.name, row.definition, row.revision, row.updatedAt, row.updatedBy, row.archivedAt, row.flowId, expectedRevision])
    return result.rowCount === 1 ? 'saved' : 'conflict'
  }

  async insertRun(row: RunRow): Promise<void> {
    await this.query(SQL_TEXT.insertRun, [row.id, row.flowId, row.flowVersion, row.state, row.snapshot, row.seed, row.accepting, row.policy,
      row.replaces, row.options, row.createdAt, row.updatedAt])
  }

  async updateRun(id: string, patch: Partial<Omit<RunRow, 'id' | 'flowId' | 'flowVersion' | 'createdAt'>>): Promise<void> {
    const sets: string[] = []
    const values: unknown[] = []
    for (const [field, value] of Object.entries(patch)) {
      const column = RUN_UPDATE_COLUMNS[field]
      if (!column || value === undefined) continue
      values.push(value)
      sets.push(`${column} = $${values.length}`)
    }
    if (sets.length === 0) return
    values.push(id)
    await this.query(`UPDATE runs SET ${sets.join(', ')} WHERE id = $${values.length}`, values)
  }

  async getRun(id: string): Promise<RunRow | undefined> {
    const [row] = (await this.query(SQL_TEXT.getRun, [id])).rows
    return row ? toRun(row) : undefined
  }

  async listRuns(filter: { flowId?: string; states?: readonly RunRow['state'][] } = {}): Promise<RunRow[]> {
    return (await this.query(SQL_TEXT.listRuns, [filter.flowId ?? null, filter.states ? [...filter.states] : null])).rows.map(toRun)
  }

  async getTriggerState(runId: string): Promise<TriggerStateRow> {
    const [row] = (await this.query(SQL_TEXT.getTriggerState, [runId])).rows
    if (!row) return { runId, eventCursor: null, lastFireAt: null, audienceFireAt: null, audienceAfterKey: null, audienceDone: false }
    const at = numOrNull(row.eventAt)
    const key = numOrNull(row.eventKey)
    return {
      runId,
      eventCursor: at === null || key === null ? null : { at, key },
      lastFireAt: numOrNull(row.lastFireAt),
      audienceFireAt: numOrNull(row.audienceFireAt),
      audienceAfterKey: numOrNull(row.audienceAfterKey),
      audienceDone: row.audienceDone === true,
    }
  }

  async setTriggerState(row: TriggerStateRow): Promise<void> {
    await this.query(SQL_TEXT.setTriggerState, [row.runId, row.eventCursor?.at ?? null, row.eventCursor?.key ?? null, row.lastFireAt,
      row.audienceFireAt, row.audienceAfterKey, row.audienceDone])
  }

  async getEntries(flowId: string, customerKeys: readonly number[]): Promise<Map<number, EntryRow>> {
    if (customerKeys.length === 0) return new Map()
    const rows = (await this.query(SQL_TEXT.getEntries, [flowId, [...customerKeys]])).rows
    return new Map(rows.map((row) => [num(row.customerKey), { customerKey: num(row.customerKey), lastEntryAt: num(row.lastEntryAt), count: num(row.count) }]))
  }

  async recordEntries(flowId: string, rows: readonly { customerKey: number; at: number }[]): Promise<void> {
    for (const chunk of chunks([...rows], CHUNK)) {
      await this.query(SQL_TEXT.recordEntries, [flowId, JSON.stringify(chunk.map((r) => ({ k: r.customerKey, at: r.at })))])
    }
  }

  async activeInFlow(flowId: string, customerKeys: readonly number[]): Promise<Set<number>> {
    if (customerKeys.length === 0) return new Set()
    return new Set((await this.query(SQL_TEXT.activeInFlow, [flowId, [...customerKeys]])).rows.map((row) => num(row.key)))
  }

  async writePositions(rows: readonly PositionRow[]): Promise<void> {
    for (const chunk of chunks([...rows], CHUNK)) {
      const payload = chunk.map((p) => ({
        run_id: p.runId, customer_key: p.customerKey, node_id: p.nodeId, state: p.state, due_at: p.dueAt, phase: p.phase,
        wake_type: p.wakeType, wake_where: p.wakeWhere, attempt: p.attempt, seq: p.seq, holdout: p.holdout, entered_at: p.enteredAt,
        arrived_at: p.arrivedAt, trigger_event_key: p.triggerEventKey, last_output: p.lastOutput, error: p.error, updated_at: p.updatedAt,
      }))
      await this.query(SQL_TEXT.writePositions, [JSON.stringify(payload)])
    }
  }

  async getPositions(runId: string, customerKeys: readonly number[]): Promise<PositionRow[]> {
    if (customerKeys.length === 0) return []
    return (await this.query(SQL_TEXT.getPositions, [runId, [...customerKeys]])).rows.map(toPosition)
  }

  async listPositions(runId: string, filter: { nodeId?: string; state?: PositionState; afterKey?: number; limit: number }): Promise<(PositionRow & { customerId: string })[]> {
    const { rows } = await this.query(SQL_TEXT.listPositions, [runId, filter.nodeId ?? null, filter.state ?? null, filter.afterKey ?? -1, filter.limit])
    return rows.map((row) => ({ ...toPosition(row), customerId: String(row.customerId) }))
  }

  async dueNodes(runIds: readonly string[], now: number): Promise<{ runId: string; nodeId: string }[]> {
    if (runIds.length === 0) return []
    return (await this.query(SQL_TEXT.dueNodes, [[...runIds], now])).rows.map((row) => ({ runId: String(row.runId), nodeId: String(row.nodeId) }))
  }

  async duePositions(runId: string, nodeId: string, now: number, options: { limit?: number; after?: EventCursor }): Promise<DuePosition[]> {
    const after = options.after ?? MIN_CURSOR
    const rows = (await this.query(SQL_TEXT.duePositions, [runId, nodeId, now, after.at, after.key, options.limit ?? null])).rows
    return rows.map((row) => {
      const due: DuePosition = { ...toPosition(row), customerId: row.customerId === null ? '' : String(row.customerId) }
      if (row.eventId !== null && row.eventId !== undefined) {
        due.trigger = { id: String(row.eventId), type: String(row.eventType), at: num(row.eventAt), properties: JSON.parse(String(row.eventProperties)) as Record<string, unknown> }
      }
      return due
    })
  }

  async nextDueAt(runIds: readonly string[]): Promise<number | null> {
    if (runIds.length === 0) return null
    return numOrNull((await this.query(SQL_TEXT.nextDueAt, [[...runIds]])).rows[0]?.m)
  }

  async wakeTypes(runId: string): Promise<string[]> {
    return (await this.query(SQL_TEXT.wakeTypes, [runId])).rows.map((row) => String(row.type))
  }

  async countPositions(runId: string): Promise<PositionCount[]> {
    return (await this.query(SQL_TEXT.countPositions, [runId])).rows.map((row) => ({
      nodeId: String(row.nodeId), state: row.state as PositionCount['state'], count: num(row.count),
    }))
  }

  async positionErrors(runId: string): Promise<PositionErrorCount[]> {
    return (await this.query(SQL_TEXT.positionErrors, [runId])).rows.map((row) => ({ nodeId: String(row.nodeId), message: String(row.message), count: num(row.count) }))
  }

  async movePositions(fromRunId: string, toRunId: string, nodeMap: ReadonlyMap<string, string>, now: number): Promise<number> {
    return (await this.query(SQL_TEXT.movePositions, [toRunId, JSON.stringify(Object.fromEntries(nodeMap)), now, fromRunId])).rowCount ?? 0
  }

  async cancelPositions(runId: string, now: number): Promise<number> {
    return (await this.query(SQL_TEXT.cancelPositions, [now, runId])).rowCount ?? 0
  }

  async eventsAfter(types: readonly string[], after: EventCursor | null, until: number, limit: number): Promise<EngineEvent[]> {
    if (types.length === 0) return []
    const from = after ?? MIN_CURSOR
    const rows = (await this.query(SQL_TEXT.eventsAfter, [[...types], from.at, from.key, until, limit])).rows
    return rows.map((row) => ({
      key: num(row.key), id: String(row.id), customerKey: num(row.customerKey), customerId: String(row.customerId), type: String(row.type),
      at: num(row.at), properties: JSON.parse(String(row.properties)) as Record<string, unknown>,
    }))
  }

  async nextEventAt(types: readonly string[], after: EventCursor | null): Promise<number | null> {
    if (types.length === 0) return null
    const from = after ?? MIN_CURSOR
    return numOrNull((await this.query(SQL_TEXT.nextEventAt, [[...types], from.at, from.key])).rows[0]?.m)
  }

  async nextWakeEventAt(runId: string, types: readonly string[], after: EventCursor | null, before: number | null): Promise<number | null> {
    if (types.length === 0) return null
    const from = after ?? MIN_CURSOR
    const to = before ?? Number.MAX_SAFE_INTEGER
    return numOrNull((await this.query(SQL_TEXT.nextWakeEventAt, [[...types], from.at, from.key, to, runId])).rows[0]?.m)
  }

  async appendJournal(rows: readonly JournalRow[]): Promise<void> {
    for (const chunk of chunks([...rows], CHUNK)) {
      const payload = chunk.map((r) => ({
        run_id: r.runId, batch: r.batch, node_id: r.nodeId, kind: r.kind, output: r.output, at: r.at, count: r.count, keys: r.keys,
        customer_key: r.customerKey, data: r.data,
      }))
      await this.query(SQL_TEXT.appendJournal, [JSON.stringify(payload)])
    }
  }

  async readJournal(runId: string, options: { nodeId?: string; afterId?: number; limit?: number; kinds?: readonly JournalKind[] } = {}): Promise<StoredJournalRow[]> {
    const rows = (await this.query(SQL_TEXT.readJournal, [runId, options.nodeId ?? null, options.afterId ?? 0, options.limit ?? null, options.kinds ? [...options.kinds] : null])).rows
    return rows.map((row) => ({
      id: num(row.id), runId: String(row.runId), batch: num(row.batch), nodeId: String(row.nodeId), kind: row.kind as JournalRow['kind'],
      output: row.output === null ? null : String(row.output), at: num(row.at), count: num(row.count),
      keys: row.keys === null ? null : String(row.keys), customerKey: numOrNull(row.customerKey), data: row.data === null ? null : String(row.data),
    }))
  }

  async journalTotals(runId: string): Promise<JournalTotal[]> {
    return (await this.query(SQL_TEXT.journalTotals, [runId])).rows.map((row) => ({
      nodeId: String(row.nodeId), kind: row.kind as JournalTotal['kind'], output: row.output === null ? null : String(row.output), count: num(row.count),
    }))
  }

  async lastBatch(runId: string): Promise<number> {
    return num((await this.query(SQL_TEXT.lastBatch, [runId])).rows[0]?.batch)
  }

  async enqueueOutbox(rows: readonly OutboxIntent[]): Promise<number> {
    let created = 0
    for (const chunk of chunks([...rows], CHUNK)) {
      const payload = chunk.map((r) => ({
        key: r.key, run_id: r.runId, flow_id: r.flowId, node_id: r.nodeId, customer_key: r.customerKey, channel: r.channel, message: r.message,
        offer: r.offer, next_attempt_at: r.nextAttemptAt, created_at: r.createdAt,
      }))
      created += (await this.query(SQL_TEXT.enqueueOutbox, [JSON.stringify(payload)])).rowCount ?? 0
    }
    return created
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxRow[]> {
    return (await this.query(SQL_TEXT.dueOutbox, [now, limit])).rows.map(toOutbox)
  }

  async updateOutbox(updates: readonly OutboxUpdate[]): Promise<void> {
    for (const chunk of chunks([...updates], CHUNK)) {
      const payload = chunk.map((u) => ({ id: u.id, state: u.state, attempts: u.attempts, next_attempt_at: u.nextAttemptAt, last_error: u.lastError, sent_at: u.sentAt }))
      await this.query(SQL_TEXT.updateOutbox, [JSON.stringify(payload)])
    }
  }

  async nextOutboxAt(): Promise<number | null> {
    return numOrNull((await this.query(SQL_TEXT.nextOutboxAt, [])).rows[0]?.m)
  }

  async listOutbox(options: { runId?: string; afterId?: number; limit?: number } = {}): Promise<OutboxRow[]> {
    return (await this.query(SQL_TEXT.listOutbox, [options.runId ?? null, options.afterId ?? 0, options.limit ?? null])).rows.map(toOutbox)
  }

  async hasPendingSends(runId: string): Promise<boolean> {
    return (await this.query(SQL_TEXT.hasPendingSends, [runId])).rows[0]?.pending === true
  }

  async outboxCounts(runId?: string): Promise<{ channel: Channel; state: OutboxRow['state']; count: number }[]> {
    return (await this.query(SQL_TEXT.outboxCounts, [runId ?? null])).rows.map((row) => ({
      channel: row.channel as Channel, state: row.state as OutboxRow['state'], count: num(row.count),
    }))
  }

  async measureGoal(runId: string, query: GoalQuery): Promise<GoalAnswer> {
    return measureGoalWith('postgres', runId, query, async (statement) => (await this.query(statement.text, statement.params.values)).rows)
  }

  async customerPositions(customerKey: number): Promise<CustomerPosition[]> {
    return (await this.query(SQL_TEXT.customerPositions, [customerKey])).rows.map((row) => ({
      ...toPosition(row), flowId: String(row.flowId), flowVersion: num(row.flowVersion), runState: row.runState as RunRow['state'],
    }))
  }

  async customerOutbox(customerKey: number, limit: number): Promise<OutboxRow[]> {
    return (await this.query(SQL_TEXT.customerOutbox, [customerKey, limit])).rows.map(toOutbox)
  }

  async eraseCustomer(customerId: string, erasure: { at: number; reason: string }): Promise<ErasureReport | null> {
    return this.transaction((tx) => {
      const inTx = tx as PgEngineStore
      const sql: EraseSql = {
        dialect: 'postgres',
        rows: async (text, params) => (await inTx.query(pgPlaceholders(text), params)).rows,
        run: async (text, params) => (await inTx.query(pgPlaceholders(text), params)).rowCount ?? 0,
      }
      return eraseCustomerWith(sql, tx.customers, customerId, erasure)
    })
  }

  /** Runs one statement on the current transaction's client, or on the pool. */
  private async query(text: string, params: unknown[]): Promise<pg.QueryResult<Row>> {
    return (this.customers as PgStore).connection.query<Row>(text, params)
  }
}

function toCustomerRef(row: Row): CustomerRef {
  return { key: num(row.key), id: String(row.id) }
}

function toFlowVersion(row: Row): FlowVersionRow {
  return { flowId: String(row.flowId), version: num(row.version), definition: String(row.definition), publishedAt: num(row.publishedAt) }
}

function toRun(row: Row): RunRow {
  return {
    id: String(row.id), flowId: String(row.flowId), flowVersion: num(row.flowVersion), state: row.state as RunRow['state'],
    snapshot: String(row.snapshot), seed: String(row.seed), accepting: row.accepting === true, policy: (row.policy ?? null) as RunRow['policy'],
    replaces: row.replaces === null ? null : String(row.replaces), options: String(row.options), createdAt: num(row.createdAt), updatedAt: num(row.updatedAt),
  }
}

function toPosition(row: Row): PositionRow {
  return {
    runId: String(row.runId), customerKey: num(row.customerKey), nodeId: String(row.nodeId), state: row.state as PositionRow['state'],
    dueAt: numOrNull(row.dueAt), phase: row.phase as PositionRow['phase'], wakeType: (row.wakeType ?? null) as string | null,
    wakeWhere: (row.wakeWhere ?? null) as string | null, attempt: num(row.attempt), seq: num(row.seq), holdout: row.holdout === true,
    enteredAt: num(row.enteredAt), arrivedAt: num(row.arrivedAt), triggerEventKey: numOrNull(row.triggerEventKey),
    lastOutput: (row.lastOutput ?? null) as string | null, error: (row.error ?? null) as string | null, updatedAt: num(row.updatedAt),
  }
}

function toOutbox(row: Row): OutboxRow {
  return {
    id: num(row.id), key: String(row.key), runId: String(row.runId), flowId: String(row.flowId), nodeId: String(row.nodeId),
    customerKey: num(row.customerKey), customerId: String(row.customerId), channel: row.channel as Channel, message: String(row.message),
    offer: (row.offer ?? null) as string | null, state: row.state as OutboxRow['state'], attempts: num(row.attempts),
    nextAttemptAt: num(row.nextAttemptAt), lastError: (row.lastError ?? null) as string | null, createdAt: num(row.createdAt),
    sentAt: numOrNull(row.sentAt),
  }
}

function toFlowDraft(row: Record<string, unknown>): FlowDraftRow {
  return {
    flowId: String(row.flowId), name: String(row.name), definition: String(row.definition), revision: num(row.revision),
    createdAt: num(row.createdAt), updatedAt: num(row.updatedAt), updatedBy: row.updatedBy === null ? null : String(row.updatedBy),
    archivedAt: row.archivedAt === null ? null : num(row.archivedAt),
  }
}
