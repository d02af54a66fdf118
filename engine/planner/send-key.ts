/**
 * Outbox idempotency keys, from facts fixed before the node runs, never from the order the
 * executor happens to write things in:
 *
 *   run:node:customerKey:v<visit>[@<wokenAt>][.<n>]
 *
 * - `visit` is the customer's arrival ordinal in the run (the position's `seq`, set when the
 *   customer ARRIVES at the node, continued on re-entry by admit.ts): each arrival at a node,
 *   round a loop or in a new entry, is a new visit. It is unique per (customer, node arrival) and
 *   needs no column beyond `seq`; it does not depend on the batch the customer is in.
 * - `@<wokenAt>` marks a run after a wake (parked, then due or woken by an event) with the due
 *   time it woke at: a node that sends when it parks a customer and again when it runs them later
 *   makes two sends, not one deduplicated away.
 * - `.<n>` numbers a node's second and later sends to one customer in one run (n ≥ 2).
 *
 * The `v` sets these keys apart from the `run:node:customer:seq` keys written before (seq as read
 * after routing had bumped it), so an intent stored by an older version never swallows a new one.
 */
import type { PositionRow } from '../ports/engine-store.ts'

/** The key of the `n`-th send (1-based) of one node run for the customer at `position` (as it arrived). */
export function sendKey(runId: string, nodeId: string, position: Pick<PositionRow, 'customerKey' | 'seq' | 'phase' | 'dueAt'>, n: number): string {
  const woken = position.phase === 'arrive' ? '' : `@${position.dueAt ?? 0}`
  return `${runId}:${nodeId}:${position.customerKey}:v${position.seq}${woken}${n > 1 ? `.${n}` : ''}`
}
