/**
 * The node data port over the store port, as the executor and the test harness wire it.
 */
import type { EventQuery, NodeDataPort } from '../ports/node-data.ts'
import type { StorePort, StoredEvent } from '../ports/store.ts'
import type { CohortMember } from './types.ts'

/** At most this many per-customer event reads are in flight at once. */
const EVENT_READ_CONCURRENCY = 32

/**
 * NodeDataPort backed by a StorePort. `customers` is one batched read. `events` has no batched
 * read on StorePort yet (it only has `listEvents(customerId)`), so it reads per member with
 * bounded concurrency behind the one batched node-facing call; when the store port gains a
 * batched event read, only this function changes and node code stays as it is.
 */
export function nodeDataFromStore(store: StorePort): NodeDataPort {
  return {
    async customers(members: readonly CohortMember[]) {
      if (members.length === 0) return []
      return store.getCustomers(members.map((m) => m.id))
    },
    async events(members: readonly CohortMember[], query: EventQuery = {}) {
      const perMember: StoredEvent[][] = new Array(members.length)
      for (let start = 0; start < members.length; start += EVENT_READ_CONCURRENCY) {
        const slice = members.slice(start, start + EVENT_READ_CONCURRENCY)
        const results = await Promise.all(slice.map((m) => store.listEvents(m.id, query)))
        results.forEach((events, i) => (perMember[start + i] = events))
      }
      return perMember.flat()
    },
    async matchSegment(members: readonly CohortMember[], segment, options) {
      if (members.length === 0) return new Set<number>()
      return store.matchSegment(segment, { now: options.now, keys: members.map((m) => m.key) })
    },
    async rfm(members: readonly CohortMember[], query) {
      return store.rfmScores(query, members.map((m) => m.key))
    },
    async channelFacts(members: readonly CohortMember[], query) {
      return store.channelFacts(members.map((m) => m.key), query)
    },
    async contactPolicy(members: readonly CohortMember[], query) {
      return store.contactPolicyFacts(members.map((m) => m.key), query)
    },
  }
}
