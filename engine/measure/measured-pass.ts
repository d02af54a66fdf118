/**
 * Which pass through the flow the measure report measures for each customer, and from when.
 *
 * A customer may enter a flow many times in one run (entry policy "again after N days" or
 * "always"), and the holdout is drawn at entry, so each entry is an assignment. Measuring the
 * customer on their *latest* pass (the position's entry time, the last passage of the anchor
 * node) biases the comparison whenever treatment changes who comes back, and it does: a treated
 * customer's message counts in contact history, so the throttle's "not the same offer twice"
 * and frequency caps hold them on the next pass, while a holdout customer, never messaged, is
 * let through again. In the win-back demo that re-anchored the holdout customers who had not
 * bought (they were still "at risk" a month later) on a fresh window, and left their treated
 * twins on the window in which, by selection, they had not bought: −13 points of "uplift" with no
 * effect at all (docs/measure.md).
 *
 * So the report measures each customer once, on their **first** measured pass (intent to treat
 * at the first assignment that reached the goal): with a measure node, the pass in which the
 * customer first arrived at it; with `settings.goal`, the first entry. Up to that point a
 * customer's history in the run is the same whether they are treated or held out, as long as
 * the flow sent nothing before it that the throttle could count (docs/measure.md says when that
 * does not hold). The window starts at that pass's anchor: its entry, or its last passage of the
 * anchor node before the arrival at the measure node. Node and channel rows count what happened
 * in that pass only.
 *
 * Read from the journal's group rows (the batch times of arrivals and routes), three node-filtered
 * scans, with state only for the customers who reached the measure node (or, for
 * `settings.goal`, who entered).
 */
import { unpackKeys } from '../journal/packed-keys.ts'
import type { EngineTables, JournalKind } from '../ports/engine-store.ts'

const PAGE = 2_000

/** The pass of one customer the report measures. */
export interface MeasuredPass {
  /** When the pass began: the journal time of its entry. */
  from: number
  /** When the customer's next entry began (exclusive end of the pass), or Infinity. */
  until: number
  /**
   * The window's start, or null for "the position's entry time" (`positions.entered_at`, exact
   * also for event triggers, whose entry time is the event's): used when the goal is anchored on
   * entry and the measured pass is the customer's latest.
   */
  anchor: number | null
}

/** What identifies the passes: the flow's entry nodes, the measure node (none: settings.goal) and the anchor. */
export interface PassQuery {
  entryNodes: readonly string[]
  measureNode?: string
  anchor: 'entry' | { node: string }
}

/** The measured pass of every measured customer, by customer key. */
export async function readMeasuredPasses(store: EngineTables, runId: string, query: PassQuery): Promise<Map<number, MeasuredPass>> {
  if (query.measureNode === undefined) return firstEntries(store, runId, query.entryNodes)

  // The first arrival at the measure node: who is measured, and which pass.
  const reached = new Map<number, number>()
  await scan(store, runId, query.measureNode, 'arrive', (keys, at) => {
    for (const key of keys) if (!reached.has(key)) reached.set(key, at)
  })
  // The entry that began that pass (the latest at or before the arrival) and the next one.
  const from = new Map<number, number>()
  const until = new Map<number, number>()
  for (const node of query.entryNodes) {
    await scan(store, runId, node, 'arrive', (keys, at) => {
      for (const key of keys) {
        const arrival = reached.get(key)
        if (arrival === undefined) continue
        if (at <= arrival) from.set(key, Math.max(from.get(key) ?? at, at))
        else until.set(key, Math.min(until.get(key) ?? at, at))
      }
    })
  }
  // The last passage of the anchor node up to that arrival (in the same pass: checked below).
  const passed = new Map<number, number>()
  const { anchor } = query
  if (anchor !== 'entry') {
    await scan(store, runId, anchor.node, 'route', (keys, at) => {
      for (const key of keys) {
        const arrival = reached.get(key)
        if (arrival !== undefined && at <= arrival) passed.set(key, Math.max(passed.get(key) ?? at, at))
      }
    })
  }

  const passes = new Map<number, MeasuredPass>()
  for (const [key, arrival] of reached) {
    // Every arrival follows an entry; a journal without one (rows lost to a manual edit) starts the pass at the arrival.
    const start = from.get(key) ?? arrival
    const end = until.get(key) ?? Infinity
    let at: number | null
    if (anchor === 'entry') at = end === Infinity ? null : start
    else {
      const passage = passed.get(key)
      // As the measure node does: without a passage of the anchor node, the arrival at the measure node.
      at = passage !== undefined && passage >= start ? passage : arrival
    }
    passes.set(key, { from: start, until: end, anchor: at })
  }
  return passes
}

/** settings.goal: everyone who entered, on their first entry. */
async function firstEntries(store: EngineTables, runId: string, entryNodes: readonly string[]): Promise<Map<number, MeasuredPass>> {
  const passes = new Map<number, MeasuredPass>()
  for (const node of entryNodes) {
    await scan(store, runId, node, 'arrive', (keys, at) => {
      for (const key of keys) {
        const pass = passes.get(key)
        // Journal order is time order per node; with several entry nodes, keep the earliest two.
        if (!pass) passes.set(key, { from: at, until: Infinity, anchor: null })
        else if (at < pass.from) passes.set(key, { from: at, until: pass.from, anchor: null })
        else if (at > pass.from && at < pass.until) pass.until = at
      }
    })
  }
  // A customer who entered again is anchored on the first entry's time, not the position's (the latest).
  for (const pass of passes.values()) if (pass.until !== Infinity) pass.anchor = pass.from
  return passes
}

/** Calls `visit` with the keys and time of each group row of `kind` at `nodeId`, in journal order. */
async function scan(store: EngineTables, runId: string, nodeId: string, kind: JournalKind, visit: (keys: number[], at: number) => void): Promise<void> {
  for (let afterId = 0; ;) {
    const rows = await store.readJournal(runId, { nodeId, afterId, limit: PAGE, kinds: [kind] })
    for (const row of rows) if (row.keys !== null) visit(unpackKeys(row.keys), row.at)
    if (rows.length < PAGE) return
    afterId = (rows.at(-1) as { id: number }).id
  }
}

/** True when `at` falls in the customer's measured pass. */
export function inPass(pass: MeasuredPass | undefined, at: number): boolean {
  return pass !== undefined && at >= pass.from && at < pass.until
}
