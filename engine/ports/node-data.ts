/**
 * The node data port: the data capabilities a node gets through `ctx.data`. Every method takes
 * the whole cohort (or a set-based question about it) and answers in one round trip, so a node
 * never queries the store per customer.
 *
 * It is meant to grow: built-in nodes add set-based capabilities here (segment SQL, contact
 * counts, consent checks) as they need them. Adding a method is compatible for node authors,
 * who only call what they use; the implementations live next to the store (store/ implements
 * engine ports) and in the test harness.
 */
import type { CohortMember } from '../sdk/types.ts'
import type { Segment } from '../segment/schema.ts'
import type { ChannelFacts, ChannelFactsQuery } from './channel-facts.ts'
import type { Customer, StoredEvent } from './store.ts'
import type { RfmAnswer, RfmQuery } from './rfm.ts'
import type { ContactPolicyFacts, ContactPolicyQuery } from './contact-policy-facts.ts'

/** Which events of the cohort to read: one type, and a time window `[from, to)` in epoch ms. */
export interface EventQuery {
  type?: string
  from?: number
  to?: number
}

/** Whose passages through a node to read: the run (`ctx.runId`), the node, and up to when. */
export interface PassageQuery {
  runId: string
  nodeId: string
  /** Passages after this time (epoch ms) are ignored: pass `ctx.now()`. */
  until: number
}

/** Data capabilities of a node, all batch-first. */
export interface NodeDataPort {
  /**
   * Profiles of the cohort in one batch, in cohort order. A member the store no longer holds is
   * absent from the answer rather than an error (it may have been erased since it entered).
   */
  customers(members: readonly CohortMember[]): Promise<Customer[]>
  /** Events of the cohort in one batch, ordered by customer (cohort order) then time, oldest first. */
  events(members: readonly CohortMember[], query?: EventQuery): Promise<StoredEvent[]>
  /**
   * Keys of the members matching a segment (engine/segment's condition tree) at evaluation
   * time `now` (pass `ctx.now()`), in one query for the whole cohort.
   */
  matchSegment(members: readonly CohortMember[], segment: Segment, options: { now: number }): Promise<Set<number>>
  /**
   * RFM scores (recency, frequency, monetary, each 1–5 by quintile) of the members who bought in
   * the window `[from, now]`, ranked over every buyer in the store (the population), not just
   * the cohort; in one query. Members without a purchase in the window are absent.
   */
  rfm(members: readonly CohortMember[], query: RfmQuery): Promise<RfmAnswer>
  /**
   * What choosing a channel needs, for the whole cohort at once: consent per channel,
   * suppression, past contacts and responses per channel (per customer and pooled over
   * everyone) and each channel's capacity used since `query.capacityFrom` across all campaigns.
   */
  channelFacts(members: readonly CohortMember[], query: ChannelFactsQuery): Promise<ChannelFacts>
  /**
   * Contact-policy facts of the cohort in one call: its contacts since `query.since` across ALL
   * flows (contact history plus sends still pending in the outbox), who is suppressed, consent
   * statements, a channel's use in a capacity window, and other flows' competing demand.
   */
  contactPolicy(members: readonly CohortMember[], query: ContactPolicyQuery): Promise<ContactPolicyFacts>
  /**
   * When each member last left node `query.nodeId` of the run (the time of the batch that
   * routed them on), read from the run's journal in one pass over that node's rows: key →
   * epoch ms. Members who never passed it are absent, and so are members who passed it in the
   * batch being run now (its journal is written when the batch commits): for them the node was
   * passed at their arrival here, with nothing in between that takes time.
   */
  passedAt(members: readonly CohortMember[], query: PassageQuery): Promise<Map<number, number>>
}
