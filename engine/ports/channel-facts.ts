/**
 * Channel facts: what the choose-channel node needs to know about a cohort to pick a channel,
 * in one set-based call — consent per channel, suppression, past contacts and responses per
 * channel (per customer and pooled over everyone), and how much of each channel's daily
 * capacity is used across all campaigns (contact history plus sends still pending in the outbox).
 */
import type { AddressKind, Channel } from './store.ts'

/** What to count. Windows are `[from, to)` in epoch ms. */
export interface ChannelFactsQuery {
  channels: readonly Channel[]
  /** Contacts and responses are counted over this window. */
  history: { from: number; to: number }
  /** An event of type `event` counts as one response on `channel` (e.g. `email_open` → email). */
  responses: readonly { event: string; channel: Channel }[]
  /**
   * Capacity use is counted from this time (the start of the capacity day) to `history.to`.
   * Omitted when no channel has a daily capacity: `used` is then empty (counting every pending
   * send of the tick in each batch is what made a large cohort slow).
   */
  capacityFrom?: number
  /**
   * Also pool contacts and responses per segment: customers grouped by the value of this
   * attribute (e.g. `region`, `tier`), so a customer with little history borrows the rate of
   * customers like them rather than everyone's.
   */
  segmentBy?: string
  /**
   * A contact followed by an event of this type within `withinMs` (same customer) also counts
   * as one response on the contact's channel: conversions credited to the channel that preceded them.
   */
  conversion?: { event: string; withinMs: number }
  /**
   * Count past contacts and responses (per customer, pooled, per segment). Default true; false
   * when the caller only needs consent, suppression and capacity (strategies that do not learn
   * from past response): the pooled counts scan the whole history window, which dominated
   * back-tests that send a few customers per tick.
   */
  stats?: boolean
}

/** Contacts made and responses seen on one channel (response events plus converted contacts). */
export interface ChannelStats {
  contacts: number
  responses: number
}

/** Facts about one customer. */
export interface CustomerChannelFacts {
  /** Latest consent statement per channel; absent when none was ever made. */
  consent: Partial<Record<Channel, 'granted' | 'revoked'>>
  /** Suppression entries that hit the customer: `customer` (by id) or the kinds of address suppressed. */
  suppressed: ('customer' | AddressKind)[]
  stats: Partial<Record<Channel, ChannelStats>>
}

/** The answer for a cohort. */
export interface ChannelFacts {
  /** By customer key; every asked key is present. */
  customers: Map<number, CustomerChannelFacts>
  /** Over every customer in the store: the "segment" level of past response. */
  pooled: Partial<Record<Channel, ChannelStats>>
  /** With `segmentBy`: each asked customer's segment (the attribute value as text, null when missing). */
  segmentOf?: Map<number, string | null>
  /** With `segmentBy`: contacts and responses per segment value (every segment in the store). */
  bySegment?: Map<string, Partial<Record<Channel, ChannelStats>>>
  /** Sends per channel since `capacityFrom`, over all campaigns (recorded contacts + pending outbox). */
  used: Partial<Record<Channel, number>>
}
