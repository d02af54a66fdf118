/**
 * What the contact-policy engine (the throttle node) asks the store about a cohort, in one
 * call: recent contacts across ALL campaigns (contact history plus intents still pending in the
 * outbox), suppression, consent, a channel's use over a capacity day, and competing demand from
 * other flows. Times are epoch ms.
 */
import type { Channel } from './store.ts'

/** The question: what the cohort (given by store keys) needs answered. */
export interface ContactPolicyQuery {
  /** Contacts in history at or after this time are returned (pending outbox intents always are). */
  since: number
  /** Channel capacity: contacts on `channel` over every customer with a time in `[from, to)`. */
  capacity?: { channel: Channel; from: number; to: number }
  /**
   * Competing demand: customers waiting at a contact-policy gate (a node declaring
   * `gatesChannel`; the gates of each run are stored with it at publish, run-options.ts) in a
   * running flow other than `flowId`, due before `until`. For capacity, `channel` and
   * `abovePriority` count how many customers (any, not only the cohort) wait at gates on that
   * channel of higher-priority flows, due within the capacity window `[from, to)`.
   */
  competitors?: { flowId: string; until: number; channel?: Channel; abovePriority?: number }
}

/** One contact of a cohort member: sent (history) or about to be (pending outbox intent). */
export interface PolicyContact {
  customerKey: number
  channel: Channel
  at: number
  flowId: string
  offer: string | null
  /** True for an outbox intent not yet delivered. */
  pending: boolean
}

/** The answer, plain data. */
export interface ContactPolicyFacts {
  /** Contacts of the cohort, by customer key then time. */
  contacts: PolicyContact[]
  /** Keys suppressed by their customer id or by any address they hold. */
  suppressed: number[]
  /** Latest consent statement per (customer, channel); a missing pair was never stated. */
  consents: { customerKey: number; channel: Channel; status: 'granted' | 'revoked' }[]
  /** Contacts on the capacity channel in the capacity window (0 without `capacity`). */
  capacityUsed: number
  /** Per cohort member with competing demand: the highest priority among the other flows that want them. */
  competitors: { customerKey: number; priority: number }[]
  /** Customers of higher-priority flows gated on the capacity channel, due in the capacity window. */
  higherPriorityDemand: number
}
