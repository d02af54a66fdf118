/**
 * The effect step: a batch's plan (engine/planner/plan-step.ts) written in ONE transaction —
 * positions, journal, outbox intents (a key already stored is a no-op, so a batch re-run after a
 * crash cannot send twice), tags, the batch's recorded inputs (engine/replay/batch-inputs.ts) — with the caller's own writes (entries, trigger cursors, a
 * test's crash hook) inside the same transaction.
 */
import type { EngineStore, RunInputRow } from '../ports/engine-store.ts'
import type { WritePlan } from '../planner/plan-step.ts'

export async function writePlan(store: EngineStore, plan: WritePlan, extra?: (tx: EngineStore) => Promise<void>, inputs?: RunInputRow): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.writePositions(plan.positions)
    await tx.appendJournal(plan.journal)
    await tx.enqueueOutbox(plan.outbox)
    if (plan.tags.length > 0) await tx.customers.setTags(plan.tags)
    if (inputs) await tx.appendRunInputs([inputs])
    await extra?.(tx)
  })
}
