/**
 * The engine's persistence port: published flow versions, runs, customer positions, trigger
 * cursors, entry history, the journal and the outbox. store/ implements it once for both
 * dialects, one folder per concern (store/runs, triggers, entries, positions, journal, outbox,
 * measure; composed in store/open-engine-store.ts) on the same connection as the customer
 * store, so one transaction covers a batch's positions, journal rows, outbox intents, tags and
 * contact history. Each concern's contract test holds both dialects to the same behaviour.
 *
 * Conventions: times are epoch ms; customers are addressed by their store key (`customerKey`),
 * with the external id alongside where a node needs it; every write takes a batch.
 */
import type { TriggerEvent } from '../sdk/entry-spec.ts'
import type { Channel, StorePort } from './store.ts'

/** A published, immutable flow definition. */
export interface FlowVersionRow {
  flowId: string
  version: number
  /** The flow file as canonical JSON text. */
  definition: string
  publishedAt: number
}

/** A flow as it is being edited: the whole flow file (layout included) as JSON text. */
export interface FlowDraftRow {
  flowId: string
  name: string
  definition: string
  /** Bumped by every save; a save names the revision it edited, so two editors cannot overwrite each other. */
  revision: number
  createdAt: number
  updatedAt: number
  updatedBy: string | null
  archivedAt: number | null
}

/** What `saveFlowDraft` did: saved, or refused because the stored revision is not the one edited. */
export type SaveFlowDraftResult = 'saved' | 'conflict'

/** What `saveFlowVersion` did: stored it, found the identical version, or found a different one under the same number. */
export type SaveFlowVersionResult = 'created' | 'exists' | 'conflict'

/** How customers of an older run are treated when a flow is republished. */
export type RepublishPolicy = 'pin' | 'migrate' | 'drain'

/** One run of a flow version. */
export interface RunRow {
  id: string
  flowId: string
  flowVersion: number
  /** Lifecycle state (see engine/compiler/run-machine.ts). */
  state: 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled'
  /** xstate persisted snapshot of the lifecycle machine, as JSON text. */
  snapshot: string
  /** Seed of ctx.random and ctx.id for this run. */
  seed: string
  /** Whether the trigger still lets customers in (false once drained or replaced by a newer version). */
  accepting: boolean
  /** The policy this run was published with, and the run it replaced. */
  policy: RepublishPolicy | null
  replaces: string | null
  /** Engine settings of the run (batch size, retry policy) and its flow's contact-policy gates, as JSON text (run-options.ts). */
  options: string
  createdAt: number
  updatedAt: number
}

/** Where one customer is in one run. */
export type PositionState = 'active' | 'done' | 'error' | 'cancelled'

/**
 * Why an active position is due: `arrive` (a fresh arrival, the node has not seen the customer),
 * `parked` (the node parked them: run again with wake `due`), `woken` (a matching event arrived:
 * run again with wake `event`).
 */
export type PositionPhase = 'arrive' | 'parked' | 'woken'

export interface PositionRow {
  runId: string
  customerKey: number
  nodeId: string
  state: PositionState
  /** When the node (re)processes the customer; null unless active. */
  dueAt: number | null
  phase: PositionPhase
  /** Parked customers: the event type that wakes them early, and its property conditions (JSON text). */
  wakeType: string | null
  wakeWhere: string | null
  /** Failed runs of the current node for this customer (retry policy). */
  attempt: number
  /** Node arrivals of the customer in this run: part of outbox idempotency keys, unique across loops and re-entries. */
  seq: number
  /** In the flow's holdout (control) group: followed, never messaged. */
  holdout: boolean
  /** When the customer entered the flow. */
  enteredAt: number
  /** When the customer arrived at the current node. */
  arrivedAt: number
  /** Store key of the event the customer entered on (event triggers). */
  triggerEventKey: number | null
  /** For finished positions: the output the journey ended on. */
  lastOutput: string | null
  /** For errored positions: the error, kept for operators. */
  error: string | null
  updatedAt: number
}

/** A due position with what a node needs to see: the external id and the triggering event. */
export interface DuePosition extends PositionRow {
  customerId: string
  trigger?: TriggerEvent
}

/** A position in the event/time order of trigger processing. */
export interface EventCursor {
  at: number
  key: number
}

