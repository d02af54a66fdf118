/**
 * The engine: one object that publishes and controls runs and executes ticks. A tick, at the
 * clock's `now`:
 *
 * 1. audiences whose time came enter (schedule fires, audience triggers);
 * 2. events up to `now` let customers enter event triggers and wake parked customers;
 * 3. every position due by `now` is moved, in batches, node to node (move-batch.ts);
 * 4. the outbox delivers what is due (`dispatch: 'inline'`; with `separate` an OutboxLoop
 *    delivers beside the ticks, engine/outbox/outbox-loop.ts);
 * 5. runs that take no more entries and hold nobody complete; drained predecessors let their
 *    successors start.
 *
 * `nextWakeAt()` says when the next tick has work: the earliest due position, schedule fire,
 * audience time, event the runs listen to, or outbox retry. The scheduler sleeps until then;
 * nothing polls per customer.
 */
import type { ChannelRouter } from '../channels/channel-port.ts'
import type { Clock } from '../clock/clock.ts'
import { StoreUnavailableError } from '../errors.ts'
import type { Flow } from '../flow/schema.ts'
import { BatchJournal } from '../journal/batch-journal.ts'
import { dispatchOutbox, type DispatchOutcome } from '../outbox/dispatch-outbox.ts'
import type { EngineStore, EventCursor, RunRow } from '../ports/engine-store.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import { createNodeDataMemo, nodeDataFromStore } from '../sdk/store-node-data.ts'
import type { NodeSecrets } from '../sdk/types.ts'
import { enterAudiences, nextAudienceAt } from './audience-entry.ts'
import { runDueWork } from './due-work.ts'
import { listenedTypes, takeInEvents } from './event-intake.ts'
import type { ExecutorEnv, ExecutorHooks } from './move-batch.ts'
import { advanceRun, cancelRun, pauseRun, publishFlow, resumeRun, type PublishOptions, type RunControlEnv } from './run-control.ts'
import { parseRunOptions } from './run-options.ts'
import { loadRunRuntime, type RunRuntime } from './run-runtime.ts'
import { summarizeRun, type RunSummary } from './run-summary.ts'

export interface EngineOptions {
  store: EngineStore
  registry: NodeRegistry
  clock: Clock
  /** Channel adapters by channel; the CLI and demo route everything through `log`. */
  channels: ChannelRouter
  hooks?: ExecutorHooks
  /** The global contact policy (sluice.config.ts `contactPolicy`), handed to nodes as ctx.contactPolicy. */
  contactPolicy?: ContactPolicy
  /** The project's secrets (sluice.config.ts `secrets`, resolved at startup), handed to nodes as ctx.secrets. */
  secrets?: NodeSecrets
  /** The server's public URL, handed to nodes as ctx.publicUrl (links in messages). */
  publicUrl?: string
  /**
   * `inline` (default): each tick delivers the outbox after moving customers (back-tests on the
   * simulated clock, tests). `separate`: ticks only queue intents and an OutboxLoop calls
   * dispatchOutbox() beside the scheduler, so slow delivery never holds up a tick (the live server).
   */
  dispatch?: 'inline' | 'separate'
  /** Record each batch's inputs for replay (default true; decisions §33: its cost in throughput and bytes). */
  recordInputs?: boolean
  /** A node's ctx.data port in place of the live one (a counterfactual replay's recorded answers; see ExecutorEnv.nodeData). */
  nodeData?: ExecutorEnv['nodeData']
}

/** What one tick did; `progress` is false when it found nothing to do. */
export interface TickReport {
  now: number
  fires: number
  entered: number
  woken: number
  batches: number
  customers: number
  nodeRuns: number
  sends: number
  delivered: number
  retried: number
  dead: number
  started: string[]
  completed: string[]
  /** Runs paused because letting customers in failed (the error is in their journal). */
  paused: string[]
  progress: boolean
}

const DEFAULT_OPTIONS = parseRunOptions({})

/** The engine over one store. */
export class Engine {
  readonly #store: EngineStore
  readonly #registry: NodeRegistry
  readonly #clock: Clock
  readonly #channels: ChannelRouter
  #env: ExecutorEnv
  readonly #runtimes = new Map<string, RunRuntime>()
  readonly #dispatch: 'inline' | 'separate'
  /** The dispatch in progress: dispatches run one at a time, so no intent is delivered twice at once. */
  #dispatching: Promise<DispatchOutcome> | null = null

  constructor(options: EngineOptions) {
    this.#store = options.store
    this.#registry = options.registry
    this.#clock = options.clock
    this.#channels = options.channels
    this.#dispatch = options.dispatch ?? 'inline'
    this.#env = {
      store: options.store, data: nodeDataFromStore(options.store.customers, options.store),
      ...(options.hooks ? { hooks: options.hooks } : {}),
      ...(options.recordInputs === false ? { recordInputs: false } : {}),
      ...(options.nodeData ? { nodeData: options.nodeData } : {}),
      ...(options.contactPolicy ? { contactPolicy: options.contactPolicy } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    }
  }

