/**
 * `sluice replay RUN [--json]`: re-executes a run from its recorded inputs, sending nothing and
 * writing nothing, and compares every decision with the journal (engine/replay/replay-run.ts,
 * shared with `POST /api/runs/{id}/replay`). Identical → exit 0 with a summary; a divergence →
 * the first one named (batch, node, customer, recorded and replayed value, code or input) and
 * exit 1. `--json` prints the result as the API answers it.
 *
 * Options are parsed into {@link ReplayFlags} and turned into the replay's options by
 * {@link replayOptions}; a counterfactual (`--flow FILE`, `--version N`) adds its flags there.
 */
import { performance } from 'node:perf_hooks'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import { replayRun, type ReplayOptions, type ReplayResult } from '../../engine/replay/replay-run.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'
import { addCounterfactualOptions, runCounterfactual, wantsCounterfactual, type CounterfactualFlags } from './replay-counterfactual.ts'

export interface ReplayFlags extends StoreOptionValues, RegistryOptionValues, CounterfactualFlags {
  json?: boolean
}

export function register(program: Command): void {
  const command = program
    .command('replay')
    .description('Replay a run from its recorded inputs (nothing sent, nothing written) and compare every decision with its journal')
    .argument('<run>', 'run id')
    .option('--json', 'print the result as JSON (as POST /api/runs/{id}/replay answers)')
  addCounterfactualOptions(addRegistryOptions(addStoreOptions(command))).action(async (runId: string, flags: ReplayFlags) => {
    const registry = await registryFromOptions(flags)
    // --flow FILE / --version N: the counterfactual (replay-counterfactual.ts); --csv or --examples alone are refused there.
    if (wantsCounterfactual(flags) || flags.csv !== undefined || flags.examples !== undefined) {
      await runCounterfactual(runId, flags, registry)
      return
    }
    const result = await withStore(flags, (store) => exactReplay(store, registry, runId, replayOptions(flags)))
    process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatReplay(result))
    if (!result.identical) throw new UserError('replay.divergence', result.divergence.message)
  })
}

/** The replay's options from the command's flags (none yet for the exact replay). */
export function replayOptions(_flags: ReplayFlags): ReplayOptions {
  return {}
}

/** Replays `runId` on `store` (read only) with `registry`, timing it. */
export function exactReplay(store: StorePort, registry: NodeRegistry, runId: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  return replayRun({ source: openEngineStore(store), registry, elapsed: () => performance.now() }, runId, options)
}

/** The result as text: the summary, and the first divergence when there is one. */
export function formatReplay(result: ReplayResult): string {
  const s = result.summary
  const lines = [
    `Run ${s.runId} (flow ${s.flowId} v${s.flowVersion}): ${result.identical ? 'replay IDENTICAL' : 'replay DIVERGES'}`,
    `  ${s.batches} batch(es) replayed${s.unrecordedBatches > 0 ? `, ${s.unrecordedBatches} not recorded (skipped)` : ''}, ${s.customers} customer(s) picked up, ${s.nodeRuns} node run(s)`,
    `  compared: ${s.decisions} decision(s), ${s.positions} position(s), ${s.sends} send(s); ${s.operatorActions} operator action(s) taken as inputs; ${s.ms} ms`,
  ]
  if (!result.identical) {
    const d = result.divergence
    lines.push(
      `  first divergence (${d.kind === 'code' ? 'CODE differs: same inputs, another decision' : 'INPUT differs: the node asked what the run never read'}):`,
      `    batch ${d.batch} at ${d.at}, node ${d.nodeId}${d.customerId === null ? '' : `, customer ${d.customerId}`}, ${d.field}`,
      `    recorded: ${JSON.stringify(d.recorded)}`,
      `    replayed: ${JSON.stringify(d.replayed)}`,
    )
  }
  return `${lines.join('\n')}\n`
}
