/**
 * The types a node type is written against: the cohort it receives, the context it reads time,
 * randomness, ids and data through, and the result it returns. defineNode (define-node.ts) ties
 * them to a config schema.
 */
import type { NodeDataPort } from '../ports/node-data.ts'
import type { AttributeDef, Channel, TagLayer } from '../ports/store.ts'
import type { TriggerEvent } from './entry-spec.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'

/** Node categories, in palette order. `trigger` nodes are where customers enter a flow. */
export const NODE_CATEGORIES = ['trigger', 'audience', 'scoring', 'policy', 'channel', 'timing', 'measure', 'flow'] as const
export type NodeCategory = (typeof NODE_CATEGORIES)[number]

/**
 * Icons a node type may name; the editor ships exactly these, so a declaration cannot point at
 * an icon that does not exist.
 *
 * bolt (trigger), calendar, clock, filter, users, gauge (score), star, shield (policy), ban,
 * send, mail, phone, message, bell, inbox, split, merge, flag, target, chart, tag, gift, code.
 */
export const NODE_ICONS = [
  'bolt', 'calendar', 'clock', 'filter', 'users', 'gauge', 'star', 'shield', 'ban', 'send', 'mail', 'phone',
  'message', 'bell', 'inbox', 'split', 'merge', 'flag', 'target', 'chart', 'tag', 'gift', 'code',
] as const
export type NodeIcon = (typeof NODE_ICONS)[number]

/**
 * Whether a node may hold customers over time. A cycle in a flow must contain at least one node
 * that `waits`, or customers would loop forever within one tick; the verifier checks this from
 * the declaration, never from a type name.
 */
export type NodeTiming = 'instant' | 'waits'

/**
 * How the executor feeds the node: `batches` (any batch size, the default; results must not
 * depend on how the cohort is split) or `whole` (a ranking such as top-N needs every customer
 * due at the node at once; the executor gathers them and runs the node once per tick).
 */
export type NodeCohortMode = 'batches' | 'whole'

/**
 * What a cohort mode may depend on besides the config: the node settings in force for the tick.
 * The executor asks a declaration's `cohort` function every tick with these, because they can
 * change while a run runs (PUT /api/policy replaces the contact policy from the next tick on):
 * a channel capacity that only the global policy sets must make a capacity-giving node `whole`.
 */
export interface NodeCohortSettings {
  /** The engine's global contact policy (what the node sees as ctx.contactPolicy), when one is set. */
  readonly contactPolicy?: ContactPolicy
}

/** One customer of the cohort at a node. */
export interface CohortMember {
  /** The store's internal key (compact engine rows). */
  key: number
  /** The customer's external id. */
  id: string
  /** When the customer arrived at this node (epoch ms). */
  enteredAt: number
  /** When the customer entered the flow (epoch ms); set by the engine (absent: take `enteredAt`). */
  flowEnteredAt?: number
  /** Set when a parked customer is run again: `due` (its time came) or `event` (a matching event woke it). */
  wake?: 'due' | 'event'
  /** In event-triggered flows: the event the customer entered on (correlate later steps with it). */
  trigger?: TriggerEvent
  /**
   * Set by the engine: the customer is in the flow's holdout (control group). Route them as you
   * would anyone, so measurement compares like with like; the engine holds their sends. Never
   * spend a shared limit on them (a channel's daily capacity): they are never contacted, and
   * what they took would be missing for the customers who are. Absent: not in the holdout.
   */
  holdout?: boolean
}

/** A route entry with details: a later arrival time, a reason and values for the journal and `explain`. */
export interface RoutedCustomer {
  customer: CohortMember
  /** Arrive at the next node at this due time (epoch ms) rather than now: how waits delay customers. */
  at?: number
  /** A short human reason, journalled per customer (e.g. `score 0.82 ≥ 0.7`). */
  reason?: string
  /** Values behind the decision, journalled and handed to `explain` (must survive JSON.stringify). */
  values?: Record<string, unknown>
}

/** A customer leaving on an output: the member itself, or the member with details. */
export type RouteItem = CohortMember | RoutedCustomer

