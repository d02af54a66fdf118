/**
 * `sluice runs evict|move|redrive RUN ...`: operators' hands on a run, the same code as the
 * API's `/api/runs/{id}/evict|move|redrive` (engine/executor/operator-actions.ts): one
 * transaction each, journalled with who did it (the OS user, or `--as NAME`). A running
 * `sluice serve` sees the change at its next tick.
 */
import { readFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { evictCustomers, moveCustomers, redriveSends, type CustomerSelection, type Operator } from '../../engine/executor/operator-actions.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { parseJsonText } from '../../engine/flow/parse-json.ts'
import { checkSegment } from '../../server/services/segment-check.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'

interface OperationFlags extends StoreOptionValues, RegistryOptionValues {
  customers?: string
  segment?: string
  to?: string
  as?: string
  json?: boolean
}

/** Adds `evict`, `move` and `redrive` under `sluice runs`. */
export function registerRunOperations(runs: Command): void {
  const evict = runs
    .command('evict')
    .description('Take customers out of a run (their positions are cancelled), by id or by segment')
    .argument('<run>', 'run id (see "sluice runs")')
  addOperationOptions(evict, { selection: true }).action(async (runId: string, _flags: OperationFlags, command: Command) => {
    const flags = withParentOptions(command)
    const result = await act(flags, async (env, store, by) => evictCustomers(env, runId, await selection(store, flags), by))
    print(flags, result, `Evicted ${result.evicted} customer(s) from run ${result.runId}${perNode(result.byNode)}${result.sendsStopped > 0 ? `; ${result.sendsStopped} pending send(s) dead-lettered` : ''}.`)
  })

  const move = runs
    .command('move')
    .description('Move customers of a run to another node of its version (not the trigger); they arrive there now')
    .argument('<run>', 'run id (see "sluice runs")')
    .requiredOption('--to <node>', 'node id of the run\'s version')
  addOperationOptions(move, { selection: true }).action(async (runId: string, _flags: OperationFlags, command: Command) => {
    const flags = withParentOptions(command)
    const result = await act(flags, async (env, store, by) => moveCustomers(env, runId, await selection(store, flags), flags.to as string, by))
    print(flags, result, `Moved ${result.moved} customer(s) of run ${result.runId} to "${result.toNode}"${perNode(result.fromNodes, 'from')}.`)
  })

  const redrive = runs
    .command('redrive')
    .description('Re-drive a run\'s dead-lettered and failing sends: due again now, attempts reset')
    .argument('<run>', 'run id (see "sluice runs")')
  addOperationOptions(redrive, { selection: false }).action(async (runId: string, _flags: OperationFlags, command: Command) => {
    const flags = withParentOptions(command)
    const only = flags.customers === undefined ? {} : { customers: ids(flags.customers) }
    const result = await act(flags, (env, _store, by) => redriveSends(env, runId, only, by))
    const skipped = result.skippedFallenBack > 0 ? `; ${result.skippedFallenBack} dead send(s) left, their fallback channel took over` : ''
    print(flags, result, `Re-drove ${result.redriven} send(s) of run ${result.runId}${skipped}.`)
  })
}

/**
 * The subcommand's options with those `sluice runs` took: `--db` and `--nodes` written after the
 * subcommand are parsed by the parent, which declares them too.
 */
function withParentOptions(command: Command): OperationFlags {
  return command.optsWithGlobals<OperationFlags>()
}

function addOperationOptions(command: Command, { selection: withSegment }: { selection: boolean }): Command {
  command.option('--customers <ids>', withSegment ? 'customer ids, comma-separated (every one must be in the run)' : 'only the sends of these customers, comma-separated')
  if (withSegment) command.option('--segment <file>', 'instead of ids: a segment JSON file; everyone of the run it matches now')
  command.option('--as <name>', 'who does it, for the journal (default: your OS user)').option('--json', 'print the result as JSON')
  return addRegistryOptions(addStoreOptions(command))
}

type Env = Parameters<typeof evictCustomers>[0]

async function act<T>(flags: OperationFlags, work: (env: Env, store: StorePort, by: Operator) => Promise<T>): Promise<T> {
  const by: Operator = { name: flags.as ?? userInfo().username, role: 'cli' }
  const registry = await registryFromOptions(flags)
  return withStore(flags, (store) => work({ store: openEngineStore(store), registry, now: () => Date.now() }, store, by))
}

function ids(list: string): string[] {
  const parsed = list.split(',').map((id) => id.trim()).filter((id) => id !== '')
  if (parsed.length === 0) throw new UserError('cli.runs', '--customers: expected customer ids separated by commas')
  return parsed
}

async function selection(store: StorePort, flags: OperationFlags): Promise<CustomerSelection> {
  if ((flags.customers === undefined) === (flags.segment === undefined)) throw new UserError('cli.runs', 'give --customers or --segment, not both and not neither')
  if (flags.customers !== undefined) return { customers: ids(flags.customers) }
  const file = flags.segment as string
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UserError('cli.runs', `--segment: cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
  })
  const parsed = parseJsonText(text)
  if (!parsed.ok) throw new UserError('cli.runs', `--segment: ${file} is not JSON: ${parsed.issue.message}`)
  return { segment: (await checkSegment(store, parsed.value, file)).segment }
}

function perNode(counts: Record<string, number>, word = 'at'): string {
  const parts = Object.entries(counts).map(([node, n]) => `${node} ${n}`)
  return parts.length === 0 ? '' : ` (${word} ${parts.join(', ')})`
}

function print(flags: OperationFlags, result: unknown, text: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${text}\n`)
}
