/**
 * The engine's tables for PostgreSQL (drizzle), kept apart from the customer store's schema
 * because the engine module owns them: published flow versions, runs, trigger state, entry
 * history, positions, the journal and the outbox. Same columns and indexes as
 * store/dialects/sqlite/engine-schema.ts; times are epoch-ms bigints read as numbers, JSON is text (it is
 * only ever read back whole). No foreign keys, like the rest of the Postgres store.
 */
import { sql } from 'drizzle-orm'
import { bigint, boolean, check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { oneOf } from '../../common/check-constraint.ts'

const epochMs = (name: string) => bigint(name, { mode: 'number' })

export const flowVersions = pgTable(
  'flow_versions',
  {
    flowId: text('flow_id').notNull(),
    version: integer('version').notNull(),
    definition: text('definition').notNull(),
    publishedAt: epochMs('published_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.version] })],
)

/**
 * Flows as marketers edit them: the working draft (the whole flow file, layout included) with a
 * revision for optimistic concurrency, and archiving. Published versions are in flow_versions.
 */
export const flowDrafts = pgTable('flow_drafts', {
  flowId: text('flow_id').primaryKey(),
  name: text('name').notNull(),
  definition: text('definition').notNull(),
  revision: integer('revision').notNull(),
  createdAt: epochMs('created_at').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
  updatedBy: text('updated_by'),
  archivedAt: epochMs('archived_at'),
})

export const runs = pgTable(
  'runs',
  {
    id: text('id').primaryKey(),
    flowId: text('flow_id').notNull(),
    flowVersion: integer('flow_version').notNull(),
    state: text('state').notNull(),
    snapshot: text('snapshot').notNull(),
    seed: text('seed').notNull(),
    accepting: boolean('accepting').notNull(),
    policy: text('policy'),
    replaces: text('replaces'),
    options: text('options').notNull(),
    createdAt: epochMs('created_at').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    index('runs_flow').on(t.flowId, t.createdAt),
    check('runs_state', oneOf('state', ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'])),
  ],
)

export const triggerState = pgTable('trigger_state', {
  runId: text('run_id').primaryKey(),
  eventAt: epochMs('event_at'),
  eventKey: bigint('event_key', { mode: 'number' }),
  lastFireAt: epochMs('last_fire_at'),
  audienceFireAt: epochMs('audience_fire_at'),
  audienceAfterKey: integer('audience_after_key'),
  audienceDone: boolean('audience_done').notNull().default(false),
})

export const entries = pgTable(
  'entries',
  {
    flowId: text('flow_id').notNull(),
    customerKey: integer('customer_key').notNull(),
    lastEntryAt: epochMs('last_entry_at').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.customerKey] })],
)

export const positions = pgTable(
  'positions',
  {
    runId: text('run_id').notNull(),
    customerKey: integer('customer_key').notNull(),
    nodeId: text('node_id').notNull(),
    state: text('state').notNull(),
    dueAt: epochMs('due_at'),
    phase: text('phase').notNull(),
    wakeType: text('wake_type'),
    wakeWhere: text('wake_where'),
    attempt: integer('attempt').notNull(),
    seq: integer('seq').notNull(),
    holdout: boolean('holdout').notNull(),
    enteredAt: epochMs('entered_at').notNull(),
    arrivedAt: epochMs('arrived_at').notNull(),
    triggerEventKey: bigint('trigger_event_key', { mode: 'number' }),
    lastOutput: text('last_output'),
    error: text('error'),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.customerKey] }),
    index('positions_due').on(t.runId, t.nodeId, t.dueAt, t.customerKey).where(sql`state = 'active'`),
    index('positions_next').on(t.runId, t.dueAt).where(sql`state = 'active'`),
    index('positions_wake').on(t.runId, t.wakeType).where(sql`state = 'active' AND wake_type IS NOT NULL`),
    check('positions_state', oneOf('state', ['active', 'done', 'error', 'cancelled'])),
    check('positions_phase', oneOf('phase', ['arrive', 'parked', 'woken'])),
  ],
)

export const journal = pgTable(
  'journal',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    runId: text('run_id').notNull(),
    batch: integer('batch').notNull(),
    nodeId: text('node_id').notNull(),
    kind: text('kind').notNull(),
    output: text('output'),
    at: epochMs('at').notNull(),
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

export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
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
    nextAttemptAt: epochMs('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: epochMs('created_at').notNull(),
    sentAt: epochMs('sent_at'),
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

/** Recorded inputs, one row per executor batch of a run (see store/dialects/sqlite/engine-schema.ts). */
export const runInputs = pgTable(
  'run_inputs',
  {
    runId: text('run_id').notNull(),
    batch: integer('batch').notNull(),
    nodeId: text('node_id').notNull(),
    at: epochMs('at').notNull(),
    count: integer('count').notNull(),
    keys: text('keys').notNull(),
    data: text('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.batch] })],
)
