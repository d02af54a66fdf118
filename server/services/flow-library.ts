/**
 * The flow library: drafts marketers edit, the versions they publish, and the runs those start.
 * The API routes and the CLI (`sluice publish`, `sluice runs`) both go through it, so both
 * apply the same rules:
 *
 * - a draft is any well-formed flow file (it may still have problems: they are reported, the
 *   work is kept); saves name the revision they edited, so two editors never overwrite each
 *   other silently (409);
 * - publishing refuses a draft with errors, numbers the version itself (the last published
 *   version + 1, or the same number when the logic did not change: layout is not logic) and
 *   starts its run with the in-flight policy (pin / migrate / drain) in one transaction;
 * - archiving refuses a flow that still has a live run;
 * - a simulation back-tests the draft (or a flow file sent instead) on the simulated clock over
 *   a past window, alone (live runs set aside) and rolled back, so it changes nothing.
 */
import { NotFoundError, UserError, ValidationError } from '../../engine/errors.ts'
import type { Engine } from '../../engine/executor/engine.ts'
import type { PublishOptions } from '../../engine/executor/run-control.ts'
import { flowDefinitionText } from '../../engine/executor/run-control.ts'
import { diffFlows, type FlowDiff } from '../../engine/flow/diff.ts'
import { canonicalFlow } from '../../engine/flow/format.ts'
import { flowSchema, type Flow } from '../../engine/flow/schema.ts'
import { hasErrors, verifyFlow, type FlowIssue } from '../../engine/flow/verify.ts'
import { outputsOf } from '../../engine/sdk/define-node.ts'
import { zodIssuesToIssues } from '../../engine/sdk/zod-issues.ts'
import type { EngineStore, FlowDraftRow, FlowVersionRow, RunRow } from '../../engine/ports/engine-store.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import { backtestFlow, type RunReport } from '../../engine/simulation/simulate-flow.ts'

const LIVE_STATES: RunRow['state'][] = ['scheduled', 'running', 'paused']

export interface FlowLibraryEnv {
  store: EngineStore
  engine: Engine
  registry: NodeRegistry
  now(): number
}

const DAY = 86_400_000
/** The default simulation window: the last 30 days. */
export const SIMULATION_DEFAULT_DAYS = 30
/**
 * The longest simulation window. A simulation holds one store transaction while it runs (on
 * SQLite other writers wait for it), so a window is bounded.
 */
export const SIMULATION_MAX_DAYS = 366

/** A simulation's answer: the back-test report with each edge's count (the output's count of its source node). */
export interface SimulationResult extends RunReport {
  edges: { from: string; output: string; to: string; customers: number }[]
}

/** A flow as listed: its draft and what of it is published and running. */
export interface FlowSummary {
  id: string
  name: string
  revision: number
  createdAt: number
  updatedAt: number
  updatedBy: string | null
  archived: boolean
  /** The latest published version, if any. */
  published: { version: number; publishedAt: number } | null
  /** Runs that are scheduled, running or paused. */
  liveRuns: { id: string; version: number; state: RunRow['state'] }[]
  /** Whether the draft differs in logic from the latest published version. */
  unpublishedChanges: boolean
}

export interface FlowDetail extends FlowSummary {
  draft: Flow
  problems: FlowIssue[]
  /** Each node's outputs for its current config (what the canvas draws as named handles). */
  outputs: Record<string, string[]>
}

/**
 * The outputs of every node of a flow as its config stands: the declaration's (fixed, or
 * computed from the parsed config). Fixed outputs hold whatever the config: a step just added
 * with its settings still empty keeps its handles. A node whose outputs come from a config that
 * does not parse, or whose type is unknown, keeps the outputs its edges use, so the canvas can
 * still draw them.
 */