/** Routes of a result: output name → customers leaving on it. */
export type Routes<Output extends string> = { [K in Output]?: readonly RouteItem[] }

/** An event that wakes a parked customer early: same customer, this type, properties equal to `where`. */
export interface WakeOn {
  type: string
  where?: Record<string, string | number | boolean>
}

/** A customer that stays at this node until `until`, or until an event matching `wakeOn` arrives. */
export interface ParkedCustomer {
  customer: CohortMember
  /** Due time (epoch ms) at which the node runs again for this customer with `wake: 'due'`. */
  until: number
  wakeOn?: WakeOn
  reason?: string
}

/** A message to send; the engine writes it to the outbox in the same transaction that moves the customer. */
export interface SendIntent {
  customer: CohortMember
  channel: Channel
  message: {
    template?: string
    subject?: string
    body?: string
    /** Values for the template's placeholders. */
    variables?: Record<string, string | number | boolean | null>
    /** The address the message goes to (e-mail, phone, push token…), resolved when it was decided. */
    to?: string
    /** Extra protocol headers, e.g. RFC 8058 `List-Unsubscribe` on e-mail. */
    headers?: Record<string, string>
    /**
     * Channels to try next, in order, if this delivery fails for good (dead-lettered): the
     * outbox dispatcher enqueues the first one with the rest as its own fallback.
     */
    fallback?: { channel: Channel; to?: string; subject?: string; body?: string; headers?: Record<string, string> }[]
  }
  /** Offer or message id, recorded in contact history for "not the same offer twice". */
  offer?: string
}

/** A tag to write on a customer (e.g. a score); the engine stamps the time and the source. */
export interface TagWrite {
  customer: CohortMember
  name: string
  layer: TagLayer
  value: string | number | boolean | null
}

/**
 * The goal a measure node follows (its `measures(config)` declaration): a conversion is an
 * `event` (with properties equal to `where`) within `withinDays` of the anchor. The report and
 * the simulation read goals this way, never a node's config.
 */
export interface MeasuredGoal {
  event: string
  where?: Readonly<Record<string, string | number | boolean>>
  withinDays: number
  /** Entering the flow (default) or passing the node given. */
  anchor?: 'entry' | { node: string }
  /** Numeric goal-event property summed as revenue. */
  revenue?: string
}

/** A tag a node writes on its customers (its `writesTags(config)` declaration). */
export interface DeclaredTag {
  name: string
  layer: TagLayer
  /** The values it writes, when they are a fixed set (e.g. the RFM cells). */
  values?: readonly string[]
}

/** A journal note about the batch, or about one customer of it. */
export interface NodeNote {
  message: string
  level?: 'info' | 'warn'
  customer?: CohortMember
  data?: Record<string, unknown>
}

/**
 * What a node returns for its cohort. Every member must appear exactly once across `routes`
 * and `park`; the engine checks it with {@link checkNodeResult} and fails the node otherwise.
 */
export interface NodeResult<Output extends string = string> {
  routes?: Routes<Output>
  park?: readonly ParkedCustomer[]
  sends?: readonly SendIntent[]
  tags?: readonly TagWrite[]
  notes?: readonly NodeNote[]
}

/** A per-customer decision as journalled, handed back to the node's `explain`. */
export interface Decision<Output extends string = string> {
  /** External id of the customer. */
  customer: string
  /** The output taken; null when the customer was parked at the node (deferred, waiting for an event) with `reason`. */
  output: Output | null
  at?: number
  reason?: string
  values?: Record<string, unknown>
}

/**
 * A per-customer detail as journalled: a decision on an output, or (`output` null) a park with
 * its reason. What a declaration's `limits` reads.
 */
export interface JournalledDetail<Output extends string = string> extends Omit<Decision<Output>, 'output' | 'customer'> {
  output: Output | null
}

/**
 * A shared limit (a frequency cap, a channel's daily capacity) that held a customer back or
 * changed what they got, as the node that applied it names it. The forecast counts, per limit,
 * the customers it bound.
 */
