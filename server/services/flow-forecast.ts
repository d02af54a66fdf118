/**
 * The forecast of a flow, shared by `sluice forecast` and `POST /api/flows/{id}/forecast`: the
 * flow (a file, the library's draft, or a flow file sent) is verified, then forecast on the
 * store with the engine's node settings (contact policy in force, secrets, public URL), rolled
 * back (engine/simulation/forecast-flow.ts).
 */
import { NotFoundError, ValidationError } from '../../engine/errors.ts'
import type { Flow } from '../../engine/flow/schema.ts'
import { verifyFlow } from '../../engine/flow/verify.ts'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import type { ContactPolicy } from '../../engine/policy/contact-policy.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import type { NodeSecrets } from '../../engine/sdk/types.ts'
import { FORECAST_DEFAULT_DAYS, FORECAST_MAX_DAYS, forecastFlow, type ForecastReport } from '../../engine/simulation/forecast-flow.ts'
import { parseDraft } from './flow-library.ts'

export interface ForecastEnv {
  store: EngineStore
  registry: NodeRegistry
  now(): number
  /** What nodes see: the contact policy in force, secrets, public URL. */
  settings: { contactPolicy?: ContactPolicy; secrets?: NodeSecrets; publicUrl?: string }
}

/** The library's draft of `flowId`, or `input` (a flow file with the same id) instead. */
export async function libraryFlow(store: EngineStore, flowId: string, input?: unknown): Promise<Flow> {
  const draft = await store.getFlowDraft(flowId)
  if (!draft) throw new NotFoundError('flow', flowId)
  const flow = input === undefined ? parseDraft(JSON.parse(draft.definition)) : parseDraft(input)
  if (flow.id !== flowId) throw new ValidationError(`the flow's id "${flow.id}" differs from "${flowId}"`, [{ code: 'flow.id', path: 'flow.id', message: `expected "${flowId}"` }])
  return flow
}

/** Verifies `flow` and forecasts it over the next `days` days (default {@link FORECAST_DEFAULT_DAYS}). */
export async function forecast(env: ForecastEnv, flow: Flow, options: { days?: number; onProgress?: (simulatedNow: number, until: number) => void } = {}): Promise<ForecastReport> {
  const days = options.days ?? FORECAST_DEFAULT_DAYS
  if (!Number.isInteger(days) || days < 1 || days > FORECAST_MAX_DAYS) {
    throw new ValidationError(`a forecast covers 1 to ${FORECAST_MAX_DAYS} whole days, got ${days}`, [{ code: 'forecast.days', path: 'days', message: `expected a whole number from 1 to ${FORECAST_MAX_DAYS}` }])
  }
  const errors = verifyFlow(flow, env.registry).filter((p) => p.severity === 'error')
  if (errors.length > 0) throw new ValidationError(`flow "${flow.id}" has ${errors.length} problem(s) to fix before it can be forecast:\n${errors.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, errors)
  return forecastFlow(env.store, {
    flow, registry: env.registry, now: env.now(), days, ...env.settings,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  })
}
