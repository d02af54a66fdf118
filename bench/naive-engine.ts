/**
 * The naive baseline of issue #7: the same flow run the way a first design would run it — one
 * xstate actor per customer (`createActor` over the flow's compiled journey machine), the SAME
 * node declarations' `run` called customer by customer (a cohort of one, a context per
 * customer, through the engine's own engine/executor/run-node.ts), what each result means
 * planned by the engine's own planner (engine/planner/plan-step.ts, for a cohort of one, so the
 * two engines cannot drift), and the customer's writes (position, journal, outbox intent, tags,
 * entry) in one transaction per customer step, then its send delivered through the same dispatcher and `log`
 * adapter. Entry rules and the holdout draw are the engine's own `admit`, called per customer.
 * A customer who parks or waits is persisted as its position row and its actor restored from
 * it when due, as an actor-per-customer engine restores snapshots.
 *
 * Like any sane per-customer engine it does not recompute, for every customer, answers that do
 * not depend on the customer: the RFM population's quintile boundaries and the pooled channel
 * response counts are kept for one simulated instant (the engine's per-tick memo,
 * engine/sdk/store-node-data.ts). Without that memo it ranked ~700,000 buyers again for each
 * customer on 1M (16–23 s each), and the ratio measured that instead of per-customer against
 * batch execution. The time spent filling the memo is a one-off per instant, not a per-customer
 * cost, so it is reported apart and the rate is projected to the whole population as
 * one-offs + customers × the per-customer time measured on the sample.
 *
 * Nothing here sleeps or does work the engine does not: the only difference is granularity.
 * Equivalence is checked by the smoke test: on the same customers, its per-node counts equal
 * the engine's.
 */
import { performance } from 'node:perf_hooks'
import { createActor, type AnyActorRef } from 'xstate'
import { allChannelsThrough } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { SimulatedClock } from '../engine/clock/simulated-clock.ts'
import type { CompiledFlow } from '../engine/compiler/compile-flow.ts'
import { END_STATE, type NextStep } from '../engine/compiler/journey-machine.ts'
import { admit } from '../engine/executor/admit.ts'
import { Engine } from '../engine/executor/engine.ts'
import { matchesProperties } from '../engine/executor/event-intake.ts'
import { runNode } from '../engine/executor/run-node.ts'
import { loadRunRuntime, type RunRuntime } from '../engine/executor/run-runtime.ts'
import { writePlan } from '../engine/executor/write-plan.ts'
import type { Flow } from '../engine/flow/schema.ts'
import { dispatchOutbox } from '../engine/outbox/dispatch-outbox.ts'
import type { EngineStore, EventCursor, PositionRow } from '../engine/ports/engine-store.ts'
import { addWrites, emptyWritePlan, planNodeFailure, planNodeResult, type StepPlan } from '../engine/planner/plan-step.ts'
import { memberOfPosition, type Traveller } from '../engine/planner/traveller.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { createIdSource } from '../engine/random.ts'
import { createNodeDataMemo, nodeDataFromStore, type NodeDataMemo } from '../engine/sdk/store-node-data.ts'
import type { PropertyMatch } from '../engine/sdk/entry-spec.ts'
import type { NodeDataPort } from '../engine/ports/node-data.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { BENCH_NOW } from './dataset.ts'
import { countsOf, round, SIMULATED_DAYS, type RunCounts } from './reference.ts'
import { RssSampler } from './rss.ts'

const DAY = 86_400_000

/** What the naive run measured. */
export interface NaiveResult extends RunCounts {
  /** Customers run (the sample, or its first part when time-boxed). */
  customers: number
  /** Their ids, in the order they entered (to run our engine on the same customers). */
  customerIds: string[]
  /** Customers in the data set; `sampled` when fewer were run. */
  population: number
  sampled: boolean
  /** True when the time budget ended entries before the whole sample was in. */
  timeBoxed: boolean
  /** Wall time of the run on its customers. */
  seconds: number
  /** Of `seconds`, the time spent on answers that do not depend on the customer (once per simulated instant). */
  sharedSeconds: number
  /** `customers / seconds`: the rate on the sample, its one-offs included. */
  measuredCustomersPerSecond: number
  /** Projected time for the whole population: the one-offs once, plus the per-customer time of the sample for each customer. */
  projectedSeconds: number
  /** `population / projectedSeconds`: the rate the ratio compares with ours (which ran the whole population). */
  customersPerSecond: number
  peakRssMb: number
  /** Where the per-customer time went: milliseconds per customer in each node's `run` (one-offs excluded), and in writes and delivery. */
  msPerCustomer: Record<string, number>
  finished: boolean
}

