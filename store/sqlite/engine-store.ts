/**
 * The engine's persistence port on SQLite, on the customer store's own connection: the engine's
 * tables and the customer store share every transaction (a batch's positions, journal, outbox
 * intents, tags and contacts commit together). Statements are prepared once per connection and
 * run in loops inside one transaction: the database is in-process, so a loop of prepared
 * inserts is the bulk write.
 *
 * Durability: opening the engine store sets `synchronous = FULL` on the connection. In WAL mode
 * NORMAL is already safe against a process crash (SIGKILL loses nothing committed), but a power
 * loss may drop the last commits; FULL syncs the WAL on every commit so a delivered send's ledger
 * row survives that too. The cost is one fsync per batch transaction (batches are thousands of
 * customers), not per customer. Checkpoints run on a worker thread
 * (store/sqlite/background-checkpoints.ts), so no commit of the engine's process pays for copying
 * the WAL into the database file.
 *
 * Outside a transaction every call runs in a short transaction of its own: the store serialises
 * transactions on its one connection, so a call never reads another caller's uncommitted rows.
 */
import type Database from 'better-sqlite3'
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
import { eraseCustomerWith, type EraseSql } from '../common/erase-customer.ts'
import { measureGoalWith } from '../common/goal-sql.ts'
import { MultiRowInsert } from './multi-row-insert.ts'
import type { SqliteStore } from './sqlite-store.ts'

const POSITION_COLUMNS = `p.run_id AS runId, p.customer_key AS customerKey, p.node_id AS nodeId, p.state, p.due_at AS dueAt,
  p.phase, p.wake_type AS wakeType, p.wake_where AS wakeWhere, p.attempt, p.seq, p.holdout, p.entered_at AS enteredAt,
  p.arrived_at AS arrivedAt, p.trigger_event_key AS triggerEventKey, p.last_output AS lastOutput, p.error, p.updated_at AS updatedAt`

const RUN_COLUMNS = `id, flow_id AS flowId, flow_version AS flowVersion, state, snapshot, seed, accepting, policy, replaces, options,
  created_at AS createdAt, updated_at AS updatedAt`

const OUTBOX_COLUMNS = `o.id, o.key, o.run_id AS runId, o.flow_id AS flowId, o.node_id AS nodeId, o.customer_key AS customerKey,
  coalesce(c.external_id, '') AS customerId, o.channel, o.message, o.offer, o.state, o.attempts, o.next_attempt_at AS nextAttemptAt,
  o.last_error AS lastError, o.created_at AS createdAt, o.sent_at AS sentAt`

