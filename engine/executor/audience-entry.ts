/**
 * Audiences entering a run: at each fire of a schedule trigger, or once for an audience trigger.
 * The audience (everyone, a fixed list of ids, or a segment evaluated as of the fire time) enters
 * in key order, a batch at a time; each batch's transaction records the last key entered, so a
 * crash resumes the fire where it stopped instead of starting it again.
 *
 * Missed fires (the engine was down): every fire between the last handled one and now runs
 * once, oldest first, each as of its own time, up to `maxCatchUpFires` (the latest ones; older
 * ones are skipped and journalled). The entry policy decides who may enter again at each.
 */
import type { CustomerRef, EngineStore, TriggerStateRow } from '../ports/engine-store.ts'
import type { AudienceSpec } from '../sdk/entry-spec.ts'
import { BatchJournal } from '../journal/batch-journal.ts'
import { cronFiresBetween, nextCronFire, parseCron } from '../scheduler/cron.ts'
import { admit } from './admit.ts'
import { moveBatch, type ExecutorEnv } from './move-batch.ts'
import type { RunRuntime } from './run-runtime.ts'

/** What the audience entries of one tick did. */
export interface AudienceOutcome {
  fires: number
  entered: number
}

/** The time of the next fire or audience entry of the run after `now`'s handled state, or null. */
export async function nextAudienceAt(store: EngineStore, runtime: RunRuntime): Promise<number | null> {
  const { entry } = runtime.compiled
  if (!runtime.run.accepting) return null
  const state = await store.getTriggerState(runtime.run.id)
  if (state.audienceFireAt !== null) return state.audienceFireAt
  if (entry.type === 'audience') return state.audienceDone ? null : (entry.at ?? runtime.run.createdAt)
  if (entry.type === 'schedule') return nextCronFire(parseCron(entry.cron, entry.timeZone), state.lastFireAt ?? runtime.run.createdAt) ?? null
  return null
}

/** Lets due audiences in: an interrupted fire first, then every fire due by `now`. */
export async function enterAudiences(env: ExecutorEnv, runtime: RunRuntime, now: number): Promise<AudienceOutcome> {
  const { entry } = runtime.compiled
  const outcome: AudienceOutcome = { fires: 0, entered: 0 }
  if (!runtime.run.accepting || entry.type === 'event') return outcome
  let state = await env.store.getTriggerState(runtime.run.id)
  if (state.audienceFireAt !== null) {
    outcome.entered += await enterAudience(env, runtime, entry.audience, state.audienceFireAt, now)
    outcome.fires++
    state = await env.store.getTriggerState(runtime.run.id)
  }
  if (entry.type === 'audience') {
    const at = entry.at ?? runtime.run.createdAt
    if (!state.audienceDone && at <= now) {
      await env.store.setTriggerState({ ...state, audienceFireAt: at, audienceAfterKey: null })
      outcome.entered += await enterAudience(env, runtime, entry.audience, at, now)
      outcome.fires++
    }
    return outcome
  }
  const schedule = parseCron(entry.cron, entry.timeZone)
  const { fires, skipped } = cronFiresBetween(schedule, state.lastFireAt ?? runtime.run.createdAt, now, runtime.options.maxCatchUpFires)
  if (skipped > 0) {
    const journal = new BatchJournal(runtime.run.id, runtime.nextBatch(), now)
    journal.note(runtime.compiled.triggerId, `${skipped} missed schedule fire(s) skipped; the latest ${fires.length} run`, { level: 'warn', data: { skipped } })
    await env.store.appendJournal(journal.rows())
  }
  for (const fireAt of fires) {
    state = await env.store.getTriggerState(runtime.run.id)
    await env.store.setTriggerState({ ...state, audienceFireAt: fireAt, audienceAfterKey: null })
    outcome.entered += await enterAudience(env, runtime, entry.audience, fireAt, now)
    outcome.fires++
  }
  return outcome
}

/** Runs one fire to its end, from the last key it reached; returns how many entered. */
async function enterAudience(env: ExecutorEnv, runtime: RunRuntime, audience: AudienceSpec, fireAt: number, now: number): Promise<number> {
  const { store } = env
  const members = await audienceSource(store, audience, fireAt)
  let entered = 0
  for (;;) {
    const state = await store.getTriggerState(runtime.run.id)
    const page = await members(state.audienceAfterKey ?? 0, runtime.options.batchSize)
    const done = page.length < runtime.options.batchSize
    const next: TriggerStateRow =
      page.length === 0 || done
        ? { ...state, lastFireAt: fireAt, audienceFireAt: null, audienceAfterKey: null, audienceDone: runtime.compiled.entry.type === 'audience' }
        : { ...state, audienceAfterKey: (page[page.length - 1] as CustomerRef).key }
    const admission = await admit(store, runtime, page.map((c) => ({ customerKey: c.key, customerId: c.id, at: fireAt })), now)
    const finish = async (tx: EngineStore) => {
      await tx.recordEntries(runtime.compiled.flow.id, admission.entries)
      await tx.setTriggerState(next)
    }
    if (admission.travellers.length > 0) await moveBatch(env, runtime, runtime.compiled.triggerId, admission.travellers, now, finish)
    else await store.transaction(finish)
    entered += admission.travellers.length
    if (done) return entered
  }
}

/** Pages of the audience in key order: `(afterKey, limit) → customers`. */
async function audienceSource(store: EngineStore, audience: AudienceSpec, at: number): Promise<(afterKey: number, limit: number) => Promise<CustomerRef[]>> {
  if (audience.customers) {
    const listed = await store.customersByIds(audience.customers)
    return async (afterKey, limit) => listed.filter((c) => c.key > afterKey).slice(0, limit)
  }
  if (audience.segment) {
    const keys = [...(await store.customers.matchSegment(audience.segment, { now: at }))].sort((a, b) => a - b)
    return async (afterKey, limit) => {
      const start = firstAbove(keys, afterKey)
      return store.customersByKeys(keys.slice(start, start + limit))
    }
  }
  return (afterKey, limit) => store.customersPage(afterKey, limit)
}

/** Index of the first key greater than `value` in ascending `keys` (binary search). */
function firstAbove(keys: readonly number[], value: number): number {
  let low = 0
  let high = keys.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((keys[middle] as number) <= value) low = middle + 1
    else high = middle
  }
  return low
}