/** An event as the engine reads it for entries and wake-ups. */
export interface EngineEvent {
  key: number
  id: string
  customerKey: number
  customerId: string
  type: string
  at: number
  properties: Record<string, unknown>
}

/** Per-run trigger state: how far events were consumed, the last cron fire, audience progress. */
export interface TriggerStateRow {
  runId: string
  /** Events up to and including this (at, key) were handled (entries and wake-ups). */
  eventCursor: EventCursor | null
  /** The last cron fire handled (schedule triggers). */
  lastFireAt: number | null
  /** An audience entry in progress: the fire time it is for and the last customer key entered. */
  audienceFireAt: number | null
  audienceAfterKey: number | null
  /** Audience triggers: true once the audience has entered. */
  audienceDone: boolean
}

/** How often a customer entered a flow, for the entry policy. */
export interface EntryRow {
  customerKey: number
  lastEntryAt: number
  count: number
}

/** Journal row kinds: arrivals at a node, exits on an output, parks, errors, notes, per-customer details, held sends. */
export type JournalKind = 'arrive' | 'route' | 'park' | 'error' | 'note' | 'detail' | 'held'

/**
 * One journal row. Group rows (`arrive`, `route`, `park`, `error`, `held`) carry the customers
 * as a packed key list (engine/journal/packed-keys.ts) and their `count`; `detail` rows carry one
 * customer's reason and values; `note` rows carry a message. `data` is JSON text.
 */
export interface JournalRow {
  runId: string
  /** The batch's sequence number within the run (orders the journal). */
  batch: number
  nodeId: string
  kind: JournalKind
  output: string | null
  /** The `now` the batch ran at. */
  at: number
  count: number
  keys: string | null
  customerKey: number | null
  data: string | null
}

export interface StoredJournalRow extends JournalRow {
  id: number
}

/**
 * What one executor batch of a run depended on (engine/replay/batch-inputs.ts): the node it
 * started at, its `now`, its customers (packed like the journal's keys, so erasure finds them)
 * and in `data` the encoded record — travellers, every ctx.data read with its answer, settings,
 * the positions it decided. Written in the batch's transaction; `sluice replay` reads it.
 */
export interface RunInputRow {
  runId: string
  batch: number
  nodeId: string
  at: number
  count: number
  keys: string
  data: string
}

/** Totals of the journal per node, kind and output: what `sluice run` reports. */
export interface JournalTotal {
  nodeId: string
  kind: JournalKind
  output: string | null
  count: number
}

export type OutboxState = 'pending' | 'sent' | 'dead'

/** A send intent, written in the same transaction that moves the customer. */
export interface OutboxIntent {
  /** `run:node:customerKey:v<visit>` (engine/planner/send-key.ts), unique: writing it twice is a no-op. */
  key: string
  runId: string
  flowId: string
  nodeId: string
  customerKey: number
  channel: Channel
  /** Template, subject, body and variables as JSON text. */
  message: string
  offer: string | null
  createdAt: number
  /** First delivery attempt time (usually `createdAt`). */
  nextAttemptAt: number
}

export interface OutboxRow extends OutboxIntent {
  id: number
  customerId: string
  state: OutboxState
  attempts: number
  lastError: string | null
  sentAt: number | null
}

/** A delivery outcome to record. */
export interface OutboxUpdate {
  id: number
  state: OutboxState
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  sentAt: number | null
}

/** Counts of positions per node and state. */
export interface PositionCount {
  nodeId: string
  state: PositionState
  count: number
}

/** Customers of a run in the error state, per node and error message. */
export interface PositionErrorCount {
  nodeId: string
  message: string
  count: number
}

/**
 * Where a run's customers are, as operators ask it: `waiting` (active, not parked at a
 * contact-policy gate: a timed wait, an event wait with its timeout, or due now), `held` (parked
 * at a gate: deferred by a cap, quiet hours, capacity or priority), and the finished states.
 */
export type Whereabout = 'waiting' | 'held' | 'error' | 'done' | 'cancelled'

/**
 * One group of a run's positions: per node and whereabout, the waiting and held ones further per
 * UTC day of their due time, the done ones per last output. `earliestDue`/`latestDue` bound the
 * group's due times; `forEvent` counts those waiting for an event (with a timeout) as well.
 */