const SQL_TEXT = {
  customersPage: 'SELECT key, external_id AS id FROM customers WHERE key > ? ORDER BY key LIMIT ?',
  customersByKeys: 'SELECT key, external_id AS id FROM customers WHERE key IN (SELECT value FROM json_each(?)) ORDER BY key',
  customersByIds: 'SELECT key, external_id AS id FROM customers WHERE external_id IN (SELECT value FROM json_each(?)) ORDER BY key',
  getFlowVersion: 'SELECT flow_id AS flowId, version, definition, published_at AS publishedAt FROM flow_versions WHERE flow_id = ? AND version = ?',
  listFlowVersions: 'SELECT flow_id AS flowId, version, definition, published_at AS publishedAt FROM flow_versions WHERE flow_id = ? ORDER BY version DESC',
  listFlowDrafts: 'SELECT flow_id AS flowId, name, definition, revision, created_at AS createdAt, updated_at AS updatedAt, updated_by AS updatedBy, archived_at AS archivedAt FROM flow_drafts ORDER BY flow_id',
  getFlowDraft: 'SELECT flow_id AS flowId, name, definition, revision, created_at AS createdAt, updated_at AS updatedAt, updated_by AS updatedBy, archived_at AS archivedAt FROM flow_drafts WHERE flow_id = ?',
  insertFlowDraft: `INSERT INTO flow_drafts (flow_id, name, definition, revision, created_at, updated_at, updated_by, archived_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (flow_id) DO NOTHING`,
  updateFlowDraft: `UPDATE flow_drafts SET name = ?, definition = ?, revision = ?, updated_at = ?, updated_by = ?, archived_at = ?
    WHERE flow_id = ? AND revision = ?`,
  insertFlowVersion: 'INSERT INTO flow_versions (flow_id, version, definition, published_at) VALUES (?, ?, ?, ?)',
  insertRun: `INSERT INTO runs (id, flow_id, flow_version, state, snapshot, seed, accepting, policy, replaces, options, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  getRun: `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`,
  listRuns: `SELECT ${RUN_COLUMNS} FROM runs WHERE (? IS NULL OR flow_id = ?)
    AND (? IS NULL OR state IN (SELECT value FROM json_each(?))) ORDER BY created_at, id`,
  getTriggerState: `SELECT run_id AS runId, event_at AS eventAt, event_key AS eventKey, last_fire_at AS lastFireAt,
    audience_fire_at AS audienceFireAt, audience_after_key AS audienceAfterKey, audience_done AS audienceDone FROM trigger_state WHERE run_id = ?`,
  setTriggerState: `INSERT INTO trigger_state (run_id, event_at, event_key, last_fire_at, audience_fire_at, audience_after_key, audience_done)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET event_at = excluded.event_at, event_key = excluded.event_key,
    last_fire_at = excluded.last_fire_at, audience_fire_at = excluded.audience_fire_at, audience_after_key = excluded.audience_after_key,
    audience_done = excluded.audience_done`,
  getEntries: `SELECT customer_key AS customerKey, last_entry_at AS lastEntryAt, count FROM entries
    WHERE flow_id = ? AND customer_key IN (SELECT value FROM json_each(?))`,
  recordEntriesHead: 'INSERT INTO entries (flow_id, customer_key, last_entry_at, count)',
  // CROSS JOIN fixes the order (runs, then keys, then one primary-key probe each): left to
  // itself the planner scans the run's positions once per key, quadratic in the cohort.
  activeInFlow: `SELECT DISTINCT p.customer_key FROM runs r CROSS JOIN json_each(?) j CROSS JOIN positions p
    WHERE r.flow_id = ? AND p.run_id = r.id AND p.customer_key = j.value AND p.state = 'active'`,
  // Rows are written whole, so REPLACE (delete + insert) says the same as an upsert; measured
  // on 100k rows it costs 1.1 s against 8.2 s for ON CONFLICT DO UPDATE.
  writePositionsHead: `INSERT OR REPLACE INTO positions (run_id, customer_key, node_id, state, due_at, phase, wake_type, wake_where, attempt,
    seq, holdout, entered_at, arrived_at, trigger_event_key, last_output, error, updated_at)`,
  getPositions: `SELECT ${POSITION_COLUMNS} FROM positions p WHERE p.run_id = ? AND p.customer_key IN (SELECT value FROM json_each(?))
    ORDER BY p.customer_key`,
  // Null filters match everything; a page is (customer key) after the cursor.
  listPositions: `SELECT ${POSITION_COLUMNS}, c.external_id AS customerId FROM positions p JOIN customers c ON c.key = p.customer_key
    WHERE p.run_id = ? AND (? IS NULL OR p.node_id = ?) AND (? IS NULL OR p.state = ?) AND p.customer_key > ? ORDER BY p.customer_key LIMIT ?`,
  dueNodes: `SELECT DISTINCT run_id AS runId, node_id AS nodeId FROM positions
    INDEXED BY positions_next WHERE state = 'active' AND run_id IN (SELECT value FROM json_each(?)) AND due_at <= ? ORDER BY run_id, node_id`,
  // The trigger event rides along so nodes can correlate with it (same order id) without a query per customer.
  duePositions: `SELECT ${POSITION_COLUMNS}, c.external_id AS customerId, e.event_id AS eventId, e.type AS eventType, e.at AS eventAt,
      json(e.properties) AS eventProperties
    FROM positions p
    LEFT JOIN customers c ON c.key = p.customer_key
    LEFT JOIN events e ON e.key = p.trigger_event_key
    WHERE p.run_id = ? AND p.node_id = ? AND p.state = 'active' AND p.due_at <= ? AND (p.due_at, p.customer_key) > (?, ?)
    ORDER BY p.due_at, p.customer_key LIMIT ?`,
  // min() per run, so each run is one probe of positions_next rather than a scan.
  nextDueAt: `SELECT min(m) FROM (SELECT (SELECT min(due_at) FROM positions WHERE run_id = j.value AND state = 'active') AS m
    FROM json_each(?) j)`,
  wakeTypes: `SELECT DISTINCT wake_type FROM positions WHERE run_id = ? AND state = 'active' AND wake_type IS NOT NULL ORDER BY wake_type`,
  countPositions: `SELECT node_id AS nodeId, state, count(*) AS count FROM positions WHERE run_id = ? GROUP BY node_id, state ORDER BY node_id, state`,
  positionErrors: `SELECT node_id AS nodeId, coalesce(error, '') AS message, count(*) AS count FROM positions
    WHERE run_id = ? AND state = 'error' GROUP BY node_id, coalesce(error, '') ORDER BY count DESC, nodeId, message`,
  movePositions: `UPDATE positions SET run_id = ?, node_id = coalesce((SELECT j.value FROM json_each(?) j WHERE j.key = positions.node_id), node_id),
      updated_at = ?
    WHERE run_id = ? AND state = 'active'`,
  cancelPositions: `UPDATE positions SET state = 'cancelled', due_at = NULL, updated_at = ? WHERE run_id = ? AND state = 'active'`,
  eventsAfter: `SELECT e.key, e.event_id AS id, e.customer_key AS customerKey, c.external_id AS customerId, e.type, e.at,
      json(e.properties) AS properties
    FROM events e JOIN customers c ON c.key = e.customer_key
    WHERE e.type IN (SELECT value FROM json_each(?)) AND e.at >= ? AND (e.at > ? OR e.key > ?) AND e.at <= ?
    ORDER BY e.at, e.key LIMIT ?`,
  nextEventAt: `SELECT min(m) FROM (SELECT (SELECT min(at) FROM events WHERE type = j.value AND at >= ? AND (at > ? OR key > ?)) AS m
    FROM json_each(?) j)`,
  nextWakeEventAt: `SELECT min(m) FROM (SELECT (SELECT e.at FROM events e WHERE e.type = j.value AND e.at >= ? AND (e.at > ? OR e.key > ?) AND e.at < ?
      AND EXISTS (SELECT 1 FROM positions p WHERE p.run_id = ? AND p.customer_key = e.customer_key AND p.state = 'active' AND p.wake_type = e.type)
      ORDER BY e.at LIMIT 1) AS m FROM json_each(?) j)`,
  appendJournalHead: 'INSERT INTO journal (run_id, batch, node_id, kind, output, at, count, keys, customer_key, data)',
  readJournal: `SELECT id, run_id AS runId, batch, node_id AS nodeId, kind, output, at, count, keys, customer_key AS customerKey, data
    FROM journal WHERE run_id = ? AND (? IS NULL OR node_id = ?) AND (? IS NULL OR kind IN (SELECT value FROM json_each(?))) AND id > ? ORDER BY id LIMIT ?`,
  journalTotals: `SELECT node_id AS nodeId, kind, output, sum(count) AS count FROM journal
    WHERE run_id = ? AND kind IN ('arrive', 'route', 'park', 'error', 'held') GROUP BY node_id, kind, output ORDER BY node_id, kind, output`,
  lastBatch: 'SELECT coalesce(max(batch), 0) FROM journal WHERE run_id = ?',
  enqueueOutboxHead: `INSERT INTO outbox (key, run_id, flow_id, node_id, customer_key, channel, message, offer, state, attempts,
    next_attempt_at, last_error, created_at, sent_at)`,
  dueOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
    WHERE o.state = 'pending' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?`,
  // One statement per group of identical outcomes (a dispatched page is mostly "sent, 1st attempt, now").
  updateOutbox: `UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, sent_at = ?
    WHERE id IN (SELECT value FROM json_each(?))`,
  nextOutboxAt: "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'",
  listOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
    WHERE (? IS NULL OR o.run_id = ?) AND o.id > ? ORDER BY o.id LIMIT ?`,
  // Through the partial index of pending intents: delivered ones are never visited.
  hasPendingSends: "SELECT EXISTS (SELECT 1 FROM outbox INDEXED BY outbox_due WHERE state = 'pending' AND run_id = ?)",
  outboxCounts: `SELECT channel, state, count(*) AS count FROM outbox WHERE (? IS NULL OR run_id = ?) GROUP BY channel, state ORDER BY channel, state`,
  // CROSS JOIN: runs first, then one (run, customer) primary-key probe each.
  customerPositions: `SELECT ${POSITION_COLUMNS}, r.flow_id AS flowId, r.flow_version AS flowVersion, r.state AS runState
    FROM runs r CROSS JOIN positions p WHERE p.run_id = r.id AND p.customer_key = ? ORDER BY r.created_at DESC, r.id DESC`,
  customerOutbox: `SELECT ${OUTBOX_COLUMNS} FROM outbox o LEFT JOIN customers c ON c.key = o.customer_key
    WHERE o.customer_key = ? ORDER BY o.id DESC LIMIT ?`,
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

const POSITION_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
const OUTBOX_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?, NULL)"
const JOURNAL_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
const ENTRY_ROW = '(?, ?, ?, 1)'
const ENTRY_CONFLICT = 'ON CONFLICT (flow_id, customer_key) DO UPDATE SET last_entry_at = excluded.last_entry_at, count = entries.count + 1'

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>()
const insertCache = new WeakMap<Database.Database, Map<string, MultiRowInsert>>()
const NO_LIMIT = -1

interface DueRecord extends Omit<PositionRow, 'holdout'> {
  holdout: number
  customerId: string | null
  eventId: string | null
  eventType: string | null
  eventAt: number | null
  eventProperties: string | null
}

/** The engine store on the customer store's SQLite connection. */
export class SqliteEngineStore implements EngineStore {
  readonly dialect = 'sqlite' as const

  private constructor(
    private readonly base: SqliteStore,
    readonly customers: StorePort,
    private readonly inTransaction: boolean,
  ) {}

  /**
   * The engine store over `store`'s connection; switches the connection to `synchronous = FULL`
   * and its WAL checkpoints to a worker thread (see the module note).
   */
  static open(store: SqliteStore): SqliteEngineStore {
    store.database.pragma('synchronous = FULL')
    store.checkpointInBackground()
    return new SqliteEngineStore(store, store, false)
  }

  async transaction<T>(fn: (tx: EngineStore) => Promise<T>): Promise<T> {
    return this.customers.transaction((tx) => fn(new SqliteEngineStore(this.base, tx, true)))
  }

  async customersPage(afterKey: number, limit: number): Promise<CustomerRef[]> {
    return this.run(() => this.statement('customersPage').all(afterKey, limit) as CustomerRef[])
  }

  async customersByKeys(keys: readonly number[]): Promise<CustomerRef[]> {
    if (keys.length === 0) return []
    return this.run(() => this.statement('customersByKeys').all(JSON.stringify(keys)) as CustomerRef[])
  }

  async customersByIds(ids: readonly string[]): Promise<CustomerRef[]> {
    if (ids.length === 0) return []
    return this.run(() => this.statement('customersByIds').all(JSON.stringify(ids)) as CustomerRef[])
  }

  async saveFlowVersion(row: FlowVersionRow): Promise<SaveFlowVersionResult> {
    return this.run(() => {
      const existing = this.statement('getFlowVersion').get(row.flowId, row.version) as FlowVersionRow | undefined
      if (existing) return existing.definition === row.definition ? 'exists' : 'conflict'
      this.statement('insertFlowVersion').run(row.flowId, row.version, row.definition, row.publishedAt)
      return 'created'
    })
  }

  async getFlowVersion(flowId: string, version: number): Promise<FlowVersionRow | undefined> {
    return this.run(() => this.statement('getFlowVersion').get(flowId, version) as FlowVersionRow | undefined)
  }

  async listFlowVersions(flowId: string): Promise<FlowVersionRow[]> {
    return this.run(() => this.statement('listFlowVersions').all(flowId) as FlowVersionRow[])
  }

  async listFlowDrafts(): Promise<FlowDraftRow[]> {
    return this.run(() => this.statement('listFlowDrafts').all() as FlowDraftRow[])
  }

  async getFlowDraft(flowId: string): Promise<FlowDraftRow | undefined> {
    return this.run(() => this.statement('getFlowDraft').get(flowId) as FlowDraftRow | undefined)
  }

  async saveFlowDraft(row: FlowDraftRow, expectedRevision: number | null): Promise<SaveFlowDraftResult> {
    return this.run(() => {
      const changes = expectedRevision === null
        ? this.statement('insertFlowDraft').run(row.flowId, row.name, row.definition, row.revision, row.createdAt, row.updatedAt, row.updatedBy, row.archivedAt).changes
        : this.statement('updateFlowDraft').run(row.name, row.definition, row.revision, row.updatedAt, row.updatedBy, row.archivedAt, row.flowId, expectedRevision).changes
      return changes === 1 ? 'saved' : 'conflict'
    })
  }

  async insertRun(row: RunRow): Promise<void> {
    await this.run(() =>
      this.statement('insertRun').run(row.id, row.flowId, row.flowVersion, row.state, row.snapshot, row.seed, row.accepting ? 1 : 0,
        row.policy, row.replaces, row.options, row.createdAt, row.updatedAt),
    )
  }

  async updateRun(id: string, patch: Partial<Omit<RunRow, 'id' | 'flowId' | 'flowVersion' | 'createdAt'>>): Promise<void> {
    const sets: string[] = []
    const values: unknown[] = []
    for (const [field, value] of Object.entries(patch)) {
      const column = RUN_UPDATE_COLUMNS[field]
      if (!column || value === undefined) continue
      sets.push(`${column} = ?`)
      values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value)
    }
    if (sets.length === 0) return
    await this.run(() => this.base.database.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id))
  }

  async getRun(id: string): Promise<RunRow | undefined> {
    return this.run(() => {
      const row = this.statement('getRun').get(id) as (Omit<RunRow, 'accepting'> & { accepting: number }) | undefined
      return row ? toRun(row) : undefined
    })
  }

  async listRuns(filter: { flowId?: string; states?: readonly RunRow['state'][] } = {}): Promise<RunRow[]> {
    const flowId = filter.flowId ?? null
    const states = filter.states ? JSON.stringify(filter.states) : null
    return this.run(() => (this.statement('listRuns').all(flowId, flowId, states, states) as (Omit<RunRow, 'accepting'> & { accepting: number })[]).map(toRun))
  }

  async getTriggerState(runId: string): Promise<TriggerStateRow> {
    return this.run(() => {
      const row = this.statement('getTriggerState').get(runId) as
        | { runId: string; eventAt: number | null; eventKey: number | null; lastFireAt: number | null; audienceFireAt: number | null; audienceAfterKey: number | null; audienceDone: number }
        | undefined
      if (!row) return { runId, eventCursor: null, lastFireAt: null, audienceFireAt: null, audienceAfterKey: null, audienceDone: false }
      return {
        runId,
        eventCursor: row.eventAt === null || row.eventKey === null ? null : { at: row.eventAt, key: row.eventKey },
        lastFireAt: row.lastFireAt,
        audienceFireAt: row.audienceFireAt,
        audienceAfterKey: row.audienceAfterKey,
        audienceDone: row.audienceDone === 1,
      }
    })
  }

  async setTriggerState(row: TriggerStateRow): Promise<void> {
    await this.run(() =>
      this.statement('setTriggerState').run(row.runId, row.eventCursor?.at ?? null, row.eventCursor?.key ?? null, row.lastFireAt,
        row.audienceFireAt, row.audienceAfterKey, row.audienceDone ? 1 : 0),
    )
  }

  async getEntries(flowId: string, customerKeys: readonly number[]): Promise<Map<number, EntryRow>> {
    if (customerKeys.length === 0) return new Map()
    return this.run(() => {
      const rows = this.statement('getEntries').all(flowId, JSON.stringify(customerKeys)) as EntryRow[]
      return new Map(rows.map((row) => [row.customerKey, row]))
    })
  }

  async recordEntries(flowId: string, rows: readonly { customerKey: number; at: number }[]): Promise<void> {
    if (rows.length === 0) return
    await this.run(() => {
      const values: unknown[] = []
      for (const row of rows) values.push(flowId, row.customerKey, row.at)
      this.insert('recordEntriesHead', ENTRY_ROW, ENTRY_CONFLICT).run(values)
    })
  }

  async activeInFlow(flowId: string, customerKeys: readonly number[]): Promise<Set<number>> {
    if (customerKeys.length === 0) return new Set()
    return this.run(() => new Set(this.statement('activeInFlow', true).all(JSON.stringify(customerKeys), flowId) as number[]))
  }

  async writePositions(rows: readonly PositionRow[]): Promise<void> {
    if (rows.length === 0) return
    await this.run(() => {
      const values: unknown[] = []
      for (const p of rows) {
        values.push(p.runId, p.customerKey, p.nodeId, p.state, p.dueAt, p.phase, p.wakeType, p.wakeWhere, p.attempt, p.seq, p.holdout ? 1 : 0,
          p.enteredAt, p.arrivedAt, p.triggerEventKey, p.lastOutput, p.error, p.updatedAt)
      }
      this.insert('writePositionsHead', POSITION_ROW).run(values)
    })
  }

  async getPositions(runId: string, customerKeys: readonly number[]): Promise<PositionRow[]> {
    if (customerKeys.length === 0) return []
    return this.run(() => (this.statement('getPositions').all(runId, JSON.stringify(customerKeys)) as (Omit<PositionRow, 'holdout'> & { holdout: number })[]).map(toPosition))
  }

  async listPositions(runId: string, filter: { nodeId?: string; state?: PositionState; afterKey?: number; limit: number }): Promise<(PositionRow & { customerId: string })[]> {
    const node = filter.nodeId ?? null
    const state = filter.state ?? null
    return this.run(() =>
      (this.statement('listPositions').all(runId, node, node, state, state, filter.afterKey ?? -1, filter.limit) as (Omit<PositionRow, 'holdout'> & { holdout: number; customerId: string })[])
        .map((row) => ({ ...toPosition(row), customerId: row.customerId })),
    )
  }

  async dueNodes(runIds: readonly string[], now: number): Promise<{ runId: string; nodeId: string }[]> {
    if (runIds.length === 0) return []
    return this.run(() => this.statement('dueNodes').all(JSON.stringify(runIds), now) as { runId: string; nodeId: string }[])
  }

  async duePositions(runId: string, nodeId: string, now: number, options: { limit?: number; after?: EventCursor }): Promise<DuePosition[]> {
    const after = options.after ?? { at: Number.MIN_SAFE_INTEGER, key: Number.MIN_SAFE_INTEGER }
    return this.run(() => {
      const rows = this.statement('duePositions').all(runId, nodeId, now, after.at, after.key, options.limit ?? NO_LIMIT) as DueRecord[]
      return rows.map(toDuePosition)
    })
  }

  async nextDueAt(runIds: readonly string[]): Promise<number | null> {
    if (runIds.length === 0) return null
    return this.run(() => this.statement('nextDueAt', true).get(JSON.stringify(runIds)) as number | null)
  }

  async wakeTypes(runId: string): Promise<string[]> {
    return this.run(() => this.statement('wakeTypes', true).all(runId) as string[])
  }

  async countPositions(runId: string): Promise<PositionCount[]> {
    return this.run(() => this.statement('countPositions').all(runId) as PositionCount[])
  }

  async positionErrors(runId: string): Promise<PositionErrorCount[]> {
    return this.run(() => this.statement('positionErrors').all(runId) as PositionErrorCount[])
  }

  async movePositions(fromRunId: string, toRunId: string, nodeMap: ReadonlyMap<string, string>, now: number): Promise<number> {
    return this.run(() => this.statement('movePositions').run(toRunId, JSON.stringify(Object.fromEntries(nodeMap)), now, fromRunId).changes)
  }

  async cancelPositions(runId: string, now: number): Promise<number> {
    return this.run(() => this.statement('cancelPositions').run(now, runId).changes)
  }

  async eventsAfter(types: readonly string[], after: EventCursor | null, until: number, limit: number): Promise<EngineEvent[]> {
    if (types.length === 0) return []
    const from = after ?? { at: Number.MIN_SAFE_INTEGER, key: Number.MIN_SAFE_INTEGER }
    return this.run(() => {
      const rows = this.statement('eventsAfter').all(JSON.stringify(types), from.at, from.at, from.key, until, limit) as (Omit<EngineEvent, 'properties'> & { properties: string })[]
      return rows.map((row) => ({ ...row, properties: JSON.parse(row.properties) as Record<string, unknown> }))
    })
  }

  async nextEventAt(types: readonly string[], after: EventCursor | null): Promise<number | null> {
    if (types.length === 0) return null
    const from = after ?? { at: Number.MIN_SAFE_INTEGER, key: Number.MIN_SAFE_INTEGER }
    return this.run(() => this.statement('nextEventAt', true).get(from.at, from.at, from.key, JSON.stringify(types)) as number | null)
  }

  async nextWakeEventAt(runId: string, types: readonly string[], after: EventCursor | null, before: number | null): Promise<number | null> {
    if (types.length === 0) return null
    const from = after ?? { at: Number.MIN_SAFE_INTEGER, key: Number.MIN_SAFE_INTEGER }
    const to = before ?? Number.MAX_SAFE_INTEGER
    return this.run(() => this.statement('nextWakeEventAt', true).get(from.at, from.at, from.key, to, runId, JSON.stringify(types)) as number | null)
  }

  async appendJournal(rows: readonly JournalRow[]): Promise<void> {
    if (rows.length === 0) return
    await this.run(() => {
      const values: unknown[] = []
      for (const r of rows) values.push(r.runId, r.batch, r.nodeId, r.kind, r.output, r.at, r.count, r.keys, r.customerKey, r.data)
      // Multi-row statements keep the rows' order, so journal ids still follow the batch's order.
      this.insert('appendJournalHead', JOURNAL_ROW).run(values)
    })
  }

  async readJournal(runId: string, options: { nodeId?: string; afterId?: number; limit?: number; kinds?: readonly JournalKind[] } = {}): Promise<StoredJournalRow[]> {
    const nodeId = options.nodeId ?? null
    const kinds = options.kinds ? JSON.stringify(options.kinds) : null
    return this.run(() => this.statement('readJournal').all(runId, nodeId, nodeId, kinds, kinds, options.afterId ?? 0, options.limit ?? NO_LIMIT) as StoredJournalRow[])
  }

  async journalTotals(runId: string): Promise<JournalTotal[]> {
    return this.run(() => this.statement('journalTotals').all(runId) as JournalTotal[])
  }

  async lastBatch(runId: string): Promise<number> {
    return this.run(() => this.statement('lastBatch', true).get(runId) as number)
  }

  async enqueueOutbox(rows: readonly OutboxIntent[]): Promise<number> {
    if (rows.length === 0) return 0
    return this.run(() => {
      const values: unknown[] = []
      for (const r of rows) values.push(r.key, r.runId, r.flowId, r.nodeId, r.customerKey, r.channel, r.message, r.offer, r.nextAttemptAt, r.createdAt)
      return this.insert('enqueueOutboxHead', OUTBOX_ROW, 'ON CONFLICT (key) DO NOTHING').run(values)
    })
  }

  async dueOutbox(now: number, limit: number): Promise<OutboxRow[]> {
    return this.run(() => this.statement('dueOutbox').all(now, limit) as OutboxRow[])
  }

  async updateOutbox(updates: readonly OutboxUpdate[]): Promise<void> {
    if (updates.length === 0) return
    await this.run(() => {
      const groups = new Map<string, { update: OutboxUpdate; ids: number[] }>()
      for (const u of updates) {
        const key = JSON.stringify([u.state, u.attempts, u.nextAttemptAt, u.lastError, u.sentAt])
        const group = groups.get(key)
        if (group) group.ids.push(u.id)
        else groups.set(key, { update: u, ids: [u.id] })
      }
      const update = this.statement('updateOutbox')
      for (const { update: u, ids } of groups.values()) update.run(u.state, u.attempts, u.nextAttemptAt, u.lastError, u.sentAt, JSON.stringify(ids))
    })
  }

  async nextOutboxAt(): Promise<number | null> {
    return this.run(() => this.statement('nextOutboxAt', true).get() as number | null)
  }

  async listOutbox(options: { runId?: string; afterId?: number; limit?: number } = {}): Promise<OutboxRow[]> {
    const runId = options.runId ?? null
    return this.run(() => this.statement('listOutbox').all(runId, runId, options.afterId ?? 0, options.limit ?? NO_LIMIT) as OutboxRow[])
  }

  async hasPendingSends(runId: string): Promise<boolean> {
    return this.run(() => this.statement('hasPendingSends', true).get(runId) === 1)
  }

  async outboxCounts(runId?: string): Promise<{ channel: Channel; state: OutboxRow['state']; count: number }[]> {
    const id = runId ?? null
    return this.run(() => this.statement('outboxCounts').all(id, id) as { channel: Channel; state: OutboxRow['state']; count: number }[])
  }

  async measureGoal(runId: string, query: GoalQuery): Promise<GoalAnswer> {
    const db = this.base.database
    return measureGoalWith('sqlite', runId, query, (statement) => this.run(() => db.prepare(statement.text).all(statement.params.bindings()) as Record<string, unknown>[]))
  }

  async customerPositions(customerKey: number): Promise<CustomerPosition[]> {
    return this.run(() =>
      (this.statement('customerPositions').all(customerKey) as (Omit<CustomerPosition, 'holdout'> & { holdout: number })[]).map((row) => ({ ...row, holdout: row.holdout === 1 })),
    )
  }

  async customerOutbox(customerKey: number, limit: number): Promise<OutboxRow[]> {
    return this.run(() => this.statement('customerOutbox').all(customerKey, limit) as OutboxRow[])
  }

  async eraseCustomer(customerId: string, erasure: { at: number; reason: string }): Promise<ErasureReport | null> {
    const db = this.base.database
    const sql: EraseSql = {
      dialect: 'sqlite',
      rows: async (text, params) => db.prepare(text).all(...params) as Record<string, unknown>[],
      run: async (text, params) => db.prepare(text).run(...params).changes,
    }
    return this.transaction((tx) => eraseCustomerWith(sql, tx.customers, customerId, erasure))
  }

  /** Runs synchronous work inside the current transaction, or in a short one of its own. */
  private run<T>(work: () => T): Promise<T> {
    if (this.inTransaction) return Promise.resolve().then(work)
    return this.customers.transaction(async () => work())
  }

  /** A multi-row INSERT (64 rows per statement) whose head is `SQL_TEXT[head]`. */
  private insert(head: keyof typeof SQL_TEXT, row: string, tail = ''): MultiRowInsert {
    const db = this.base.database
    let cache = insertCache.get(db)
    if (!cache) {
      cache = new Map()
      insertCache.set(db, cache)
    }
    let insert = cache.get(head)
    if (!insert) {
      insert = new MultiRowInsert(db, SQL_TEXT[head], row, tail)
      cache.set(head, insert)
    }
    return insert
  }

  private statement(name: keyof typeof SQL_TEXT, pluck = false): Database.Statement {
    const db = this.base.database
    let cache = statementCache.get(db)
    if (!cache) {
      cache = new Map()
      statementCache.set(db, cache)
    }
    const cacheKey = pluck ? `${name}:pluck` : name
    let statement = cache.get(cacheKey)
    if (!statement) {
      statement = db.prepare(SQL_TEXT[name])
      if (pluck) statement.pluck()
      cache.set(cacheKey, statement)
    }
    return statement
  }
}

function toRun(row: Omit<RunRow, 'accepting'> & { accepting: number }): RunRow {
  return { ...row, accepting: row.accepting === 1 }
}

function toPosition(row: Omit<PositionRow, 'holdout'> & { holdout: number }): PositionRow {
  return { ...row, holdout: row.holdout === 1 }
}

// Built field by field (no rest/spread): this runs for every customer picked up as due.
function toDuePosition(row: DueRecord): DuePosition {
  const due: DuePosition = {
    runId: row.runId, customerKey: row.customerKey, nodeId: row.nodeId, state: row.state, dueAt: row.dueAt, phase: row.phase,
    wakeType: row.wakeType, wakeWhere: row.wakeWhere, attempt: row.attempt, seq: row.seq, holdout: row.holdout === 1,
    enteredAt: row.enteredAt, arrivedAt: row.arrivedAt, triggerEventKey: row.triggerEventKey, lastOutput: row.lastOutput,
    error: row.error, updatedAt: row.updatedAt, customerId: row.customerId ?? '',
  }
  if (row.eventId !== null && row.eventType !== null && row.eventAt !== null) {
    due.trigger = { id: row.eventId, type: row.eventType, at: row.eventAt, properties: JSON.parse(row.eventProperties ?? '{}') as Record<string, unknown> }
  }
  return due
}