/**
 * Store keys of a sample of `size` customers spread evenly over keys 1..population, ordered by
 * the bit-reversed sequence 0, ½, ¼, ¾, ⅛… of their rank's place in the sample: every prefix is
 * spread over the whole key range too, so a time-boxed run that stops part way still samples the
 * whole population, not its lowest keys.
 */
export function sampleKeys(population: number, size: number): number[] {
  const n = Math.min(size, population)
  const bits = Math.ceil(Math.log2(Math.max(2, n)))
  const taken = new Uint8Array(n)
  const keys: number[] = []
  // 2^bits ≥ n places cover every rank; the first place to reach a rank fixes its turn.
  for (let r = 0; r < 2 ** bits; r++) {
    const rank = Math.floor((reverseBits(r, bits) * n) / 2 ** bits)
    if (taken[rank]) continue
    taken[rank] = 1
    keys.push(1 + Math.floor((rank * population) / n))
  }
  return keys
}

function reverseBits(value: number, bits: number): number {
  let reversed = 0
  for (let b = 0; b < bits; b++) reversed = (reversed << 1) | ((value >> b) & 1)
  return reversed
}

/** Runs `flow` on `file` (a copy of the data set) the naive way, for the customers with `keys`. */
export async function runNaive(options: {
  file: string
  registry: NodeRegistry
  flow: Flow
  keys: readonly number[]
  population: number
  /** Stop letting customers in after this much per-customer time (one-offs excluded; the ones in finish); default no limit. */
  budgetMs?: number
  /** After each entry: customers in, and seconds of per-customer work so far (what the budget counts). */
  onProgress?: (done: number, workSeconds: number) => void
}): Promise<NaiveResult> {
  const clock = new SimulatedClock(BENCH_NOW)
  const store = await openStore({ db: options.file, now: () => clock.now() })
  const rss = new RssSampler()
  try {
    const engineStore = openEngineStore(store)
    const channels = allChannelsThrough(createLogChannel())
    // The engine only publishes the run (flow version, run row) and summarises it; it never ticks.
    const engine = new Engine({ store: engineStore, registry: options.registry, clock, channels })
    rss.start()
    const started = performance.now()
    const run = await engine.publish(options.flow, { seed: 'bench' })
    const runtime = await loadRunRuntime(engineStore, options.registry, run)
    const naive = new NaiveRunner(engineStore, runtime, channels, clock)
    const byKey = new Map((await engineStore.customersByKeys(options.keys)).map((c) => [c.key, c]))
    const customers = options.keys.flatMap((key) => byKey.get(key) ?? [])

    // Entry, in the sample's order: each customer is admitted, gets its actor and runs until it parks, waits or ends.
    const entered: { key: number; id: string }[] = []
    for (const customer of customers) {
      if (options.budgetMs !== undefined && performance.now() - started - naive.sharedMs > options.budgetMs) break
      await naive.enter(customer, BENCH_NOW)
      entered.push(customer)
      rss.sample()
      options.onProgress?.(entered.length, (performance.now() - started - naive.sharedMs) / 1000)
    }
    // Later: the next due time or event a parked customer waits for, earliest first; each
    // customer concerned is restored from its position row and run on its own.
    await naive.startEvents()
    for (;;) {
      const due = naive.nextDue()
      const event = await naive.nextEventAt()
      const next = Math.min(due ?? Number.POSITIVE_INFINITY, event ?? Number.POSITIVE_INFINITY)
      if (next >= BENCH_NOW + SIMULATED_DAYS * DAY) break
      await clock.sleepUntil(next)
      if (event === next) await naive.takeEvents(next)
      await naive.wakeDue(next)
      rss.sample()
    }
    const seconds = (performance.now() - started) / 1000
    rss.stop()
    const counts = countsOf(await engine.summary(run.id), options.flow, options.registry)
    const sharedSeconds = naive.sharedMs / 1000
    const projectedSeconds = sharedSeconds + ((seconds - sharedSeconds) / Math.max(1, entered.length)) * options.population
    return {
      customers: entered.length,
      customerIds: entered.map((c) => c.id),
      population: options.population,
      sampled: entered.length < options.population,
      timeBoxed: entered.length < customers.length,
      seconds: round(seconds, 2),
      sharedSeconds: round(sharedSeconds, 2),
      measuredCustomersPerSecond: round(entered.length / seconds, 2),
      projectedSeconds: round(projectedSeconds, 0),
      customersPerSecond: round(options.population / projectedSeconds, 2),
      peakRssMb: rss.peakMb(),
      msPerCustomer: Object.fromEntries([...naive.timings].map(([part, ms]) => [part, round(ms / Math.max(1, entered.length), 3)])),
      finished: counts.positions.active === 0 && counts.delivery.pending === 0,
      ...counts,
    }
  } finally {
    rss.stop()
    await store.close()
  }
}

