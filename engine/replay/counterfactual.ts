/**
 * Counterfactual replay (issue 15, part 5): what another version of a flow would have done to
 * the customers of a run. `sluice replay RUN --flow OTHER.flow.json | --version N` and
 * `POST /api/runs/{id}/replay` with `{ flow }` or `{ version }` call this.
 *
 * The other version runs on an isolated copy of the store (`IsolatedCopies`: a SQLite snapshot
 * file or a rolled-back Postgres transaction, store/snapshot/isolated-copy.ts) that has
 * forgotten what the run itself did to shared state (its contact history, its entries, its
 * active positions), alone (live runs set aside), under a simulated clock from the run's start
 * to its last decision, through channels that send nothing, with the run's seed (so ids and
 * random draws, and the holdout, which is drawn by flow id × customer id, are the run's). Events
 * in the store in that window arrive at their time, as they did for the run.
 *
 * Where a node of the other version asks ctx.data a question the run's node of the same id
 * asked (the same method, cohort and query), it gets the answer recorded with the run
 * (run_inputs, engine/replay/batch-inputs.ts): "answered from the recording". A profile read
 * (`customers`) of customers the node read in the run, in another cohort, is answered from the
 * recorded profiles too. Any other question is "read from the copy as of now": event-, segment-
 * and score-reads are evaluated as of the simulated time, so only attributes, tags, consents and
 * addresses changed since the run can differ. The report counts both.
 *
 * Then the two are compared: per node customers in and out by output, sends and holdout
 * holds per channel, and each customer whose path (the nodes passed and outputs taken, in
 * order) or sends changed, with both paths.
 */
import { allChannelsThrough } from '../channels/channel-port.ts'
import { createLogChannel } from '../channels/log-channel.ts'
import { SimulatedClock } from '../clock/simulated-clock.ts'
import { formatAsOf } from '../clock/utc-day.ts'
import { compileFlow } from '../compiler/compile-flow.ts'
import { Engine } from '../executor/engine.ts'
import { InstantLoopGuard } from '../executor/instant-loop-guard.ts'
import { flowDefinitionText } from '../executor/run-control.ts'
import { readRunOptions } from '../executor/run-options.ts'
import type { RunRuntime } from '../executor/run-runtime.ts'
import { summarizeRun, type NodeSummary, type RunSummary } from '../executor/run-summary.ts'
import { NotFoundError, UserError } from '../errors.ts'
import { flowSchema, type Flow } from '../flow/schema.ts'
import { unpackKeys } from '../journal/packed-keys.ts'
import type { EngineStore, RunRow } from '../ports/engine-store.ts'
import type { NodeDataPort } from '../ports/node-data.ts'
import type { Channel } from '../ports/store.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { Scheduler } from '../scheduler/scheduler.ts'
import type { NodeSecrets } from '../sdk/types.ts'
import { setLiveRunsAside } from '../simulation/simulate-flow.ts'
import { METHODS } from './recorded-inputs.ts'

const PAGE = 5_000

/** What the copy must forget of the replayed run before the other version runs. */
export interface ForgetRun {
  runId: string
  flowId: string
  /** The run's start: entry history of the flow from then on is the run's (or later runs'). */
  since: number
}

/** Isolated copies of the store: `work` runs on one, and the store keeps nothing of it. */
export interface IsolatedCopies {
  /** `snapshot`: a copied database file; `transaction`: a transaction that is rolled back. */
  kind: 'snapshot' | 'transaction'
  withCopy<T>(forget: ForgetRun, work: (copy: EngineStore) => Promise<T>): Promise<T>
}

/**
 * Recorded answers of the run's ctx.data reads, when the run recorded them. Given the node a
 * read comes from and the live (copy) port, a port that serves what it can from the recording.
 */
export type RecordedAnswers = (nodeId: string, live: NodeDataPort) => NodeDataPort

/** Which flow the run is replayed through. */
export type OtherVersion = { flow: Flow } | { version: number }

export interface CounterfactualOptions {
  runId: string
  other: OtherVersion
  registry: NodeRegistry
  copies: IsolatedCopies
  contactPolicy?: ContactPolicy
  secrets?: NodeSecrets
  publicUrl?: string
  /** Measured wall time (ms) for the report's timings; injected so engine code reads no clock of its own. */
  elapsed?: () => number
}

/** One step of a customer's path: a node passed and the output taken, or `error`. */
export interface PathStep {
  nodeId: string
  output: string
}

/** A customer whose path or sends differ between the run and the counterfactual. */
export interface ChangedCustomer {
  customerId: string
  customerKey: number
  original: PathStep[]
  counterfactual: PathStep[]
  /** Channels of the send intents made for the customer (holdout holds excluded). */
  originalSends: Channel[]
  counterfactualSends: Channel[]
  /** Channels of the sends held back because the customer is in the holdout. */
  originalHeld: Channel[]
  counterfactualHeld: Channel[]
}

