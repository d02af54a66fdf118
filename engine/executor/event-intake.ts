/**
 * Events reaching a run: each page of new events (in (time, key) order, up to `now`) lets the
 * customers of an event trigger enter, and wakes customers parked until such an event. One
 * cursor per run records how far events were handled; it moves in the same transaction as the
 * entries and wake-ups of its page, so after a crash a page is handled again as a whole, and
 * the entry rules (a customer in the flow cannot enter again) make that harmless.
 *
 * Wake-ups are matched inside the page's transaction, after its entries were written: a
 * customer who enters on an event and parks for another one that happened moments later in the
 * same page is woken by it.
 */
import type { EngineEvent, EngineStore, EngineTables, EventCursor, PositionRow, TriggerStateRow } from '../ports/engine-store.ts'
import type { PropertyMatch } from '../sdk/entry-spec.ts'
import { admit, type EntryCandidate } from './admit.ts'
import { moveBatch, type ExecutorEnv } from './move-batch.ts'
import type { RunRuntime } from './run-runtime.ts'

/** What one intake did. */
export interface IntakeOutcome {
  events: number
  entered: number
  woken: number
}

/** True when every condition of `where` equals the property of the same name. */
export function matchesProperties(properties: Readonly<Record<string, unknown>>, where: PropertyMatch | undefined): boolean {
  if (!where) return true
  return Object.entries(where).every(([name, value]) => properties[name] === value)
}

function after(cursor: EventCursor | null, event: EngineEvent): boolean {
  return cursor === null || event.at > cursor.at || (event.at === cursor.at && event.key > cursor.key)
}

/** The event types a run listens to now: its event trigger's (while it accepts entries) and those parked customers wait for. */
export async function listenedTypes(store: EngineTables, runtime: RunRuntime): Promise<{ entryType?: string; types: string[] }> {
  const { entry } = runtime.compiled
  const entryType = runtime.run.accepting && entry.type === 'event' ? entry.eventType : undefined
  const types = new Set(await store.wakeTypes(runtime.run.id))
  if (entryType) types.add(entryType)
  return { ...(entryType ? { entryType } : {}), types: [...types].sort() }
}

/** Handles every event of the run's types up to `now`. */
export async function takeInEvents(env: ExecutorEnv, runtime: RunRuntime, now: number): Promise<IntakeOutcome> {
  const { store } = env
  const outcome: IntakeOutcome = { events: 0, entered: 0, woken: 0 }
  const entry = runtime.compiled.entry
  for (;;) {
    const state = await store.getTriggerState(runtime.run.id)
    const { entryType, types } = await listenedTypes(store, runtime)
    if (types.length === 0) return outcome
    const events = await store.eventsAfter(types, state.eventCursor, now, runtime.options.batchSize)
    if (events.length === 0) return outcome
    const last = events[events.length - 1] as EngineEvent
    const cursor = { at: last.at, key: last.key }
    const where = entry.type === 'event' ? entry.where : undefined
    const candidates: EntryCandidate[] = events
      .filter((e) => e.type === entryType && matchesProperties(e.properties, where))
      .map((e) => ({ customerKey: e.customerKey, customerId: e.customerId, at: e.at, event: e }))
    const admission = await admit(store, runtime, candidates, now)
    let woken = 0
    // Everything of the page — entries, wake-ups, the cursor — commits together.
    const finish = async (tx: EngineStore) => {
      await tx.recordEntries(runtime.compiled.flow.id, admission.entries)
      woken = await wakeParked(tx, runtime, events, types, state.eventCursor, cursor, now)
      const next: TriggerStateRow = { ...state, eventCursor: cursor }
      await tx.setTriggerState(next)
    }
    if (admission.travellers.length > 0) await moveBatch(env, runtime, runtime.compiled.triggerId, admission.travellers, now, finish)
    else await store.transaction(finish)
    outcome.events += events.length
    outcome.entered += admission.travellers.length
    outcome.woken += woken
  }
}

/**
 * Wakes parked customers of the run whom an event of the page matches (same customer, type,
 * properties, not before they arrived). When the page's entries made customers wait for a type
 * the page was not read for, that type's events of the page window are read too.
 */
async function wakeParked(
  tx: EngineStore,
  runtime: RunRuntime,
  events: readonly EngineEvent[],
  pageTypes: readonly string[],
  from: EventCursor | null,
  to: EventCursor,
  now: number,
): Promise<number> {
  const waitedFor = await tx.wakeTypes(runtime.run.id)
  if (waitedFor.length === 0) return 0
  const missing = waitedFor.filter((type) => !pageTypes.includes(type))
  const extra = missing.length === 0 ? [] : (await tx.eventsAfter(missing, from, to.at, Number.MAX_SAFE_INTEGER)).filter((e) => !after(to, e))
  const relevant = [...events, ...extra].filter((e) => waitedFor.includes(e.type)).sort((a, b) => a.at - b.at || a.key - b.key)
  if (relevant.length === 0) return 0
  const positions = await tx.getPositions(runtime.run.id, [...new Set(relevant.map((e) => e.customerKey))])
  const parked = new Map(positions.filter((p) => p.state === 'active' && p.phase === 'parked' && p.wakeType !== null).map((p) => [p.customerKey, p]))
  const woken: PositionRow[] = []
  for (const event of relevant) {
    const position = parked.get(event.customerKey)
    if (!position || position.wakeType !== event.type || event.at < position.arrivedAt) continue
    const where = position.wakeWhere === null ? undefined : (JSON.parse(position.wakeWhere) as PropertyMatch)
    if (!matchesProperties(event.properties, where)) continue
    woken.push({ ...position, phase: 'woken', dueAt: Math.min(event.at, now), wakeType: null, wakeWhere: null, updatedAt: now })
    parked.delete(event.customerKey)
  }
  await tx.writePositions(woken)
  return woken.length
}
