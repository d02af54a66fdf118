/**
 * Run control: publish a flow (a new immutable version and a run of it), pause, resume, cancel,
 * and republish while customers are in flight under a policy chosen at publish:
 *
 * - `pin`: customers in flight finish on the old version; new entries go to the new one.
 * - `migrate`: customers in flight move now to the same node ids in the new version; a node that
 *   no longer exists needs an explicit mapping (old id → new id), or publishing fails listing
 *   every unmapped node that still holds customers.
 * - `drain`: the old version takes no new entries and finishes its customers; the new version
 *   starts taking entries only once the old run is empty, so no customer is ever in both.
 *
 * Whatever the policy, the new run continues the old run's event cursor and schedule, so no
 * event enters twice and no fire repeats. Every step of a publish is one transaction.
 */
import { compileFlow } from '../compiler/compile-flow.ts'
import { moveRun, newRunLifecycle, type RunEvent, type RunLifecycle } from '../compiler/run-machine.ts'
import { NotFoundError, UserError, ValidationError, type Issue } from '../errors.ts'
import { canonicalFlow } from '../flow/format.ts'
import type { Flow } from '../flow/schema.ts'
import type { EngineStore, RepublishPolicy, RunRow, TriggerStateRow } from '../ports/engine-store.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { policyGates } from '../registry/node-facts.ts'
import { parseRunOptions, runOptionsText, type RunOptionsInput } from './run-options.ts'

/** Options of a publish. */
export interface PublishOptions {
  /** How customers of the flow's current run are treated (default `pin`). */
  policy?: RepublishPolicy
  /** `migrate` only: where customers at removed nodes go (old node id → node id of the new version). */
  mapping?: Readonly<Record<string, string>>
  /** Engine settings of the run (batch size, retries). */
  options?: RunOptionsInput
  /** Seed of ctx.random and ctx.id; default the run id. */
  seed?: string
}

/** What run control needs. */
export interface RunControlEnv {
  store: EngineStore
  registry: NodeRegistry
  now(): number
}

const LIVE_STATES: RunRow['state'][] = ['scheduled', 'running', 'paused']

/**
 * The flow's logic as stored in flow_versions: canonical, without the view state (layout and
 * sticky notes), so moving a box or writing a note is never a new version.
 */
export function flowDefinitionText(flow: Flow): string {
  const { $schema: _schema, notes: _notes, ...rest } = canonicalFlow({ ...flow, layout: {} })
  return JSON.stringify(rest)
}

/** Publishes `flow` and returns its new run (or the run already executing this exact version). */
export async function publishFlow(env: RunControlEnv, flow: Flow, options: PublishOptions = {}): Promise<RunRow> {
  const compiled = compileFlow(flow, env.registry)
  const runOptions = parseRunOptions(options.options ?? {})
  const policy = options.policy ?? 'pin'
  const now = env.now()
  return env.store.transaction(async (tx) => {
    const saved = await tx.saveFlowVersion({ flowId: flow.id, version: flow.version, definition: flowDefinitionText(flow), publishedAt: now })
    if (saved === 'conflict') {
      throw new UserError('flow.version-conflict', `flow "${flow.id}" version ${flow.version} is already published with different content; bump "version" to publish a change`)
    }
    const live = await tx.listRuns({ flowId: flow.id, states: LIVE_STATES })
    const same = live.find((r) => r.flowVersion === flow.version)
    if (saved === 'exists' && same) return same
    const previous = live.filter((r) => r.accepting).at(-1)

    const id = await freshRunId(tx, flow, now)
    const waitForPrevious = policy === 'drain' && previous !== undefined
    const lifecycle = moveRun(id, newRunLifecycle(), { type: waitForPrevious ? 'schedule' : 'start' })
    const run: RunRow = {
      id, flowId: flow.id, flowVersion: flow.version, state: lifecycle.state, snapshot: JSON.stringify(lifecycle.snapshot),
      seed: options.seed ?? id, accepting: true, policy: previous ? policy : null, replaces: previous?.id ?? null,
      options: runOptionsText(runOptions, policyGates(compiled.flow, env.registry)), createdAt: now, updatedAt: now,
    }
    await tx.insertRun(run)
    const inherited = previous ? await tx.getTriggerState(previous.id) : undefined
    const state: TriggerStateRow = {
      runId: id,
      // A new flow takes events from its publish time on; a republished one continues the old cursor.
      eventCursor: inherited?.eventCursor ?? { at: now - 1, key: Number.MAX_SAFE_INTEGER },
      lastFireAt: inherited?.lastFireAt ?? null,
      audienceFireAt: null,
      audienceAfterKey: null,
      audienceDone: inherited?.audienceDone ?? false,
    }
    await tx.setTriggerState(state)
    if (!previous) return run

    await tx.updateRun(previous.id, { accepting: false, updatedAt: now })
    if (policy === 'migrate') {
      const mapping = await checkMapping(tx, previous, compiled.nodes, options.mapping ?? {})
      await tx.movePositions(previous.id, id, mapping, now)
      await transitionRun(tx, previous, previous.state === 'paused' ? [{ type: 'resume' }, { type: 'complete' }] : [{ type: 'complete' }], now)
    }
    return run
  })
}

