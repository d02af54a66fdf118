/**
 * The store port: the async interface through which the engine (and the CLI, API and importers)
 * reach the customer store. store/ implements it once per dialect (SQLite, Postgres) and one
 * contract suite (test/store-contract.test.ts) holds both to the same behaviour.
 *
 * Conventions: times are epoch milliseconds (numbers) everywhere, so time arithmetic is plain
 * integer arithmetic in both dialects; customers are addressed by their stable external id
 * (`id`), the store's internal integer key never leaves it except as `key` for compact
 * engine rows. Every write method takes a batch: callers never loop per customer.
 */
import type { Segment } from '../segment/schema.ts'
import type { ContactPolicyFacts, ContactPolicyQuery } from './contact-policy-facts.ts'
import type { RfmAnswer, RfmPopulation, RfmQuery } from './rfm.ts'
import type { ChannelFacts, ChannelFactsQuery } from './channel-facts.ts'

/** Types an attribute can have in the catalogue; the segment builder and validation use them. */
export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date', 'enum'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]

/** A value of a customer attribute. Dates are stored as ISO-8601 strings (`2024-05-01` or a full instant). */
export type AttributeValue = string | number | boolean | null

/** One entry of the attribute catalogue. */
export interface AttributeDef {
  name: string
  type: AttributeType
  /** For `enum`: the allowed values, in a stable order. */
  values?: string[]
  /** `declared` by a person, or `inferred` from imported data; a declared type is never overwritten by inference. */
  source: 'declared' | 'inferred'
  description?: string
}

/** The four tag layers of the domain: raw facts, counted facts, model-derived, predictive. */
export const TAG_LAYERS = ['raw', 'fact', 'model', 'predictive'] as const
export type TagLayer = (typeof TAG_LAYERS)[number]

/** A tag on a customer, e.g. `{ layer: 'predictive', name: 'churn_probability', value: 0.73 }`. */
export interface Tag {
  name: string
  layer: TagLayer
  value: string | number | boolean | null
  /** When it was set (epoch ms). */
  at: number
  /** Who set it: `import`, `manual`, or `flow:<flowId>/<nodeId>`. */
  source?: string
}

/** Kinds of address a customer can be reached at. Channels map onto these (sms and call use `phone`). */
export const ADDRESS_KINDS = ['email', 'phone', 'push', 'wechat'] as const
export type AddressKind = (typeof ADDRESS_KINDS)[number]

/** Channels a message can go out on. */
export const CHANNELS = ['email', 'sms', 'call', 'push', 'wechat', 'inbox'] as const
export type Channel = (typeof CHANNELS)[number]

/** A customer as written by importers and the API. Omitted fields are left as they are on update. */
export interface CustomerInput {
  /** Stable external id, e.g. `tc-00001`. */
  id: string
  /** Typed attributes; merged into the existing ones on update (a key set to null is cleared). */
  attributes?: Record<string, AttributeValue>
  /** IANA time zone, e.g. `Europe/Paris`. Defaults to `UTC` on insert. */
  timeZone?: string
  /** Addresses by kind; a null value removes that address. */
  addresses?: Partial<Record<AddressKind, string | null>>
  preferredChannel?: Channel | null
  tags?: Tag[]
}

/** A customer as read back from the store. */
export interface Customer {
  id: string
  /** The store's internal integer key (compact rows in engine tables). */
  key: number
  attributes: Record<string, AttributeValue>
  timeZone: string
  addresses: Partial<Record<AddressKind, string>>
  preferredChannel: Channel | null
  tags: Tag[]
  createdAt: number
  updatedAt: number
}

/** An event a customer did (or that happened to them). */
export interface EventInput {
  /** External event id, unique: re-sending the same id is a no-op (de-duplication). */
  id: string
  customerId: string
  type: string
  at: number
  properties?: Record<string, unknown>
}

export interface StoredEvent extends Required<EventInput> {
  customerKey: number
}

/** Per-channel consent: the latest statement wins. */
export interface ConsentInput {
  customerId: string
  channel: Channel
  status: 'granted' | 'revoked'
  at: number
  source?: string
}