/** A node's counts in both, and the difference (counterfactual − original). */
export interface NodeComparison {
  nodeId: string
  /** `both`, or the version that has the node. */
  in: 'both' | 'original' | 'counterfactual'
  original: NodeSummary | null
  counterfactual: NodeSummary | null
  delta: { entered: number; outputs: Record<string, number> }
}

export interface ChannelComparison {
  channel: Channel
  original: number
  counterfactual: number
  delta: number
}

/** How the counterfactual's ctx.data reads were answered. */
export interface InputsAnswered {
  /** Reads answered with what the run's node saw. */
  fromRecording: number
  /** Reads evaluated on the copy as of now (at the simulated time for time-bound reads). */
  fromCopy: number
  /** The same per node of the other version that read anything. */
  byNode: Record<string, { fromRecording: number; fromCopy: number }>
  /** Whether the run had recorded inputs at all. */
  recorded: boolean
}

export interface CounterfactualReport {
  run: { id: string; flowId: string; version: number; state: RunRow['state'] }
  other: { flowId: string; version: number; source: 'file' | 'version'; runId: string }
  /** The simulated window [from, until): the run's start to its last decision. */
  from: string
  until: string
  copy: IsolatedCopies['kind']
  inputs: InputsAnswered
  nodes: NodeComparison[]
  sends: ChannelComparison[]
  held: ChannelComparison[]
  customers: {
    original: number
    counterfactual: number
    /** Customers whose path or sends changed. */
    changed: number
    /** Sent in the run, not in the counterfactual. */
    noLongerSent: number
    /** Sent in the counterfactual, not in the run. */
    newlySent: number
  }
  /** Every changed customer, in customer-key order (callers show examples and export the rest). */
  changed: ChangedCustomer[]
  /** Wall times (ms), when `elapsed` was given. */
  timings?: { copyAndReplay: number; compare: number; total: number }
}

/** What one run did, read back from its journal and outbox. */
export interface RunTrace {
  summary: RunSummary
  /** Customer key → the path, in journal order. */
  paths: Map<number, PathStep[]>
  /** Customer key → channels of its send intents, in outbox order. */
  sends: Map<number, Channel[]>
  /** Customer key → channels of its sends held back for the holdout, in journal order. */
  held: Map<number, Channel[]>
}

/** Replays run `options.runId` through another version on a copy and compares the two. */
export async function counterfactualReplay(store: EngineStore, options: CounterfactualOptions, recorded?: RecordedAnswers): Promise<CounterfactualReport> {
  const clock = options.elapsed ?? (() => 0)
  const began = clock()
  const run = await store.getRun(options.runId)
  if (!run) throw new NotFoundError('run', options.runId)
  const original = await traceRun(store, run, options.registry)
  const lastAt = await lastDecisionAt(store, run.id)
  if (lastAt === null) throw new UserError('replay.empty-run', `run "${run.id}" has journalled no decision yet: there is nothing to replay`)
  const other = await otherFlow(store, run, options.other)
  const from = run.createdAt
  const until = lastAt + 1
  let fromRecording = 0
  let fromCopy = 0
  const byNode: InputsAnswered['byNode'] = {}
  const counting = (nodeId: string, live: NodeDataPort): NodeDataPort => {
    const node = () => (byNode[nodeId] ??= { fromRecording: 0, fromCopy: 0 })
    const copyPort = countingPort(live, () => {
      fromCopy++
      node().fromCopy++
    })
    if (!recorded) return copyPort
    return countingPort(recorded(nodeId, copyPort), () => {
      fromRecording++
      node().fromRecording++
    }, () => fromCopy)
  }
  const { counterfactual, version, otherRunId } = await options.copies.withCopy({ runId: run.id, flowId: run.flowId, since: from }, async (copy) => {
    await setLiveRunsAside(copy, from)
    const simulated = new SimulatedClock(from)
    const engine = new Engine({
      store: copy, registry: options.registry, clock: simulated, channels: allChannelsThrough(createLogChannel()),
      nodeData: counting,
      // The copy is thrown away: recording its batches' inputs would only cost time.
      recordInputs: false,
      ...(options.contactPolicy ? { contactPolicy: options.contactPolicy } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}), ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
    })
    const number = await versionFor(copy, other)
    const { options: runOptions } = readRunOptions(run.options)
    const published = await engine.publish({ ...other, version: number }, { seed: run.seed, options: runOptions })
    await new Scheduler(engine, simulated).runUntil(until)
    const otherRun = (await copy.getRun(published.id)) as RunRow
    return { counterfactual: await traceRun(copy, otherRun, options.registry), version: number, otherRunId: published.id }
  })
  const replayed = clock()
  const report = compareRuns(original, counterfactual)
  const changed = await withCustomerIds(store, report.changed)
  const done = clock()
  return {
    run: { id: run.id, flowId: run.flowId, version: run.flowVersion, state: run.state },
    other: { flowId: other.id, version, source: 'flow' in options.other ? 'file' : 'version', runId: otherRunId },
    from: formatAsOf(from),
    until: formatAsOf(until),
    copy: options.copies.kind,
    inputs: { fromRecording, fromCopy, recorded: recorded !== undefined, byNode },
    nodes: report.nodes,
    sends: report.sends,
    held: report.held,
    customers: report.customers,
    changed,
    ...(options.elapsed ? { timings: { copyAndReplay: replayed - began, compare: done - replayed, total: done - began } } : {}),
  }
}

