/**
 * `sluice publish FLOW.flow.json [--policy pin|migrate|drain] [--map OLD=NEW]`: makes the file
 * the flow's draft and publishes it, as the editor's publish button does: verified, numbered by
 * the store (the last version + 1; a layout-only change publishes nothing), its run started
 * with the in-flight policy. A running `sluice serve` starts moving customers at its next tick.
 */
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, describeStore, withStore, type StoreOptionValues } from '../store-options.ts'
import { controlEnv } from './shared/control-env.ts'

interface PublishFlags extends StoreOptionValues, RegistryOptionValues {
  policy: string
  map?: string[]
  json?: boolean
}

const POLICIES = ['pin', 'migrate', 'drain'] as const

/** `--map a=b --map c=d` → { a: 'b', c: 'd' }. */
export function parseMapping(pairs: readonly string[]): Record<string, string> {
  const mapping: Record<string, string> = {}
  for (const pair of pairs) {
    const match = /^([^=\s]+)=([^=\s]+)$/.exec(pair)
    if (!match) throw new UserError('cli.publish', `--map: expected OLD_NODE=NEW_NODE, got "${pair}"`)
    mapping[match[1] as string] = match[2] as string
  }
  return mapping
}

export function register(program: Command): void {
  const command = program
    .command('publish')
    .description('Publish a flow file: it becomes the draft, is verified and numbered, and its run starts')
    .argument('<flow>', 'flow file (flows/<slug>.flow.json)')
    .option('--policy <policy>', 'customers of the current run: pin (finish on their version), migrate (move to the new one), drain (new run starts when the old is empty)', 'pin')
    .option('--map <old=new...>', 'migrate: where customers at a removed node go')
    .option('--json', 'print the result as JSON')
  addRegistryOptions(addStoreOptions(command)).action(async (file: string, flags: PublishFlags) => {
    if (!(POLICIES as readonly string[]).includes(flags.policy)) throw new UserError('cli.publish', `--policy: expected one of ${POLICIES.join(', ')}, got "${flags.policy}"`)
    const mapping = parseMapping(flags.map ?? [])
    const registry = await registryFromOptions(flags)
    const flow = await loadFlowFile(file, registry)
    const result = await withStore(flags, async (store) => {
      const { library, engineStore } = controlEnv(store, registry)
      const draft = await engineStore.getFlowDraft(flow.id)
      if (draft) await library.saveDraft(flow.id, flow, draft.revision, 'cli')
      else await library.create(flow, 'cli')
      return library.publish(flow.id, { policy: flags.policy as (typeof POLICIES)[number], mapping, by: 'cli' })
    })
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ flowId: flow.id, version: result.version, created: result.created, runId: result.run.id, state: result.run.state }, null, 2)}\n`)
      return
    }
    process.stdout.write(result.created
      ? `Published ${flow.id} v${result.version} to ${describeStore(flags)}: run ${result.run.id} is ${result.run.state}.\n`
      : `${flow.id} v${result.version} is already published with the same logic: run ${result.run.id} is ${result.run.state}.\n`)
  })
}
