/**
 * The engine's tables for SQLite (drizzle), kept apart from the customer store's schema because
 * the engine module owns them: published flow versions, runs, trigger state, entry history,
 * positions, the journal and the outbox. Times are epoch-ms integers; JSON is stored as text.
 *
 * No foreign keys to customers: a position, journal or outbox row is written in the same
 * transaction that reads its customer key from the store, and per-row FK checks would tax the
 * executor's bulk writes (the Postgres store makes the same choice).
 */
import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { oneOf } from '../../common/check-constraint.ts'

export const flowVersions = sqliteTable(
  'flow_versions',
  {
    flowId: text('flow_id').notNull(),
    version: integer('version').notNull(),
    definition: text('definition').notNull(),
    publishedAt: integer('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.version] })],
)

/**
 * Flows as marketers edit them: the working draft (the whole flow file, layout included) with a
 * revision for optimistic concurrency, and archiving. Published versions are in flow_versions.
 */
export const flowDrafts = sqliteTable('flow_drafts', {
  flowId: text('flow_id').primaryKey(),
  name: text('name').notNull(),
  definition: text('definition').notNull(),
  revision: integer('revision').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by'),
  archivedAt: integer('archived_at'),
})

export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    flowId: text('flow_id').notNull(),
    flowVersion: integer('flow_version').notNull(),
    state: text('state').notNull(),
    snapshot: text('snapshot').notNull(),
    seed: text('seed').notNull(),
    accepting: integer('accepting').notNull(),
    policy: text('policy'),
    replaces: text('replaces'),
    options: text('options').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('runs_flow').on(t.flowId, t.createdAt),
    check('runs_state', oneOf('state', ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'])),
  ],
)

export const triggerState = sqliteTable('trigger_state', {
  runId: text('run_id').primaryKey(),
  eventAt: integer('event_at'),
  eventKey: integer('event_key'),
  lastFireAt: integer('last_fire_at'),
  audienceFireAt: integer('audience_fire_at'),
  audienceAfterKey: integer('audience_after_key'),
  audienceDone: integer('audience_done').notNull().default(0),
})

export const entries = sqliteTable(
  'entries',
  {
    flowId: text('flow_id').notNull(),
    customerKey: integer('customer_key').notNull(),
    lastEntryAt: integer('last_entry_at').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.customerKey] })],
)

export const positions = sqliteTable(
  'positions',
  {
    runId: text('run_id').notNull(),
    customerKey: integer('customer_key').notNull(),
    nodeId: text('node_id').notNull(),
    state: text('state').notNull(),
    dueAt: integer('due_at'),
    phase: text('phase').notNull(),
    wakeType: text('wake_type'),
    wakeWhere: text('wake_where'),
    attempt: integer('attempt').notNull(),
    seq: integer('seq').notNull(),
    holdout: integer('holdout').notNull(),
    enteredAt: integer('entered_at').notNull(),
    arrivedAt: integer('arrived_at').notNull(),
    triggerEventKey: integer('trigger_event_key'),
    lastOutput: text('last_output'),
    error: text('error'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.customerKey] }),
    // Due pick-up: the cohort at a node in (due time, key) order, active rows only.
    index('positions_due').on(t.runId, t.nodeId, t.dueAt, t.customerKey).where(sql`state = 'active'`),
    // The next due time of a run, for the scheduler.
    index('positions_next').on(t.runId, t.dueAt).where(sql`state = 'active'`),
    index('positions_wake').on(t.runId, t.wakeType).where(sql`state = 'active' AND wake_type IS NOT NULL`),
    check('positions_state', oneOf('state', ['active', 'done', 'error', 'cancelled'])),
    check('positions_phase', oneOf('phase', ['arrive', 'parked', 'woken'])),
  ],
)

export const journal = sqliteTable(
  'journal',
  {
    id: integer('id').primaryKey(),
    runId: text('run_id').notNull(),
    batch: integer('batch').notNull(),
    nodeId: text('node_id').notNull(),
    kind: text('kind').notNull(),
    output: text('output'),
    at: integer('at').notNull(),
    count: integer('count').notNull(),
    keys: text('keys'),
    customerKey: integer('customer_key'),
    data: text('data'),
  },
  (t) => [
    index('journal_run').on(t.runId, t.id),
    index('journal_customer').on(t.runId, t.customerKey).where(sql`customer_key IS NOT NULL`),
    check('journal_kind', oneOf('kind', ['arrive', 'route', 'park', 'error', 'note', 'detail', 'held'])),
  ],
)

export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey(),
    key: text('key').notNull().unique(),
    runId: text('run_id').notNull(),
    flowId: text('flow_id').notNull(),
    nodeId: text('node_id').notNull(),
    customerKey: integer('customer_key').notNull(),
    channel: text('channel').notNull(),
    message: text('message').notNull(),
    offer: text('offer'),
    state: text('state').notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('outbox_due').on(t.nextAttemptAt, t.id).where(sql`state = 'pending'`),
    index('outbox_run').on(t.runId, t.id),
    // A cohort's sends still pending (contact policy counts them): probed per customer, not by
    // scanning every pending intent of the tick in each batch.
    index('outbox_pending_customer').on(t.customerKey).where(sql`state = 'pending'`),
    // One customer's sends, newest first (the customer page) and every intent of theirs (erasure).
    index('outbox_customer').on(t.customerKey, t.id),
    check('outbox_state', oneOf('state', ['pending', 'sent', 'dead'])),
  ],
)

/**
 * Recorded inputs (engine/replay/batch-inputs.ts): one row per executor batch of a run — where
 * and when it started, its customers packed like the journal's keys, and in `data` what the
 * batch's decisions depended on (the travellers, every ctx.data read with its answer, the
 * settings, the positions it decided), JSON deflated and base64url: what `sluice replay` reads.
 */
export const runInputs = sqliteTable(
  'run_inputs',
  {
    runId: text('run_id').notNull(),
    batch: integer('batch').notNull(),
    nodeId: text('node_id').notNull(),
    at: integer('at').notNull(),
    count: integer('count').notNull(),
    keys: text('keys').notNull(),
    data: text('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.batch] })],
)