export interface WhereaboutsGroup {
  nodeId: string
  whereabout: Whereabout
  /** Days since the epoch (UTC) of the due time, for waiting and held; null otherwise. */
  dueDay: number | null
  /** The output the journey ended on, for done; null otherwise. */
  lastOutput: string | null
  count: number
  forEvent: number
  earliestDue: number | null
  latestDue: number | null
}

/** Which customers of a run a whereabouts page lists; `gates` are the run's contact-policy gate nodes (what makes a parked customer held). */
export interface WhereaboutsFilter {
  gates: readonly string[]
  nodeId?: string
  whereabout?: Whereabout
  /** The stored state (`active` is waiting and held together). */
  state?: PositionState
  afterKey?: number
  limit: number
}

/** One customer's position in a run, with the run it is in: "which campaigns is she in, and where". */
export interface CustomerPosition extends PositionRow {
  flowId: string
  flowVersion: number
  runState: RunRow['state']
}

/** What erasing a customer removed: rows deleted (or rewritten, for journal group rows) per table. */
export interface ErasureReport {
  customerId: string
  rows: Record<string, number>
}

/** A customer as the engine addresses it: store key and external id. */
export interface CustomerRef {
  key: number
  id: string
}

/**
 * A goal to measure a run's customers on (engine/measure/report.ts): goal events of a type
 * (with property equalities) at or after each customer's anchor time and at most `withinMs`
 * later, and not after `now`.
 */
export interface GoalQuery {
  event: string
  where?: Readonly<Record<string, string | number | boolean>>
  withinMs: number
  /** Events after this (the report's "as of", e.g. the simulation's end) are not seen. */
  now: number
  /**
   * The measured customers and their anchor times. Absent: every customer of the run, anchored
   * on their flow entry (`positions.entered_at`); given: only these customers of the run, each
   * anchored at `at`, or on their flow entry when `at` is null.
   */
  anchors?: readonly { key: number; at: number | null }[]
  /** Numeric property of the goal events summed as revenue (non-numbers count 0). */
  revenue?: string
  /** Event types counted as engagement in the same window (customers with at least one), e.g. e-mail opens and clicks. */
  engagement?: readonly string[]
  /** Break the groups down by a customer attribute's value, or a tag's value (as text; null when missing). */
  by?: { attribute: string } | { tag: string }
}

/**
 * One group of measured customers: a segment value (null without `by`) × holdout flag. Only
 * customers whose window has closed (anchor + window ≤ now) are counted in `customers`,
 * `converted`, `revenue` and `engaged`; the others only in `open`.
 */
export interface GoalGroup {
  segment: string | null
  holdout: boolean
  customers: number
  converted: number
  revenue: number
  /** Customers with at least one event of each `engagement` type, in the query's order. */
  engaged: number[]
  /** Customers whose window is still open at `now` (in no other count). */
  open: number
}

/** A measured customer with an outcome (a conversion or an engagement event). */
export interface GoalOutcome {
  key: number
  holdout: boolean
  converted: boolean
  revenue: number
  /** Per `engagement` type, in the query's order. */
  engaged: boolean[]
}

/** What `measureGoal` answers, all computed in SQL. */
export interface GoalAnswer {
  groups: GoalGroup[]
  /** Only customers with an outcome in a closed window: the report breaks them down by node and channel. */
  outcomes: GoalOutcome[]
  /** Keys of the measured customers whose window is still open at `now`, ascending. */
  openKeys: number[]
  /** Keys of the run's customers in the holdout (measured or not), ascending. */
  holdout: number[]
}

/** The engine's tables, as one set-based API. */
export interface EngineTables {
  /** Customers in key order after `afterKey`, at most `limit` (audience "everyone"). */
  customersPage(afterKey: number, limit: number): Promise<CustomerRef[]>
  /** The customers with these keys, in key order (unknown keys are absent). */
  customersByKeys(keys: readonly number[]): Promise<CustomerRef[]>
  /** The customers with these external ids, in key order (unknown ids are absent). */
  customersByIds(ids: readonly string[]): Promise<CustomerRef[]>

  saveFlowVersion(row: FlowVersionRow): Promise<SaveFlowVersionResult>
  getFlowVersion(flowId: string, version: number): Promise<FlowVersionRow | undefined>
  /** Versions of a flow, newest first. */
  listFlowVersions(flowId: string): Promise<FlowVersionRow[]>