/** The flow the run is replayed through: the file given (its id must be the run's), or a published version of the run's flow. */
async function otherFlow(store: EngineStore, run: RunRow, other: OtherVersion): Promise<Flow> {
  if ('flow' in other) {
    if (other.flow.id !== run.flowId) {
      throw new UserError('replay.other-flow', `the flow given is "${other.flow.id}" but run "${run.id}" is of flow "${run.flowId}": a counterfactual replays a run through another version of its own flow`)
    }
    return other.flow
  }
  const stored = await store.getFlowVersion(run.flowId, other.version)
  if (!stored) {
    const versions = (await store.listFlowVersions(run.flowId)).map((v) => v.version).sort((a, b) => a - b)
    throw new UserError('replay.version', `flow "${run.flowId}" has no published version ${other.version} (published: ${versions.join(', ') || 'none'})`)
  }
  return flowSchema.parse(JSON.parse(stored.definition))
}

/** The version number the other flow runs under in the copy: a published one with the same logic, else one past the latest. */
async function versionFor(copy: EngineStore, flow: Flow): Promise<number> {
  const versions = await copy.listFlowVersions(flow.id)
  for (const v of versions) if (v.definition === flowDefinitionText({ ...flow, version: v.version })) return v.version
  const latest = Math.max(0, ...versions.map((v) => v.version))
  return versions.some((v) => v.version === flow.version) ? latest + 1 : flow.version
}

/** The time of the run's last journalled decision, or null. */
async function lastDecisionAt(store: EngineStore, runId: string): Promise<number | null> {
  let last: number | null = null
  for (let afterId = 0; ;) {
    const rows = await store.readJournal(runId, { afterId, limit: PAGE })
    for (const row of rows) if (last === null || row.at > last) last = row.at
    if (rows.length < PAGE) return last
    afterId = (rows.at(-1) as { id: number }).id
  }
}

/** A run's summary (without writing to the store), its customers' paths, their sends and holdout holds. */
export async function traceRun(store: EngineStore, run: RunRow, registry: NodeRegistry): Promise<RunTrace> {
  const summary = await summarizeRun(store, run.id, (r) => runtimeOf(store, registry, r))
  const paths = new Map<number, PathStep[]>()
  const held = new Map<number, Channel[]>()
  for (let afterId = 0; ;) {
    const rows = await store.readJournal(run.id, { afterId, limit: PAGE, kinds: ['route', 'error', 'held'] })
    for (const row of rows) {
      if (row.kind === 'held') {
        for (const key of keysOf(row)) append(held, key, row.output as Channel)
        continue
      }
      if (row.kind === 'error' && row.output !== 'failed') continue
      const output = row.kind === 'error' ? 'error' : (row.output ?? '')
      for (const key of keysOf(row)) append(paths, key, { nodeId: row.nodeId, output })
    }
    if (rows.length < PAGE) break
    afterId = (rows.at(-1) as { id: number }).id
  }
  const sends = new Map<number, Channel[]>()
  for (let afterId = 0; ;) {
    const rows = await store.listOutbox({ runId: run.id, afterId, limit: PAGE })
    for (const row of rows) append(sends, row.customerKey, row.channel)
    if (rows.length < PAGE) break
    afterId = (rows.at(-1) as { id: number }).id
  }
  return { summary, paths, sends, held }
}

/** The customers of a journal row: its packed keys, or the one it names. */
function keysOf(row: { keys: string | null; customerKey: number | null }): number[] {
  return row.keys !== null ? unpackKeys(row.keys) : row.customerKey !== null ? [row.customerKey] : []
}

function append<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** The run's pinned version compiled, as summarizeRun needs it; reads only (loadRunRuntime may store gates). */
async function runtimeOf(store: EngineStore, registry: NodeRegistry, run: RunRow): Promise<RunRuntime> {
  const version = await store.getFlowVersion(run.flowId, run.flowVersion)
  if (!version) throw new UserError('run.flow-version', `run "${run.id}" pins version ${run.flowVersion} of flow "${run.flowId}", which is not published`)
  const compiled = compileFlow(flowSchema.parse(JSON.parse(version.definition)), registry)
  return { run, compiled, options: readRunOptions(run.options).options, loopGuard: new InstantLoopGuard([...compiled.nodes.keys()], compiled.flow.edges), nextBatch: () => 0 }
}