  /**
   * Replaces the global contact policy (a change through the API): nodes see it as
   * ctx.contactPolicy from the next tick on; `undefined` removes it.
   */
  setContactPolicy(policy: ContactPolicy | undefined): void {
    const { contactPolicy: _previous, ...rest } = this.#env
    this.#env = { ...rest, ...(policy ? { contactPolicy: policy } : {}) }
  }

  /** The contact policy nodes see now. */
  contactPolicy(): ContactPolicy | undefined {
    return this.#env.contactPolicy
  }

  /**
   * The project settings nodes see now: contact policy, secrets and public URL. A back-test of
   * the live server's flows (the editor's simulate mode) runs with the same.
   */
  nodeSettings(): { contactPolicy?: ContactPolicy; secrets?: NodeSecrets; publicUrl?: string } {
    const { contactPolicy, secrets, publicUrl } = this.#env
    return { ...(contactPolicy ? { contactPolicy } : {}), ...(secrets ? { secrets } : {}), ...(publicUrl === undefined ? {} : { publicUrl }) }
  }

  /** Publishes a flow version and starts its run (see run-control.ts for republish policies). */
  publish(flow: Flow, options: PublishOptions = {}): Promise<RunRow> {
    return publishFlow(this.#control(), flow, options)
  }

  /** Pauses a run. */
  pause(runId: string): Promise<RunRow> {
    return pauseRun(this.#control(), runId)
  }

  /** Resumes a paused run. */
  resume(runId: string): Promise<RunRow> {
    return resumeRun(this.#control(), runId)
  }

  /** Cancels a run. */
  cancel(runId: string): Promise<RunRow> {
    return cancelRun(this.#control(), runId)
  }

  /** Counts per node and output, sends per channel, positions per state. */
  summary(runId: string): Promise<RunSummary> {
    return summarizeRun(this.#store, runId, (run) => this.#runtime(run))
  }

  /** Does everything due at the clock's current time. */
  async tick(): Promise<TickReport> {
    const now = this.#clock.now()
    const report: TickReport = {
      now, fires: 0, entered: 0, woken: 0, batches: 0, customers: 0, nodeRuns: 0, sends: 0, delivered: 0, retried: 0, dead: 0,
      started: [], completed: [], paused: [], progress: false,
    }
    const runtimes = await this.#running()
    // A fresh data memo per tick: batches of one tick share what depends only on the question (RFM rankings).
    const env: ExecutorEnv = { ...this.#env, data: nodeDataFromStore(this.#store.customers, this.#store, createNodeDataMemo()) }
    for (const [runId, runtime] of runtimes) {
      try {
        const audience = await enterAudiences(env, runtime, now)
        const events = await takeInEvents(env, runtime, now)
        report.fires += audience.fires
        report.entered += audience.entered + events.entered
        report.woken += events.woken
        if (audience.fires > 0 || events.events > 0) report.progress = true
      } catch (error) {
        // A store that cannot be reached stops the engine; anything else stops only this run.
        if (error instanceof StoreUnavailableError) throw error
        await this.#failRun(runtime, error, now)
        runtimes.delete(runId)
        report.paused.push(runId)
        report.progress = true
      }
    }
    const due = await runDueWork(env, runtimes, now)
    report.batches = due.batches
    report.customers = due.customers
    report.nodeRuns = due.nodeRuns
    report.sends = due.sends
    const dispatched = this.#dispatch === 'inline' ? await this.#dispatchSerially(now) : { sent: 0, retried: 0, dead: 0 }
    report.delivered = dispatched.sent
    report.retried = dispatched.retried
    report.dead = dispatched.dead
    await this.#settleRuns(runtimes, now, report)
    report.progress ||= due.batches > 0 || dispatched.sent + dispatched.retried + dispatched.dead > 0 || report.started.length + report.completed.length > 0
    return report
  }

  /**
   * Delivers every outbox intent due at the clock's time; what an OutboxLoop calls with
   * `dispatch: 'separate'`. A call made while another dispatch runs waits for it and then
   * dispatches again, so intents queued meanwhile are not left for the next due time.
   */
  dispatchOutbox(): Promise<DispatchOutcome> {
    return this.#dispatchSerially()
  }

  /** When the next outbox intent is due (epoch ms), or null. */
  nextOutboxAt(): Promise<number | null> {
    return this.#store.nextOutboxAt()
  }

  /** Dispatches at `now` (default: the clock's time once the previous dispatch is over), one dispatch at a time. */
  async #dispatchSerially(at?: number): Promise<DispatchOutcome> {
    while (this.#dispatching) await this.#dispatching.catch(() => undefined)
    const now = at ?? this.#clock.now()
    const dispatch = dispatchOutbox(this.#store, this.#channels, now, (runId) => this.#runtimes.get(runId)?.options ?? DEFAULT_OPTIONS)
    this.#dispatching = dispatch
    try {
      return await dispatch
    } finally {
      this.#dispatching = null
    }
  }

  /** When the next tick has work (epoch ms), or null when nothing is scheduled at all. */
  async nextWakeAt(): Promise<number | null> {
    const runtimes = await this.#running()
    // With a separate dispatch loop the outbox's due times are its business, not the tick's.
    const times: (number | null)[] = [await this.#store.nextDueAt([...runtimes.keys()]), this.#dispatch === 'inline' ? await this.#store.nextOutboxAt() : null]
    const wakeScans: { runId: string; types: string[]; cursor: EventCursor | null }[] = []
    for (const runtime of runtimes.values()) {
      times.push(await nextAudienceAt(this.#store, runtime))
      const { entryType, types } = await listenedTypes(this.#store, runtime)
      const state = await this.#store.getTriggerState(runtime.run.id)
      if (entryType) times.push(await this.#store.nextEventAt([entryType], state.eventCursor))
      // Types only parked customers wait for: just the events of those customers call for a tick
      // (a back-test otherwise ticks at every purchase of the store while a few carts wait).
      const wakeOnly = types.filter((type) => type !== entryType)
      if (wakeOnly.length > 0) wakeScans.push({ runId: runtime.run.id, types: wakeOnly, cursor: state.eventCursor })
    }
    if ((await this.#startable()).length > 0) times.push(this.#clock.now())
    const known = times.filter((t): t is number => t !== null)
    let next = known.length === 0 ? null : Math.min(...known)
    // Only events before the next tick we already know of matter: that tick takes in the rest.
    for (const scan of wakeScans) next = (await this.#store.nextWakeEventAt(scan.runId, scan.types, scan.cursor, next)) ?? next
    return next
  }

  /** Completes runs that take no entries and hold nobody; ends audience entry once the audience is in; starts drained successors. */
  async #settleRuns(runtimes: ReadonlyMap<string, RunRuntime>, now: number, report: TickReport): Promise<void> {
    for (const runtime of runtimes.values()) {
      let { run } = runtime
      if (run.accepting && runtime.compiled.entry.type === 'audience' && (await this.#store.getTriggerState(run.id)).audienceDone) {
        await this.#store.updateRun(run.id, { accepting: false, updatedAt: now })
        run = { ...run, accepting: false }
      }
      if (run.accepting) continue
      // A run is over when nobody is in it and its last send was delivered or dead-lettered.
      // Every active position has a due time, so one probe of positions_next answers "anyone
      // left?" where counting the run's positions per node scanned all of them at every tick.
      const active = (await this.#store.nextDueAt([run.id])) !== null
      const sending = await this.#store.hasPendingSends(run.id)
      if (active || sending) continue
      await advanceRun(this.#store, run, { type: 'complete' }, now)
      report.completed.push(run.id)
    }
    for (const run of await this.#startable()) {
      await advanceRun(this.#store, run, { type: 'start' }, now)
      report.started.push(run.id)
    }
  }

  /**
   * Letting customers into a run failed (a segment the store rejects, a schedule that no longer
   * parses): journal the error at the trigger and pause the run for an operator, so one broken
   * trigger neither stops the engine nor fails again at every tick.
   */
  async #failRun(runtime: RunRuntime, error: unknown, now: number): Promise<void> {
    const message = error instanceof Error ? error.message : String(error)
    const journal = new BatchJournal(runtime.run.id, runtime.nextBatch(), now)
    journal.note(runtime.compiled.triggerId, `entry failed, run paused: ${message}`, { level: 'error' })
    await this.#store.transaction(async (tx) => {
      await tx.appendJournal(journal.rows())
      await advanceRun(tx, runtime.run, { type: 'pause' }, now)
    })
  }

  /** Scheduled runs whose predecessor has finished (drain policy). */
  async #startable(): Promise<RunRow[]> {
    const scheduled = await this.#store.listRuns({ states: ['scheduled'] })
    const ready: RunRow[] = []
    for (const run of scheduled) {
      const previous = run.replaces ? await this.#store.getRun(run.replaces) : undefined
      if (!previous || previous.state === 'completed' || previous.state === 'cancelled') ready.push(run)
    }
    return ready
  }

  /** Runtimes of the running runs, with their rows refreshed. */
  async #running(): Promise<Map<string, RunRuntime>> {
    const runtimes = new Map<string, RunRuntime>()
    for (const run of await this.#store.listRuns({ states: ['running'] })) runtimes.set(run.id, await this.#runtime(run))
    return runtimes
  }

  async #runtime(run: RunRow): Promise<RunRuntime> {
    const cached = this.#runtimes.get(run.id)
    if (cached) {
      cached.run = run
      return cached
    }
    const runtime = await loadRunRuntime(this.#store, this.#registry, run)
    this.#runtimes.set(run.id, runtime)
    return runtime
  }

  #control(): RunControlEnv {
    return { store: this.#store, registry: this.#registry, now: () => this.#clock.now() }
  }
}
