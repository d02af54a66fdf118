/**
 * Who of a set of candidates may enter a flow, set-based: not already in the flow (any run of
 * it), the flow's entry policy (once / again after N days / always) against the entry history,
 * and the holdout draw. Three queries for the whole set, never one per customer.
 *
 * The holdout draw is keyed by (flow id, customer id), not by the run's seed: a customer stays
 * in the control group when the flow is republished, so uplift compares stable groups.
 */
import type { EngineEvent, EngineTables, PositionRow } from '../ports/engine-store.ts'
import { keyedRandom } from '../random.ts'
import type { Traveller } from '../planner/traveller.ts'
import type { RunRuntime } from './run-runtime.ts'

const DAY = 86_400_000

/** A customer who may enter, at `at` (its event's time or the fire time). */
export interface EntryCandidate {
  customerKey: number
  customerId: string
  at: number
  event?: EngineEvent
}

/** The admitted customers as travellers at the trigger, and the entry rows to record with them. */
export interface Admission {
  travellers: Traveller[]
  entries: { customerKey: number; at: number }[]
  refused: number
}

/** True when the customer falls in the flow's holdout of `percent` %. */
export function inHoldout(flowId: string, customerId: string, percent: number): boolean {
  return percent > 0 && keyedRandom('holdout', flowId, customerId) < percent / 100
}

/** Applies the entry rules to `candidates` (the first candidate per customer counts). */
export async function admit(store: EngineTables, runtime: RunRuntime, candidates: readonly EntryCandidate[], now: number): Promise<Admission> {
  const { run, compiled } = runtime
  const first = new Map<number, EntryCandidate>()
  for (const candidate of candidates) if (!first.has(candidate.customerKey)) first.set(candidate.customerKey, candidate)
  const keys = [...first.keys()]
  if (keys.length === 0) return { travellers: [], entries: [], refused: candidates.length }
  // One after another: admission usually runs inside the batch's transaction, where Postgres
  // has one connection and pg deprecates queuing a query on a client that is still busy.
  const active = await store.activeInFlow(compiled.flow.id, keys)
  const history = await store.getEntries(compiled.flow.id, keys)
  const previous = await store.getPositions(run.id, keys)
  const seqOf = new Map(previous.map((p) => [p.customerKey, p.seq]))
  const policy = compiled.flow.settings.entry
  const percent = compiled.flow.settings.holdout.percent
  const travellers: Traveller[] = []
  for (const candidate of first.values()) {
    if (active.has(candidate.customerKey)) continue
    const last = history.get(candidate.customerKey)
    if (last && policy.policy === 'once') continue
    if (last && policy.policy === 'again-after' && candidate.at - last.lastEntryAt < policy.days * DAY) continue
    const { event } = candidate
    const holdout = inHoldout(compiled.flow.id, candidate.customerId, percent)
    const position: PositionRow = {
      runId: run.id,
      customerKey: candidate.customerKey,
      nodeId: compiled.triggerId,
      state: 'active',
      dueAt: candidate.at,
      phase: 'arrive',
      wakeType: null,
      wakeWhere: null,
      attempt: 0,
      // Continue the customer's arrival count on re-entry, so outbox keys never repeat.
      seq: (seqOf.get(candidate.customerKey) ?? 0) + 1,
      holdout,
      enteredAt: candidate.at,
      arrivedAt: candidate.at,
      triggerEventKey: event?.key ?? null,
      lastOutput: null,
      error: null,
      updatedAt: now,
    }
    travellers.push({
      member: {
        key: candidate.customerKey,
        id: candidate.customerId,
        enteredAt: candidate.at,
        flowEnteredAt: candidate.at,
        holdout,
        ...(event ? { trigger: { id: event.id, type: event.type, at: event.at, properties: event.properties } } : {}),
      },
      position,
    })
  }
  return {
    travellers,
    entries: travellers.map((t) => ({ customerKey: t.member.key, at: t.position.enteredAt })),
    refused: candidates.length - travellers.length,
  }
}
