/**
 * A run ready to execute: its row, its pinned flow version compiled against the registry, its
 * options, and the batch counter its journal continues from (so a restarted engine numbers
 * batches after the last committed one).
 */
import { compileFlow, type CompiledFlow } from '../compiler/compile-flow.ts'
import { UserError } from '../errors.ts'
import { flowSchema } from '../flow/schema.ts'
import type { EngineTables, RunRow } from '../ports/engine-store.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { InstantLoopGuard } from './instant-loop-guard.ts'
import { policyGates } from '../registry/node-facts.ts'
import { readRunOptions, runOptionsText, type RunOptions } from './run-options.ts'

export interface RunRuntime {
  run: RunRow
  compiled: CompiledFlow
  options: RunOptions
  /** Counts customers' laps round loops that take no time (instant-loop-guard.ts). */
  loopGuard: InstantLoopGuard
  /** The next batch number of this run's journal. */
  nextBatch(): number
}

/** Loads and compiles the flow version a run pins. */
export async function loadRunRuntime(store: EngineTables, registry: NodeRegistry, run: RunRow): Promise<RunRuntime> {
  const version = await store.getFlowVersion(run.flowId, run.flowVersion)
  if (!version) throw new UserError('run.flow-version', `run "${run.id}" pins version ${run.flowVersion} of flow "${run.flowId}", which is not published`)
  const compiled = compileFlow(flowSchema.parse(JSON.parse(version.definition)), registry)
  let batch = await store.lastBatch(run.id)
  const loopGuard = new InstantLoopGuard([...compiled.nodes.keys()], compiled.flow.edges)
  const { options, gates } = readRunOptions(run.options)
  if (gates !== undefined) return { run, compiled, options, loopGuard, nextBatch: () => ++batch }
  // Published before runs stored their policy gates: store them now, so other flows' gates see this run's waiting customers.
  const text = runOptionsText(options, policyGates(compiled.flow, registry))
  await store.updateRun(run.id, { options: text })
  return { run: { ...run, options: text }, compiled, options, loopGuard, nextBatch: () => ++batch }
}