export function nodeOutputs(flow: Pick<Flow, 'nodes' | 'edges'>, registry: NodeRegistry): Record<string, string[]> {
  const outputs: Record<string, string[]> = {}
  for (const node of flow.nodes) {
    const used = [...new Set(flow.edges.filter((e) => e.from === node.id).map((e) => e.output))]
    const resolution = registry.resolve(node.type, node.version)
    const parsed = resolution.ok ? resolution.definition.config.safeParse(node.config) : undefined
    try {
      const fixed = resolution.ok && typeof resolution.definition.outputs !== 'function'
      outputs[node.id] = resolution.ok && (fixed || parsed?.success) ? [...outputsOf(resolution.definition, parsed?.data)] : used
    } catch {
      outputs[node.id] = used
    }
  }
  return outputs
}

/** A publish: the run it started (or the run already executing the same logic) and the version. */
export interface PublishResult {
  version: number
  run: RunRow
  /** False when the draft's logic equals the published version's (nothing new was published). */
  created: boolean
}

/** Parses a flow file for a draft: its shape must hold (problems in content are reported, not refused). */
export function parseDraft(input: unknown): Flow {
  const parsed = flowSchema.safeParse(input, { reportInput: true })
  if (parsed.success) return canonicalFlow(parsed.data)
  const issues = zodIssuesToIssues(parsed.error.issues, { code: 'flow.shape', prefix: 'flow', schema: flowSchema })
  throw new ValidationError(`not a flow file:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues)
}

export class FlowLibrary {
  constructor(private readonly env: FlowLibraryEnv) {}

  async list(options: { archived?: boolean } = {}): Promise<FlowSummary[]> {
    const drafts = await this.env.store.listFlowDrafts()
    const live = await this.env.store.listRuns({ states: LIVE_STATES })
    const summaries: FlowSummary[] = []
    for (const draft of drafts) {
      if ((draft.archivedAt !== null) !== (options.archived ?? false)) continue
      summaries.push(await this.#summary(draft, live))
    }
    return summaries
  }

  async get(flowId: string): Promise<FlowDetail> {
    const draft = await this.#draft(flowId)
    const flow = JSON.parse(draft.definition) as Flow
    return {
      ...(await this.#summary(draft, await this.env.store.listRuns({ flowId, states: LIVE_STATES }))),
      draft: flow, problems: verifyFlow(flow, this.env.registry), outputs: nodeOutputs(flow, this.env.registry),
    }
  }

  /** Creates a new flow from a flow file; its id must be free. */
  async create(input: unknown, by: string | null): Promise<FlowDetail> {
    const flow = parseDraft(input)
    const now = this.env.now()
    const row: FlowDraftRow = { flowId: flow.id, name: flow.name, definition: JSON.stringify(flow), revision: 1, createdAt: now, updatedAt: now, updatedBy: by, archivedAt: null }
    if ((await this.env.store.saveFlowDraft(row, null)) === 'conflict') throw new UserError('flow.conflict', `a flow with id "${flow.id}" already exists; choose another id or edit that flow`)
    return this.get(flow.id)
  }

  /** Replaces the draft edited at `revision`. */
  async saveDraft(flowId: string, input: unknown, revision: number, by: string | null): Promise<FlowDetail> {
    const current = await this.#draft(flowId)
    const flow = parseDraft(input)
    if (flow.id !== flowId) throw new ValidationError(`the flow's id "${flow.id}" differs from "${flowId}"; duplicate the flow to give it a new id`, [{ code: 'flow.id', path: 'flow.id', message: `expected "${flowId}"` }])
    const row: FlowDraftRow = { ...current, name: flow.name, definition: JSON.stringify(flow), revision: revision + 1, updatedAt: this.env.now(), updatedBy: by }
    if ((await this.env.store.saveFlowDraft(row, revision)) === 'conflict') {
      throw new UserError('draft.conflict', `the draft of "${flowId}" was saved by ${current.updatedBy ?? 'someone'} since revision ${revision} (it is at ${current.revision}); reload it and apply your change again`)
    }
    return this.get(flowId)
  }

  /** Problems of the draft, or of a flow file given instead. */
  async validate(flowId: string, input?: unknown): Promise<FlowIssue[]> {
    return verifyFlow(input ?? JSON.parse((await this.#draft(flowId)).definition), this.env.registry)
  }

  /** Node outputs of the draft, or of a flow file given instead (well-formed or not). */
  async outputs(flowId: string, input?: unknown): Promise<Record<string, string[]>> {
    const flow = flowSchema.safeParse(input ?? JSON.parse((await this.#draft(flowId)).definition))
    return flow.success ? nodeOutputs(flow.data, this.env.registry) : {}
  }

  /** Published versions, newest first. */
  async versions(flowId: string): Promise<FlowVersionRow[]> {
    await this.#draft(flowId)
    return this.env.store.listFlowVersions(flowId)
  }

  /** One published version as a flow file. */
  async version(flowId: string, version: number): Promise<Flow> {
    const row = await this.env.store.getFlowVersion(flowId, version)
    if (!row) throw new NotFoundError(`version of flow "${flowId}"`, String(version))
    return JSON.parse(row.definition) as Flow
  }

  /** The semantic diff between two versions; `'draft'` names the draft. */
  async diff(flowId: string, from: number | 'draft', to: number | 'draft'): Promise<FlowDiff> {
    const load = async (which: number | 'draft') => (which === 'draft' ? (JSON.parse((await this.#draft(flowId)).definition) as Flow) : this.version(flowId, which))
    return diffFlows(await load(from), await load(to))
  }

  /**
   * Publishes the draft: verified, numbered, and started with the in-flight policy. The draft
   * takes the published number, so the next change is numbered after it.
   */
  async publish(flowId: string, options: Pick<PublishOptions, 'policy' | 'mapping'> & { by?: string | null } = {}): Promise<PublishResult> {
    const draft = await this.#draft(flowId)
    if (draft.archivedAt !== null) throw new UserError('flow.archived', `flow "${flowId}" is archived; restore it before publishing`)
    const flow = JSON.parse(draft.definition) as Flow
    const problems = verifyFlow(flow, this.env.registry)
    if (hasErrors(problems)) {
      const errors = problems.filter((p) => p.severity === 'error')
      throw new ValidationError(`flow "${flowId}" has ${errors.length} problem(s) to fix before it can be published:\n${errors.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, errors)
    }
    const version = await this.#versionFor(flow)
    const runsBefore = new Set((await this.env.store.listRuns({ flowId })).map((r) => r.id))
    const run = await this.env.engine.publish({ ...flow, version }, { ...(options.policy ? { policy: options.policy } : {}), ...(options.mapping ? { mapping: options.mapping } : {}) })
    if (flow.version !== version) {
      const numbered = JSON.stringify({ ...flow, version })
      await this.env.store.saveFlowDraft({ ...draft, definition: numbered, revision: draft.revision + 1, updatedAt: this.env.now(), updatedBy: options.by ?? draft.updatedBy }, draft.revision)
    }
    return { version, run, created: !runsBefore.has(run.id) }
  }

  /**
   * Back-tests the draft, or a flow file given instead (e.g. the editor's unsaved canvas), from
   * `start` (default `until` − 30 days) to `until` (default now), exclusive, and rolls it back.
   * The flow must verify without errors. It runs alone and numbered as publishing would number
   * it, so a live flow's draft is simulated as the next version, from a fresh start.
   */
  async simulate(flowId: string, options: { start?: number; until?: number; flow?: unknown } = {}): Promise<SimulationResult> {
    const draft = await this.#draft(flowId)
    const until = options.until ?? this.env.now()
    const start = options.start ?? until - SIMULATION_DEFAULT_DAYS * DAY
    if (until <= start) throw new ValidationError(`the simulation must end after it starts (start ${new Date(start).toISOString()}, until ${new Date(until).toISOString()})`, [{ code: 'simulate.window', path: 'until', message: 'expected a time after start' }])
    if (until - start > SIMULATION_MAX_DAYS * DAY) {
      throw new ValidationError(`a simulation covers at most ${SIMULATION_MAX_DAYS} days; this window has ${Math.ceil((until - start) / DAY)}`, [{ code: 'simulate.window', path: 'start', message: `expected at most ${SIMULATION_MAX_DAYS} days before until` }])
    }
    const flow = options.flow === undefined ? (JSON.parse(draft.definition) as Flow) : parseDraft(options.flow)
    if (flow.id !== flowId) throw new ValidationError(`the flow's id "${flow.id}" differs from "${flowId}"`, [{ code: 'flow.id', path: 'flow.id', message: `expected "${flowId}"` }])
    const errors = verifyFlow(flow, this.env.registry).filter((p) => p.severity === 'error')
    if (errors.length > 0) throw new ValidationError(`flow "${flowId}" has ${errors.length} problem(s) to fix before it can be simulated:\n${errors.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, errors)
    const version = await this.#versionFor(flow)
    const report = await backtestFlow(this.env.store, {
      // The live engine's contact policy (as changed through the API), secrets and public URL.
      flow: { ...flow, version }, registry: this.env.registry, start, until, keep: false, alone: true, ...this.env.engine.nodeSettings(),
    })
    const edges = flow.edges.map((edge) => ({ ...edge, customers: report.nodes[edge.from]?.outputs[edge.output] ?? 0 }))
    return { ...report, edges }
  }

  async setArchived(flowId: string, archived: boolean, by: string | null): Promise<FlowDetail> {
    const draft = await this.#draft(flowId)
    if (archived) {
      const live = await this.env.store.listRuns({ flowId, states: LIVE_STATES })
      if (live.length > 0) throw new UserError('flow.conflict', `flow "${flowId}" has live runs (${live.map((r) => `${r.id}: ${r.state}`).join(', ')}); cancel them before archiving`)
    }
    const now = this.env.now()
    await this.env.store.saveFlowDraft({ ...draft, archivedAt: archived ? now : null, revision: draft.revision + 1, updatedAt: now, updatedBy: by }, draft.revision)
    return this.get(flowId)
  }

  /** Copies the draft under a new id and name, unpublished. */
  async duplicate(flowId: string, copy: { id: string; name?: string }, by: string | null): Promise<FlowDetail> {
    const flow = JSON.parse((await this.#draft(flowId)).definition) as Flow
    return this.create({ ...flow, id: copy.id, name: copy.name ?? `${flow.name} (copy)`, version: 1 }, by)
  }

  /** The number publishing gives `flow`: the latest version's when the logic is the same (layout is not logic), else the next. */
  async #versionFor(flow: Flow): Promise<number> {
    const [latest] = await this.env.store.listFlowVersions(flow.id)
    const unchanged = latest !== undefined && latest.definition === flowDefinitionText({ ...flow, version: latest.version })
    return unchanged ? latest.version : (latest?.version ?? 0) + 1
  }

  async #draft(flowId: string): Promise<FlowDraftRow> {
    const draft = await this.env.store.getFlowDraft(flowId)
    if (!draft) throw new NotFoundError('flow', flowId)
    return draft
  }

  async #summary(draft: FlowDraftRow, liveRuns: readonly RunRow[]): Promise<FlowSummary> {
    const [latest] = await this.env.store.listFlowVersions(draft.flowId)
    const flow = JSON.parse(draft.definition) as Flow
    return {
      id: draft.flowId, name: draft.name, revision: draft.revision, createdAt: draft.createdAt, updatedAt: draft.updatedAt, updatedBy: draft.updatedBy,
      archived: draft.archivedAt !== null,
      published: latest ? { version: latest.version, publishedAt: latest.publishedAt } : null,
      liveRuns: liveRuns.filter((r) => r.flowId === draft.flowId).map((r) => ({ id: r.id, version: r.flowVersion, state: r.state })),
      unpublishedChanges: latest === undefined || latest.definition !== flowDefinitionText({ ...flow, version: latest.version }),
    }
  }
}