  /** Drafts, archived ones included, by flow id. */
  listFlowDrafts(): Promise<FlowDraftRow[]>
  getFlowDraft(flowId: string): Promise<FlowDraftRow | undefined>
  /** Creates the draft (`expectedRevision` null: none may exist) or replaces the one at `expectedRevision`. */
  saveFlowDraft(row: FlowDraftRow, expectedRevision: number | null): Promise<SaveFlowDraftResult>
  insertRun(row: RunRow): Promise<void>
  updateRun(id: string, patch: Partial<Omit<RunRow, 'id' | 'flowId' | 'flowVersion' | 'createdAt'>>): Promise<void>
  getRun(id: string): Promise<RunRow | undefined>
  /** Runs, oldest first, optionally of one flow and in some states. */
  listRuns(filter?: { flowId?: string; states?: readonly RunRow['state'][] }): Promise<RunRow[]>

  getTriggerState(runId: string): Promise<TriggerStateRow>
  setTriggerState(row: TriggerStateRow): Promise<void>

  /** Entry history of these customers in a flow. */
  getEntries(flowId: string, customerKeys: readonly number[]): Promise<Map<number, EntryRow>>
  /** Records one more entry per customer at the given time. */
  recordEntries(flowId: string, rows: readonly { customerKey: number; at: number }[]): Promise<void>
  /** The subset of `customerKeys` with an active position in any run of the flow. */
  activeInFlow(flowId: string, customerKeys: readonly number[]): Promise<Set<number>>

  /** Inserts or replaces positions (by run and customer). */
  writePositions(rows: readonly PositionRow[]): Promise<void>
  /** Positions of these customers in a run (any state). */
  getPositions(runId: string, customerKeys: readonly number[]): Promise<PositionRow[]>
  /** (run, node) pairs that have active positions due at `now` or earlier, among the given runs; ordered by run then node. */
  dueNodes(runIds: readonly string[], now: number): Promise<{ runId: string; nodeId: string }[]>
  /**
   * Active positions at a node due at `now` or earlier, ordered by (due time, customer key),
   * strictly after `after` when given, at most `limit` (undefined: all), with customer id and
   * trigger event.
   */
  duePositions(runId: string, nodeId: string, now: number, options: { limit?: number; after?: EventCursor }): Promise<DuePosition[]>
  /** The earliest due time of an active position among the runs, or null. */
  nextDueAt(runIds: readonly string[]): Promise<number | null>
  /** Event types parked customers of the run wait for. */
  wakeTypes(runId: string): Promise<string[]>
  /** Active positions of the run, per node and state. */
  countPositions(runId: string): Promise<PositionCount[]>
  /** Positions of the run in the error state, grouped by node and message; the largest groups first. */
  positionErrors(runId: string): Promise<PositionErrorCount[]>
  /** Customers of a run at a node (and/or in a state), in customer-key order after `afterKey`, at most `limit`: what "who is at this node?" pages through. */
  listPositions(runId: string, filter: { nodeId?: string; state?: PositionState; afterKey?: number; limit: number }): Promise<(PositionRow & { customerId: string })[]>
  /** The run's positions grouped per node, whereabout, due day (waiting, held) and last output (done): one scan, no row per customer. */
  whereabouts(runId: string, gates: readonly string[]): Promise<WhereaboutsGroup[]>
  /** Customers of a run by whereabout (and/or node), in customer-key order after `afterKey`, at most `limit`, each with its whereabout. */
  whereaboutsPage(runId: string, filter: WhereaboutsFilter): Promise<(PositionRow & { customerId: string; whereabout: Whereabout })[]>
  /** Moves the run's active positions to another run, renaming nodes by `nodeMap` (old id → new id; ids not in it keep their name). Returns how many moved. */
  movePositions(fromRunId: string, toRunId: string, nodeMap: ReadonlyMap<string, string>, now: number): Promise<number>
  /** Marks every active position of a run `cancelled`. Returns how many. */
  cancelPositions(runId: string, now: number): Promise<number>

