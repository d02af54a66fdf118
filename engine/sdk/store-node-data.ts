/**
 * The node data port over the store port, as the executor and the test harness wire it.
 */
import { passagesOf } from '../journal/passages.ts'
import type { EngineTables } from '../ports/engine-store.ts'
import type { EventQuery, NodeDataPort } from '../ports/node-data.ts'
import type { RfmPopulation } from '../ports/rfm.ts'
import type { StorePort } from '../ports/store.ts'
import type { CohortMember } from './types.ts'

/** What a data port may keep between batches: the executor gives each tick a fresh one. */
export interface NodeDataMemo {
  /** RFM population boundaries per query. */
  rfmPopulations: Map<string, Promise<RfmPopulation>>
  /** Channel facts that do not depend on the cohort (pooled and per-segment counts), as the store keeps them. */
  channelFacts: Map<string, unknown>
}

/** A memo for one tick. */
export function createNodeDataMemo(): NodeDataMemo {
  return { rfmPopulations: new Map(), channelFacts: new Map() }
}

/**
 * NodeDataPort backed by a StorePort. `customers` and `events` are one batched read each
 * (`getCustomers`, `listEventsOf`: events come grouped in cohort order, oldest first).
 * `passedAt` reads the run's journal through `journal` (the engine store); without one (a node
 * tested alone) no passage is known.
 *
 * With a `memo` (the executor passes one per tick), what depends only on the store and the
 * question — the RFM population's quintile boundaries for a (window, as-of), channel response
 * counts pooled over everyone — is computed once and reused by every batch of the tick: one
 * ranking of the population instead of one per batch, and every batch of the tick scored
 * against the same population and the same pooled rates.
 */
export function nodeDataFromStore(store: StorePort, journal?: Pick<EngineTables, 'readJournal'>, memo?: NodeDataMemo): NodeDataPort {
  return {
    async customers(members: readonly CohortMember[]) {
      if (members.length === 0) return []
      return store.getCustomers(members.map((m) => m.id))
    },
    async events(members: readonly CohortMember[], query: EventQuery = {}) {
      if (members.length === 0) return []
      return store.listEventsOf(members.map((m) => m.id), query)
    },
    async matchSegment(members: readonly CohortMember[], segment, options) {
      if (members.length === 0) return new Set<number>()
      return store.matchSegment(segment, { now: options.now, keys: members.map((m) => m.key) })
    },
    async rfm(members: readonly CohortMember[], query) {
      if (!memo) return store.rfmScores(query, members.map((m) => m.key))
      const id = JSON.stringify([query.event, query.amountProperty, query.from, query.now])
      let population = memo.rfmPopulations.get(id)
      if (!population) {
        population = store.rfmPopulation(query)
        memo.rfmPopulations.set(id, population)
        // A failed ranking is not kept: the next batch asks again.
        population.catch(() => memo.rfmPopulations.delete(id))
      }
      return store.rfmScores(query, members.map((m) => m.key), await population)
    },
    async channelFacts(members: readonly CohortMember[], query) {
      return store.channelFacts(members.map((m) => m.key), query, memo?.channelFacts)
    },
    async contactPolicy(members: readonly CohortMember[], query) {
      return store.contactPolicyFacts(members.map((m) => m.key), query)
    },
    async passedAt(members: readonly CohortMember[], query) {
      if (!journal || members.length === 0) return new Map<number, number>()
      return passagesOf(journal, query.runId, query.nodeId, members.map((m) => m.key), query.until)
    },
  }
}
