/**
 * The engine never spins. Verification refuses cycles of instant nodes, but a node that waits
 * can let customers through at once (a wait until a date already past, a window the customer is
 * in, a throttle with room), so a cycle through it can still move a customer round within one
 * instant. moveBatch leaves a customer who reaches a node already run in its batch (or a `whole`
 * node) due for the next tick; when that node lies on a cycle of the flow, this guard counts the
 * lap. A customer whose arrival time has not moved after {@link INSTANT_LAP_LIMIT} laps goes to
 * the error state with a message naming the loop; the run goes on for everyone else.
 *
 * Laps are keyed by the customer's arrival time, not the tick's `now`: passing through instant
 * nodes keeps it (move-batch.ts), so the count holds on the real clock too, where each tick has
 * a later `now`. The counts live in memory, two ticks deep (a looping customer is moved at every
 * tick, so anyone absent for a whole tick has left the loop): a restart only starts the count
 * again, and a flow without loops keeps nothing.
 */
import type { FlowEdge } from '../flow/schema.ts'
import { cyclePath, stronglyConnected } from '../flow/graph.ts'

/** Laps of one loop a customer may make within one instant before it is an error. */
export const INSTANT_LAP_LIMIT = 100

interface Laps {
  arrivedAt: number
  laps: number
}

/** Counts, per customer, the laps made round a loop of the flow without time passing. */
export class InstantLoopGuard {
  /** Laps trip above this: the documented limit, or the flow's node count when larger (two paths meeting defer a customer without a loop, at most once per node). */
  readonly limit: number
  readonly #next = new Map<string, string[]>()
  /** The strongly connected component of each node that lies on a cycle. */
  readonly #cycles = new Map<string, ReadonlySet<string>>()
  #current = new Map<number, Laps>()
  #previous = new Map<number, Laps>()

  constructor(nodeIds: readonly string[], edges: readonly FlowEdge[]) {
    this.limit = Math.max(INSTANT_LAP_LIMIT, nodeIds.length)
    for (const edge of edges) this.#next.set(edge.from, [...(this.#next.get(edge.from) ?? []), edge.to])
    for (const component of stronglyConnected(nodeIds, this.#next)) {
      const first = component[0] as string
      if (component.length === 1 && !(this.#next.get(first) ?? []).includes(first)) continue
      const members = new Set(component)
      for (const id of component) this.#cycles.set(id, members)
    }
  }

  /** Whether a customer left due at `nodeId` may be going round a loop. */
  onCycle(nodeId: string): boolean {
    return this.#cycles.has(nodeId)
  }

  /** A new tick begins: counts of customers not moved in the last two ticks are forgotten. */
  nextTick(): void {
    if (this.#current.size === 0 && this.#previous.size === 0) return
    this.#previous = this.#current
    this.#current = new Map()
  }

  /** Counts one more lap of customer `key`, still at its arrival time `arrivedAt`; true when past the limit. */
  lap(key: number, arrivedAt: number): boolean {
    const known = this.#current.get(key) ?? this.#previous.get(key)
    const laps = known !== undefined && known.arrivedAt === arrivedAt ? known.laps + 1 : 1
    this.#current.set(key, { arrivedAt, laps })
    return laps > this.limit
  }

  /**
   * The error of customers caught at `nodeId`: the shortest loop back to it through the nodes
   * their batch ran (`ran`), which is the way they came round. The same for the whole group, so
   * a run's errors group by node and message.
   */
  message(nodeId: string, ran: ReadonlySet<string>): string {
    const component = this.#cycles.get(nodeId) ?? new Set([nodeId])
    const members = new Set([...component].filter((id) => id === nodeId || ran.has(id)))
    let loop = cyclePath(nodeId, members, this.#next)
    if (loop.length <= 2 && !(this.#next.get(nodeId) ?? []).includes(nodeId)) loop = cyclePath(nodeId, component, this.#next)
    return (
      `looped ${this.limit} times through ${loop.map((id) => `"${id}"`).join(' → ')} without time passing: ` +
      'a node that waits on this loop let the customer through at once (a wait until a past date, a throttle with room); make one hold customers for a while'
    )
  }
}