  /** Events of these types after `after` and at or before `until`, in (at, key) order, at most `limit`. */
  eventsAfter(types: readonly string[], after: EventCursor | null, until: number, limit: number): Promise<EngineEvent[]>
  /** The time of the first event of these types after `after`, or null. */
  nextEventAt(types: readonly string[], after: EventCursor | null): Promise<number | null>
  /**
   * The time of the first event of these types after `after` and before `before` whose customer
   * has an active position in the run waiting for that type (`wake_type`), or null: an event that
   * can wake no one in the run is no reason for a tick. Scans events in time order up to `before`.
   */
  nextWakeEventAt(runId: string, types: readonly string[], after: EventCursor | null, before: number | null): Promise<number | null>

  appendJournal(rows: readonly JournalRow[]): Promise<void>
  /** Journal rows of a run in write order, optionally of one node and of some kinds, after an id, at most `limit`. */
  readJournal(runId: string, options?: { nodeId?: string; afterId?: number; limit?: number; kinds?: readonly JournalKind[] }): Promise<StoredJournalRow[]>
  /** Detail rows of parks (no output) at a node journalled at these times, a parked position's `updatedAt`: where a parked customer's reason is read. */
  parkDetails(runId: string, nodeId: string, ats: readonly number[]): Promise<StoredJournalRow[]>
  journalTotals(runId: string): Promise<JournalTotal[]>
  /** The highest batch number journalled for the run (0 when none). */
  lastBatch(runId: string): Promise<number>

  /** Stores batches' recorded inputs (one row per run and batch). */
  appendRunInputs(rows: readonly RunInputRow[]): Promise<void>
  /** Recorded inputs of a run in batch order, after batch `afterBatch`, at most `limit`. */
  readRunInputs(runId: string, options?: { afterBatch?: number; limit?: number }): Promise<RunInputRow[]>

  /** Writes intents; an intent whose key exists is left as it is. Returns how many were new. */
  enqueueOutbox(rows: readonly OutboxIntent[]): Promise<number>
  /** Pending intents due for a delivery attempt at `now`, oldest first. */
  dueOutbox(now: number, limit: number): Promise<OutboxRow[]>
  updateOutbox(updates: readonly OutboxUpdate[]): Promise<void>
  /** The next time a pending intent is due, or null. */
  nextOutboxAt(): Promise<number | null>
  /** Intents of a run (all when omitted), in id order. */
  listOutbox(options?: { runId?: string; afterId?: number; limit?: number }): Promise<OutboxRow[]>
  /**
   * True while an intent of the run is pending. Asked by run settlement at every tick: a probe of
   * pending intents only, where counting the run's outbox grew with every send it ever made.
   */
  hasPendingSends(runId: string): Promise<boolean>
  /** Counts per run, channel and state. */
  outboxCounts(runId?: string): Promise<{ channel: Channel; state: OutboxState; count: number }[]>

  /** Goal conversions of a run's customers, in three set-based statements (see {@link GoalQuery}). */
  measureGoal(runId: string, query: GoalQuery): Promise<GoalAnswer>

  /** Where one customer is in every run (any state), newest run first: one primary-key probe per run, never a scan of positions. */
  customerPositions(customerKey: number): Promise<CustomerPosition[]>
  /** Send intents of one customer (any state), newest first, at most `limit`. */
  customerOutbox(customerKey: number, limit: number): Promise<OutboxRow[]>
}

/** The engine's store: its tables plus the customer store, sharing transactions. */
export interface EngineStore extends EngineTables {
  readonly dialect: StorePort['dialect']
  /** The customer store; inside `transaction`, the transaction's view of it. */
  readonly customers: StorePort
  /**
   * Runs `fn` in one transaction spanning engine tables and the customer store: everything
   * it writes through `tx` and `tx.customers` lands, or nothing does.
   */
  transaction<T>(fn: (tx: EngineStore) => Promise<T>): Promise<T>
  /**
   * Erases a customer, in one transaction: their personal data leaves every table (the customer
   * row, addresses, tags, events, consents, contacts, list memberships, positions, entries,
   * outbox intents and their rendered messages, and their key in every journal row), address
   * suppressions no other customer needs are dropped, and the id goes on the suppression list
   * (scope `customer`, `erasure.reason`) so a later import or event with it leads to no send
   * (store/common/erase-customer.ts). Null when the store holds no such customer.
   */
  eraseCustomer(customerId: string, erasure: { at: number; reason: string }): Promise<ErasureReport | null>
}