/** Every node of the old run that still holds customers must exist in the new version or be mapped to a node that does. */
async function checkMapping(tx: EngineStore, previous: RunRow, nodes: ReadonlyMap<string, unknown>, mapping: Readonly<Record<string, string>>): Promise<Map<string, string>> {
  const occupied = [...new Set((await tx.countPositions(previous.id)).filter((c) => c.state === 'active').map((c) => c.nodeId))]
  const issues: Issue[] = []
  for (const [from, to] of Object.entries(mapping)) {
    if (!nodes.has(to)) issues.push({ code: 'publish.mapping-target', path: `mapping.${from}`, message: `maps to "${to}", which is not a node of the new version` })
  }
  for (const nodeId of occupied) {
    if (!nodes.has(nodeId) && mapping[nodeId] === undefined) {
      issues.push({ code: 'publish.mapping-missing', path: `mapping.${nodeId}`, message: `node "${nodeId}" holds customers but is not in the new version: map it to a node of the new version` })
    }
  }
  if (issues.length > 0) {
    throw new ValidationError(`cannot migrate run "${previous.id}":\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues)
  }
  return new Map(Object.entries(mapping))
}

async function freshRunId(tx: EngineStore, flow: Flow, now: number): Promise<string> {
  const base = `${flow.id}-v${flow.version}-${now.toString(36)}`
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`
    if (!(await tx.getRun(id))) return id
  }
}

async function transitionRun(tx: EngineStore, run: RunRow, events: readonly RunEvent[], now: number): Promise<RunRow> {
  let lifecycle: RunLifecycle = { state: run.state, snapshot: JSON.parse(run.snapshot) as unknown }
  for (const event of events) lifecycle = moveRun(run.id, lifecycle, event)
  const patch = { state: lifecycle.state, snapshot: JSON.stringify(lifecycle.snapshot), updatedAt: now }
  await tx.updateRun(run.id, patch)
  return { ...run, ...patch }
}

async function requireRun(store: EngineStore, runId: string): Promise<RunRow> {
  const run = await store.getRun(runId)
  if (!run) throw new NotFoundError('run', runId)
  return run
}

/** Pauses a run: it takes no entries and moves no customers until resumed. */
export async function pauseRun(env: RunControlEnv, runId: string): Promise<RunRow> {
  return env.store.transaction(async (tx) => transitionRun(tx, await requireRun(tx, runId), [{ type: 'pause' }], env.now()))
}

/** Resumes a paused run; what became due meanwhile is picked up at the next tick. */
export async function resumeRun(env: RunControlEnv, runId: string): Promise<RunRow> {
  return env.store.transaction(async (tx) => transitionRun(tx, await requireRun(tx, runId), [{ type: 'resume' }], env.now()))
}

/** Cancels a run: its customers leave (state `cancelled`) and its undelivered sends are dead-lettered. */
export async function cancelRun(env: RunControlEnv, runId: string): Promise<RunRow> {
  const now = env.now()
  return env.store.transaction(async (tx) => {
    const run = await transitionRun(tx, await requireRun(tx, runId), [{ type: 'cancel' }], now)
    await tx.updateRun(runId, { accepting: false, updatedAt: now })
    await tx.cancelPositions(runId, now)
    const pending = (await tx.listOutbox({ runId })).filter((o) => o.state === 'pending')
    await tx.updateOutbox(pending.map((o) => ({ id: o.id, state: 'dead', attempts: o.attempts, nextAttemptAt: o.nextAttemptAt, lastError: 'run cancelled', sentAt: null })))
    return { ...run, accepting: false }
  })
}

/** Moves a run through its lifecycle from inside the engine (start a drained successor, complete an empty run). */
export async function advanceRun(store: EngineStore, run: RunRow, event: RunEvent, now: number): Promise<RunRow> {
  return store.transaction((tx) => transitionRun(tx, run, [event], now))
}