/** One customer's actor and position between steps. */
interface Journey {
  actor: AnyActorRef
  traveller: Traveller
}

/** The per-customer machinery: admit, step an actor through nodes, write, deliver. */
class NaiveRunner {
  /** Milliseconds spent per node id (one-offs excluded), in writes and in delivery. */
  readonly timings = new Map<string, number>()
  /** Milliseconds spent filling the per-instant memo: answers that do not depend on the customer. */
  sharedMs = 0
  /** Customers due later: key → due time and the event that may wake them early (their state is the position row in the store). */
  readonly #due = new Map<number, { at: number; id: string; wakeType: string | null; wakeWhere: PropertyMatch | undefined; arrivedAt: number }>()
  readonly #ids: () => string
  /** How far the event stream was read (as the engine's per-run cursor). */
  #cursor: EventCursor | null = null
  /** Answers that do not depend on the customer, kept for one simulated instant as the engine keeps them for one tick. */
  #instant: { at: number; data: NodeDataPort } | undefined

  constructor(
    private readonly store: EngineStore,
    private readonly runtime: RunRuntime,
    private readonly channels: ReturnType<typeof allChannelsThrough>,
    private readonly clock: SimulatedClock,
  ) {
    this.#ids = createIdSource(`${runtime.run.seed}:naive`)
  }

