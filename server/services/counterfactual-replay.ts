/**
 * The counterfactual replay as `sluice replay RUN --flow F | --version N` and
 * `POST /api/runs/{id}/replay` with `{ flow }` or `{ version }` both run it: the store's isolated
 * copies (store/snapshot/isolated-copy.ts), the run's recorded answers when it has them, and the
 * project's node settings, around engine/replay/counterfactual.ts.
 */
import { performance } from 'node:perf_hooks'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import type { ContactPolicy } from '../../engine/policy/contact-policy.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import { counterfactualReplay, type CounterfactualReport, type OtherVersion } from '../../engine/replay/counterfactual.ts'
import { recordedAnswers } from '../../engine/replay/recorded-answers.ts'
import type { NodeSecrets } from '../../engine/sdk/types.ts'
import { isolatedCopies } from '../../store/snapshot/isolated-copy.ts'

export interface CounterfactualEnv {
  /** The customer store (the copy is taken of it) and its engine store. */
  store: StorePort
  engineStore: EngineStore
  registry: NodeRegistry
  settings: { contactPolicy?: ContactPolicy; secrets?: NodeSecrets; publicUrl?: string }
}

/** Replays run `runId` through `other` on an isolated copy and compares (nothing is kept or sent). */
export async function replayCounterfactual(env: CounterfactualEnv, runId: string, other: OtherVersion): Promise<CounterfactualReport> {
  const recorded = await recordedAnswers(env.engineStore, runId)
  return counterfactualReplay(
    env.engineStore,
    { runId, other, registry: env.registry, copies: isolatedCopies(env.store), ...env.settings, elapsed: () => performance.now() },
    recorded,
  )
}