/**
 * An entry of the suppression list. `scope` `customer` suppresses every contact with that
 * customer (value: the customer id); an address kind suppresses that address (value: the address)
 * for whoever holds it.
 */
export interface SuppressionInput {
  scope: 'customer' | AddressKind
  value: string
  reason: string
  at: number
}

/** One message sent, as kept in contact history (every campaign, every channel). */
export interface ContactInput {
  customerId: string
  flowId: string
  runId?: string
  nodeId: string
  channel: Channel
  /** Offer or message identifier, for "not the same offer twice". */
  offer?: string
  at: number
  status?: 'sent' | 'delivered' | 'failed' | 'bounced'
}

export interface StoredContact extends ContactInput {
  id: number
}

/** Outcome of a batch upsert. */
export interface UpsertResult {
  inserted: number
  updated: number
}

/** Outcome of a batch event insert. Unknown customers and conflicts are reported, not silently dropped. */
export interface EventInsertResult {
  inserted: number
  /**
   * Events not inserted because the store already holds their id (or an earlier event of the
   * batch took it), identical or not: `inserted + duplicates + unknownCustomers` is the batch.
   */
  duplicates: number
  /** Indexes (into the input batch) of events whose customer is not in the store. */
  unknownCustomers: number[]
  /**
   * The duplicates whose content differs from the stored event (the stored one is kept), in
   * input order; an identical re-send is harmless and not listed.
   */
  conflicts: EventConflict[]
}

/** What differs between an event and the one stored under its id. */
export type EventField = 'customer' | 'type' | 'at' | 'properties'

/** An event not inserted because its id is stored with other content. */
export interface EventConflict {
  /** Index into the input batch. */
  index: number
  /** The fields that differ from the stored event (properties compared as JSON values, key order aside). */
  differs: EventField[]
}

/** What the store holds, for health pages and summaries. */
export interface StoreStats {
  dialect: Dialect
  customers: number
  events: number
  eventTypes: { type: string; count: number }[]
  attributes: number
  consents: number
  suppressions: number
  contacts: number
}

export type Dialect = 'sqlite' | 'postgres'

/** How many customers a segment matches, and the ids of the first few (in key order). */
export interface SegmentPreview {
  count: number
  sample: string[]
}

/** A static list: customer ids uploaded by a person, usable in segments (`{ type: 'list', list: name }`). */
export interface StaticList {
  /** Lower-case slug, e.g. `vip-2024`. */
  name: string
  description: string | null
  members: number
  createdAt: number
  updatedAt: number
}

/** Outcome of replacing or appending list members. Unknown ids are reported, not silently dropped. */
export interface ListMembersResult {
  list: string
  added: number
  removed: number
  /** Members after the change. */
  members: number
  /** Ids (from the upload) that are not customers in the store; they were not added. */
  unknownIds: string[]
}

/** The customer store, as the rest of Sluice sees it. */
export interface StorePort {
  readonly dialect: Dialect

  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>
  close(): Promise<void>

  /**
   * Runs `fn` in one transaction: all of its writes land, or none do (an import that finds a bad
   * row rolls back). Calls on `tx` inside are part of the transaction; nesting reuses it.
   */
  transaction<T>(fn: (tx: StorePort) => Promise<T>): Promise<T>

  upsertCustomers(rows: CustomerInput[]): Promise<UpsertResult>
  getCustomers(ids: string[]): Promise<Customer[]>
  /** Customers by page in key order, for exports and tests. */
  listCustomers(options?: { afterKey?: number; limit?: number }): Promise<Customer[]>
  countCustomers(): Promise<number>

  insertEvents(rows: EventInput[]): Promise<EventInsertResult>
  /** Events of one customer, oldest first, optionally of one type and within [from, to); with `last`, only the newest `last` of those. */
  listEvents(customerId: string, options?: { type?: string; from?: number; to?: number; last?: number }): Promise<StoredEvent[]>
  /**
   * Events of many customers in one query: grouped by customer in the order of `customerIds`
   * (a repeated id counts once, at its first place), each customer's oldest first; optionally of
   * one type and within [from, to). Ids the store does not hold have no events.
   */
  listEventsOf(customerIds: string[], options?: { type?: string; from?: number; to?: number }): Promise<StoredEvent[]>