export interface LimitHit {
  /** Stable code, e.g. `cap:sms:week`, `capacity:email`. */
  limit: string
  /** In words, for people: `the sms cap for the week`. */
  description: string
}

/** A structured log line; it becomes a journal note of the run. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
  data?: Record<string, unknown>
  /** ctx.now() when it was logged. */
  at: number
  nodeId: string
}

/** Structured logging for nodes; entries end up in the run's journal, not on stdout. */
export interface NodeLogger {
  debug(message: string, data?: Record<string, unknown>): void
  info(message: string, data?: Record<string, unknown>): void
  warn(message: string, data?: Record<string, unknown>): void
  error(message: string, data?: Record<string, unknown>): void
}

/**
 * Named secrets from sluice.config.ts `secrets` (each read from an environment variable once at
 * startup). Node code asks for them here and never reads `process.env`.
 */
export interface NodeSecrets {
  /** The secret's value, or undefined when the project config declares no secret of that name. */
  get(name: string): string | undefined
  /** The declared names, sorted (for error messages; never the values). */
  names(): string[]
}

/**
 * Everything a node may read besides its config and cohort. Time, randomness and ids come only
 * from here, which is what makes runs replayable and simulations deterministic.
 */
export interface NodeContext {
  /** Current time in epoch ms, from the injected clock (simulated in tests and `sluice run`). */
  now(): number
  /**
   * A number in [0, 1) that is a pure hash of (run seed, node id, customer id, salt): the same
   * customer gets the same number whatever batch or order it comes in. Use distinct salts for
   * independent draws on the same customer.
   */
  random(customer: CohortMember | string, salt?: string): number
  /** A new id, unique within the run and reproducible from the run seed. */
  id(): string
  /** The flow being run; `priority` is its `settings.priority` (higher wins arbitration between flows). */
  readonly flow: { readonly id: string; readonly version: number; readonly priority: number }
  /** The engine's global contact policy (sluice.config.ts `contactPolicy`); nodes may only tighten it. */
  readonly contactPolicy?: ContactPolicy
  /** Secrets declared in sluice.config.ts `secrets`; empty when none are. */
  readonly secrets: NodeSecrets
  /**
   * The URL people reach this Sluice server at (sluice.config.ts `server.publicUrl`, or the
   * address `sluice serve` listens on), for links in messages; absent in back-tests without one.
   */
  readonly publicUrl?: string
  readonly node: { readonly id: string; readonly type: string; readonly version: number }
  readonly runId: string
  readonly log: NodeLogger
  /** Set-based data access for the cohort; never call the store per customer. */
  readonly data: NodeDataPort
}

/** What `run` receives. */
export interface NodeRunInput<Config> {
  config: Config
  /** The cohort: the batch of customers at this node, in customer-key order. */
  customers: readonly CohortMember[]
  ctx: NodeContext
}

/**
 * A node-specific problem found by a declaration's `validate`. `path` is relative to the node,
 * e.g. `config.variants[1].name`; the verifier prefixes `nodes[<id>].`.
 */
export interface NodeIssue {
  code: string
  path?: string
  message: string
  severity?: 'error' | 'warning'
}

/** A flow as `validate` sees it: enough to check a node against its neighbours. */
export interface NodeValidationContext {
  /** Id of the node being validated. */
  nodeId: string
  /** Every node of the flow (id, type, config as written). */
  nodes: readonly { id: string; type: string; version?: number; config: unknown }[]
  /** Every edge of the flow. */
  edges: readonly { from: string; output: string; to: string }[]
  /**
   * The store's attribute catalogue, when the flow is verified against a store (`sluice validate
   * --db`, `sluice run`): check attribute names against it and warn about unknown ones, with a
   * "did you mean". Absent otherwise: a config must not be judged invalid for want of it.
   */
  attributes?: readonly AttributeDef[]
}

/** Config migrations: `{ 1: (v1Config) => v2Config, 2: ... }`, each from version N to N+1. */
export type ConfigMigrations = Readonly<Record<number, (old: Record<string, unknown>) => Record<string, unknown>>>