/** The comparison of two traces; changed customers carry no id yet (customerId ''). */
export function compareRuns(original: RunTrace, counterfactual: RunTrace): Pick<CounterfactualReport, 'nodes' | 'sends' | 'held' | 'customers' | 'changed'> {
  const a = original.summary.nodes
  const b = counterfactual.summary.nodes
  const ids = [...Object.keys(a), ...Object.keys(b).filter((id) => !(id in a))]
  const nodes: NodeComparison[] = ids.map((nodeId) => {
    const before = a[nodeId] ?? null
    const after = b[nodeId] ?? null
    const outputs: Record<string, number> = {}
    for (const output of new Set([...Object.keys(before?.outputs ?? {}), ...Object.keys(after?.outputs ?? {})])) {
      outputs[output] = (after?.outputs[output] ?? 0) - (before?.outputs[output] ?? 0)
    }
    return { nodeId, in: before && after ? 'both' : before ? 'original' : 'counterfactual', original: before, counterfactual: after, delta: { entered: (after?.entered ?? 0) - (before?.entered ?? 0), outputs } }
  })
  const changed: ChangedCustomer[] = []
  let noLongerSent = 0
  let newlySent = 0
  const keys = [...new Set([...original.paths.keys(), ...counterfactual.paths.keys()])].sort((x, y) => x - y)
  for (const key of keys) {
    const before = original.paths.get(key) ?? []
    const after = counterfactual.paths.get(key) ?? []
    const sentBefore = original.sends.get(key) ?? []
    const sentAfter = counterfactual.sends.get(key) ?? []
    if (sentBefore.length > 0 && sentAfter.length === 0) noLongerSent++
    if (sentBefore.length === 0 && sentAfter.length > 0) newlySent++
    const heldBefore = original.held.get(key) ?? []
    const heldAfter = counterfactual.held.get(key) ?? []
    if (samePath(before, after) && sentBefore.join() === sentAfter.join() && heldBefore.join() === heldAfter.join()) continue
    changed.push({ customerId: '', customerKey: key, original: before, counterfactual: after, originalSends: sentBefore, counterfactualSends: sentAfter, originalHeld: heldBefore, counterfactualHeld: heldAfter })
  }
  return {
    nodes,
    sends: compareChannels(original.summary.sends, counterfactual.summary.sends),
    held: compareChannels(original.summary.held, counterfactual.summary.held),
    customers: { original: original.paths.size, counterfactual: counterfactual.paths.size, changed: changed.length, noLongerSent, newlySent },
    changed,
  }
}

function samePath(a: readonly PathStep[], b: readonly PathStep[]): boolean {
  return a.length === b.length && a.every((step, i) => step.nodeId === b[i]?.nodeId && step.output === b[i]?.output)
}

function compareChannels(a: Partial<Record<Channel, number>>, b: Partial<Record<Channel, number>>): ChannelComparison[] {
  const channels = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort() as Channel[]
  return channels.map((channel) => ({ channel, original: a[channel] ?? 0, counterfactual: b[channel] ?? 0, delta: (b[channel] ?? 0) - (a[channel] ?? 0) }))
}

/** The changed customers with their ids (read from the store, in pages). */
async function withCustomerIds(store: EngineStore, changed: ChangedCustomer[]): Promise<ChangedCustomer[]> {
  const ids = new Map<number, string>()
  for (let i = 0; i < changed.length; i += PAGE) {
    for (const ref of await store.customersByKeys(changed.slice(i, i + PAGE).map((c) => c.customerKey))) ids.set(ref.key, ref.id)
  }
  // A customer erased since the run has no id any more: the key is all that is left.
  return changed.map((c) => ({ ...c, customerId: ids.get(c.customerKey) ?? `(key ${c.customerKey})` }))
}

/** `inner` with `count` called once per read it answers; `unless` (a counter) skips reads the inner port passed on. */
function countingPort(inner: NodeDataPort, count: () => void, passedOn?: () => number): NodeDataPort {
  const port = {} as Record<keyof NodeDataPort, unknown>
  for (const method of METHODS) {
    const call = inner[method] as (...args: unknown[]) => Promise<unknown>
    port[method] = async (...args: unknown[]) => {
      const before = passedOn?.()
      const answer = await call.apply(inner, args)
      if (passedOn === undefined || passedOn() === before) count()
      return answer
    }
  }
  return port as unknown as NodeDataPort
}

export { pathText } from './counterfactual-text.ts'