  setConsents(rows: ConsentInput[]): Promise<void>
  /** Current consent status per (customer, channel); missing means no statement was ever made. */
  getConsents(customerIds: string[]): Promise<ConsentInput[]>
  addSuppressions(rows: SuppressionInput[]): Promise<void>
  removeSuppressions(rows: Pick<SuppressionInput, 'scope' | 'value'>[]): Promise<void>
  /** The subset of `customerIds` suppressed by their id or by any address they hold. */
  suppressedCustomers(customerIds: string[]): Promise<Set<string>>

  recordContacts(rows: ContactInput[]): Promise<void>
  listContacts(customerId: string, options?: { from?: number; to?: number }): Promise<StoredContact[]>

  /** Declared types win over inferred ones; an inferred def never replaces a declared one. */
  defineAttributes(defs: AttributeDef[]): Promise<void>
  listAttributes(): Promise<AttributeDef[]>

  /** Writes tags (upsert by customer and tag name). */
  setTags(rows: { customerId: string; tag: Tag }[]): Promise<void>

  stats(): Promise<StoreStats>

  /**
   * Keys of the customers matching `segment` at evaluation time `now` (relative dates count
   * from it; later events are ignored): among `keys` when given (a cohort), else over the whole
   * store. One query, whatever the cohort size. The segment is validated first.
   */
  matchSegment(segment: Segment, options: { now: number; keys?: readonly number[] }): Promise<Set<number>>
  /**
   * Count of the customers matching `segment` at `now`, and the ids of the first `sample`
   * (default 10, at most 1,000) in key order; with `afterKey`, the first ones after that key
   * (the count is still the whole segment's), so a segment's customers can be paged by key.
   */
  previewSegment(segment: Segment, options: { now: number; sample?: number; afterKey?: number }): Promise<SegmentPreview>

  /** Creates an empty static list; a list of that name must not exist yet. */
  createList(list: { name: string; description?: string }): Promise<StaticList>
  /** Makes the list's members exactly these customers (atomically); members kept keep their added time. */
  replaceListMembers(name: string, customerIds: string[]): Promise<ListMembersResult>
  /** Adds these customers to the list (ones already on it stay as they are). */
  appendListMembers(name: string, customerIds: string[]): Promise<ListMembersResult>
  /** Every static list, by name. */
  listLists(): Promise<StaticList[]>

  /**
   * RFM quintile scores (1–5) of the cohort `keys`, ranked over the whole population of
   * customers with a purchase in the window (see engine/ports/rfm.ts for ties). Members without a
   * purchase in the window are absent from `scores`. With `population` (from rfmPopulation for
   * the same query) only the cohort's purchases are read; without it the population is ranked first.
   */
  rfmScores(query: RfmQuery, keys: readonly number[], population?: RfmPopulation): Promise<RfmAnswer>
  /** The population's size and quintile boundaries for `query`: one pass over the window's purchases. */
  rfmPopulation(query: RfmQuery): Promise<RfmPopulation>

  /**
   * Consent, suppression, past contacts and responses per channel for the customers with these
   * keys, pooled response rates over everyone, and channel capacity used since
   * `query.capacityFrom` (contacts plus pending outbox sends): a few grouped queries, whatever
   * the cohort size (store/channel-facts). With `memo`, the answers that do not depend on the
   * cohort (pooled and per-segment counts) are kept in it and reused by later calls asking the
   * same; the caller decides how long it lives (the engine: one tick).
   */
  channelFacts(keys: readonly number[], query: ChannelFactsQuery, memo?: Map<string, unknown>): Promise<ChannelFacts>

  /**
   * What the contact policy needs about a cohort (store keys), in one set-based call: contacts
   * across all flows (history and pending outbox intents), suppression, consent, a channel's
   * use over a capacity window and competing demand (store/contact-policy).
   */
  contactPolicyFacts(keys: readonly number[], query: ContactPolicyQuery): Promise<ContactPolicyFacts>
}
