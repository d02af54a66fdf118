/**
 * A customer on the move through a batch: what the node sees (the member) and the position row
 * it arrived with. The planner never changes either; it returns new ones for the next node.
 */
import type { PositionRow } from '../ports/engine-store.ts'
import type { CohortMember } from '../sdk/types.ts'

/**
 * The member's `enteredAt` is when the customer arrived at the node: for a customer passing
 * through instant nodes it stays the time it became due (its event's time, its wait's end), not
 * the tick's `now`, so a 3-day wait after an event ends 3 days after the event however late the
 * tick ran. The position's `seq` is the customer's arrival ordinal in the run, set on arrival: the
 * visit its sends are keyed by (send-key.ts).
 */
export interface Traveller {
  readonly member: CohortMember
  readonly position: PositionRow
}

/** The member a node sees for a position picked up as due. */
export function memberOfPosition(position: PositionRow & { customerId: string; trigger?: CohortMember['trigger'] }): CohortMember {
  const member: CohortMember = { key: position.customerKey, id: position.customerId, enteredAt: position.arrivedAt, flowEnteredAt: position.enteredAt, holdout: position.holdout }
  if (position.phase === 'parked') member.wake = 'due'
  else if (position.phase === 'woken') member.wake = 'event'
  if (position.trigger) member.trigger = position.trigger
  return member
}

/** The member for the next node: its arrival time moves on; a wake reason does not carry over, the holdout and trigger do. */
export function onwardMember(member: CohortMember, position: PositionRow): CohortMember {
  const next: CohortMember = { key: member.key, id: member.id, enteredAt: position.arrivedAt, flowEnteredAt: member.flowEnteredAt, holdout: position.holdout }
  if (member.trigger !== undefined) next.trigger = member.trigger
  return next
}