  get #compiled(): CompiledFlow {
    return this.runtime.compiled
  }

  /** The earliest due time of a waiting customer. */
  nextDue(): number | undefined {
    let earliest: number | undefined
    for (const { at } of this.#due.values()) if (earliest === undefined || at < earliest) earliest = at
    return earliest
  }

  /** Starts reading events where the run's trigger state says (its publish time). */
  async startEvents(): Promise<void> {
    this.#cursor = (await this.store.getTriggerState(this.runtime.run.id)).eventCursor
  }

  #waitedTypes(): string[] {
    return [...new Set([...this.#due.values()].flatMap((d) => (d.wakeType === null ? [] : [d.wakeType])))].sort()
  }

  /** When the next event of a type a parked customer waits for happens, or undefined. */
  async nextEventAt(): Promise<number | undefined> {
    const types = this.#waitedTypes()
    if (types.length === 0) return undefined
    return (await this.store.nextEventAt(types, this.#cursor)) ?? undefined
  }

  /** Events up to `now`: each one a parked customer waits for wakes that customer's actor, one customer at a time. */
  async takeEvents(now: number): Promise<void> {
    const types = this.#waitedTypes()
    for (;;) {
      const events = await this.store.eventsAfter(types, this.#cursor, now, 5_000)
      if (events.length === 0) return
      const last = events[events.length - 1]!
      this.#cursor = { at: last.at, key: last.key }
      for (const event of events) {
        const waiting = this.#due.get(event.customerKey)
        if (!waiting || waiting.wakeType !== event.type || event.at < waiting.arrivedAt || !matchesProperties(event.properties, waiting.wakeWhere)) continue
        this.#due.delete(event.customerKey)
        await this.#resume(event.customerKey, waiting.id, now, 'event')
      }
    }
  }

  /** Lets one customer in (the engine's entry rules and holdout draw, for a candidate set of one) and runs it. */
  async enter(customer: { key: number; id: string }, now: number): Promise<void> {
    const admission = await admit(this.store, this.runtime, [{ customerKey: customer.key, customerId: customer.id, at: now }], now)
    const traveller = admission.travellers[0]
    if (!traveller) return
    const actor = createActor(this.#compiled.machine).start()
    await this.#advance({ actor, traveller }, now, admission.entries)
  }

  /** Restores and runs every customer due at `at`, in key order. */
  async wakeDue(at: number): Promise<void> {
    const keys = [...this.#due].filter(([, due]) => due.at === at).sort(([a], [b]) => a - b)
    for (const [key, { id }] of keys) {
      this.#due.delete(key)
      await this.#resume(key, id, at, 'due')
    }
  }

  /** Restores one customer's actor from its position row (the persisted state) and runs it at `now`. */
  async #resume(key: number, id: string, now: number, why: 'due' | 'event'): Promise<void> {
    const [stored] = await this.store.getPositions(this.runtime.run.id, [key])
    if (!stored || stored.state !== 'active') return
    // Woken by an event: the engine marks the position woken, due at the event's time.
    const position: PositionRow = why === 'event' ? { ...stored, phase: 'woken', wakeType: null, wakeWhere: null } : stored
    const machine = this.#compiled.machine
    const actor = createActor(machine, { snapshot: machine.resolveState({ value: position.nodeId, context: undefined }) }).start()
    await this.#advance({ actor, traveller: { member: memberOfPosition({ ...position, customerId: id }), position } }, now)
  }

  /**
   * Steps the actor node by node until the customer parks, waits, ends or fails; then writes and
   * delivers. What each node's result means is the engine's own planner, for a cohort of one;
   * the actor, not the compiled flow, says where an output leads.
   */
  async #advance(journey: Journey, now: number, entries: { customerKey: number; at: number }[] = []): Promise<void> {
    const { run } = this.runtime
    const compiled = this.#compiled
    const batch = this.runtime.nextBatch()
    const plan = emptyWritePlan()
    let traveller: Traveller | undefined = journey.traveller
    while (traveller) {
      const nodeId = journey.actor.getSnapshot().value as string
      const node = compiled.nodes.get(nodeId)
      if (!node) throw new Error(`naive engine: the actor is at "${nodeId}", which is not a node of the flow`)
      const at = { runId: run.id, flowId: compiled.flow.id, batch, nodeId, now }
      const started = performance.now()
      const sharedBefore = this.sharedMs
      const outcome = await runNode({ runtime: this.runtime, node, members: [traveller.member], now, data: this.#dataAt(now), ids: this.#ids })
      this.#time(nodeId, started, this.sharedMs - sharedBefore)
      const step: StepPlan = outcome.ok
        ? planNodeResult(at, { travellers: [traveller], result: outcome.result, exits: outcome.exits, logs: outcome.logs, next: (output) => this.#step(journey.actor, output) })
        : planNodeFailure(at, { travellers: [traveller], message: outcome.message, logs: outcome.logs, retry: this.runtime.options })
      addWrites(plan, step)
      traveller = step.onward.values().next().value?.[0]
    }
    journey.actor.stop()
    const final = plan.positions[0]
    if (plan.positions.length !== 1 || !final) throw new Error(`naive engine: a customer's steps planned ${plan.positions.length} position rows, not one`)

    const writing = performance.now()
    await writePlan(this.store, plan, async (tx) => {
      if (entries.length > 0) await tx.recordEntries(compiled.flow.id, entries)
    })
    this.#time('(writes)', writing)
    if (final.state === 'active' && final.dueAt !== null) {
      this.#due.set(final.customerKey, {
        at: final.dueAt, id: journey.traveller.member.id, wakeType: final.wakeType, arrivedAt: final.arrivedAt,
        wakeWhere: final.wakeWhere === null ? undefined : (JSON.parse(final.wakeWhere) as PropertyMatch),
      })
    }
    if (plan.outbox.length > 0) {
      const delivering = performance.now()
      await dispatchOutbox(this.store, this.channels, now, () => this.runtime.options)
      this.#time('(delivery)', delivering)
    }
  }

  /** Moves the customer's actor on `output`: where it lands is where the output leads. */
  #step(actor: AnyActorRef, output: string): NextStep {
    actor.send({ type: output })
    const snapshot = actor.getSnapshot()
    return snapshot.status === 'done' || snapshot.value === END_STATE ? { kind: 'end' } : { kind: 'node', nodeId: snapshot.value as string }
  }

  /** The data port of the instant `now`, with a fresh memo whenever the simulated clock has moved. */
  #dataAt(now: number): NodeDataPort {
    if (this.#instant?.at !== now) this.#instant = { at: now, data: this.#timedApart(createNodeDataMemo()) }
    return this.#instant.data
  }

  /** The data port over `memo`, where a call that fills the memo counts as a one-off (the customer's own share of that call is small). */
  #timedApart(memo: NodeDataMemo): NodeDataPort {
    const data = nodeDataFromStore(this.store.customers, this.store, memo)
    const filled = () => memo.rfmPopulations.size + memo.channelFacts.size
    const timed = async <T>(call: () => Promise<T>): Promise<T> => {
      const before = filled()
      const started = performance.now()
      try {
        return await call()
      } finally {
        if (filled() > before) this.sharedMs += performance.now() - started
      }
    }
    return { ...data, rfm: (members, query) => timed(() => data.rfm(members, query)), channelFacts: (members, query) => timed(() => data.channelFacts(members, query)) }
  }

  #time(part: string, started: number, excludedMs = 0): void {
    this.timings.set(part, (this.timings.get(part) ?? 0) + performance.now() - started - excludedMs)
  }
}
