/**
 * Due work: every active position whose due time has come, grouped by (run, node), taken in
 * batches in (due time, customer key) order and moved by moveBatch. A node whose cohort mode is
 * `whole` under this tick's node settings (cohortSettings) gets everyone due at it in one call.
 */
import type { DuePosition, EventCursor, PositionRow } from '../ports/engine-store.ts'
import { memberOfPosition, type Traveller } from '../planner/traveller.ts'
import { cohortSettings, moveBatch, type ExecutorEnv } from './move-batch.ts'
import type { RunRuntime } from './run-runtime.ts'

/** What the due work of one tick did. */
export interface DueOutcome {
  batches: number
  customers: number
  nodeRuns: number
  sends: number
}

/** Moves every position due by `now` in the given runs. */
export async function runDueWork(env: ExecutorEnv, runtimes: ReadonlyMap<string, RunRuntime>, now: number): Promise<DueOutcome> {
  const outcome: DueOutcome = { batches: 0, customers: 0, nodeRuns: 0, sends: 0 }
  for (const runtime of runtimes.values()) runtime.loopGuard.nextTick()
  const groups = await env.store.dueNodes([...runtimes.keys()], now)
  const settings = cohortSettings(env)
  for (const { runId, nodeId } of groups) {
    const runtime = runtimes.get(runId) as RunRuntime
    const whole = runtime.compiled.nodes.get(nodeId)?.cohortMode(settings) === 'whole'
    let after: EventCursor | undefined
    for (;;) {
      const page = await env.store.duePositions(runId, nodeId, now, { ...(whole ? {} : { limit: runtime.options.batchSize }), ...(after ? { after } : {}) })
      if (page.length === 0) break
      const moved = await moveBatch(env, runtime, nodeId, page.map(toTraveller), now)
      outcome.batches++
      outcome.customers += moved.customers
      outcome.nodeRuns += moved.nodeRuns
      outcome.sends += moved.sends
      const last = page[page.length - 1] as DuePosition
      after = { at: last.dueAt as number, key: last.customerKey }
      if (whole || page.length < runtime.options.batchSize) break
    }
  }
  return outcome
}

/** The traveller of a due position: the member a node sees and a position row of its own. */
function toTraveller(due: DuePosition): Traveller {
  const position: PositionRow = {
    runId: due.runId, customerKey: due.customerKey, nodeId: due.nodeId, state: due.state, dueAt: due.dueAt, phase: due.phase,
    wakeType: due.wakeType, wakeWhere: due.wakeWhere, attempt: due.attempt, seq: due.seq, holdout: due.holdout,
    enteredAt: due.enteredAt, arrivedAt: due.arrivedAt, triggerEventKey: due.triggerEventKey, lastOutput: due.lastOutput,
    error: due.error, updatedAt: due.updatedAt,
  }
  return { member: memberOfPosition(due), position }
}
