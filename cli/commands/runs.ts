/**
 * `sluice runs [--flow ID] [--state S]` lists runs with where their customers are;
 * `sluice pause|resume|cancel RUN` controls one, as the API's run routes do;
 * `sluice runs evict|move|redrive RUN ...` act on its customers and sends (run-operations.ts);
 * `sluice runs show|customers RUN` say where its customers are and why (run-whereabouts.ts).
 */
import Table from 'cli-table3'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { runWhereabouts } from '../../engine/journal/run-whereabouts.ts'
import type { RunRow } from '../../engine/ports/engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'
import { registerRunOperations } from './run-operations.ts'
import { registerRunWhereabouts } from './run-whereabouts.ts'
import { controlEnv } from './shared/control-env.ts'

const STATES: readonly RunRow['state'][] = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled']

interface RunsFlags extends StoreOptionValues, RegistryOptionValues {
  flow?: string
  state?: string
  json?: boolean
}

export function register(program: Command): void {
  const list = program
    .command('runs')
    .description('List runs with where their customers are (waiting, held at a gate, done, error)')
    .option('--flow <id>', 'only runs of this flow')
    .option('--state <state>', `only runs in this state (${STATES.join(', ')})`)
    .option('--json', 'print the runs as JSON')
  addRegistryOptions(addStoreOptions(list)).action(async (flags: RunsFlags) => {
    if (flags.state !== undefined && !(STATES as readonly string[]).includes(flags.state)) throw new UserError('cli.runs', `--state: expected one of ${STATES.join(', ')}, got "${flags.state}"`)
    const registry = await registryFromOptions(flags)
    const rows = await withStore(flags, async (store) => {
      const { engineStore } = controlEnv(store, registry)
      const runs = await engineStore.listRuns({ ...(flags.flow ? { flowId: flags.flow } : {}), ...(flags.state ? { states: [flags.state as RunRow['state']] } : {}) })
      return Promise.all(runs.map(async (run) => {
        // Active customers split as `sluice runs show` does: held at a contact-policy gate, or waiting.
        const { totals } = await runWhereabouts({ store: engineStore, registry }, run.id)
        const customers = { active: totals.waiting + totals.held, waiting: totals.waiting, held: totals.held, done: totals.done, error: totals.error, cancelled: totals.cancelled }
        return { id: run.id, flowId: run.flowId, version: run.flowVersion, state: run.state, accepting: run.accepting, createdAt: new Date(run.createdAt).toISOString(), customers }
      }))
    })
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
      return
    }
    if (rows.length === 0) {
      process.stdout.write('No runs yet. Publish a flow with "sluice publish flows/<name>.flow.json" (or from the editor).\n')
      return
    }
    const table = new Table({ head: ['run', 'flow', 'v', 'state', 'entries', 'waiting', 'held', 'done', 'error', 'created'] })
    for (const r of rows) table.push([r.id, r.flowId, r.version, r.state, r.accepting ? 'open' : 'closed', r.customers.waiting, r.customers.held, r.customers.done, r.customers.error, r.createdAt.slice(0, 16).replace('T', ' ')])
    process.stdout.write(`${table.toString()}\n`)
  })
  registerRunOperations(list)
  registerRunWhereabouts(list)

  for (const [action, description] of [
    ['pause', 'Pause a run: no entries, nobody moves, until resumed'],
    ['resume', 'Resume a paused run'],
    ['cancel', 'Cancel a run: every customer in it leaves'],
  ] as const) {
    const command = program.command(action).description(description).argument('<run>', 'run id (see "sluice runs")')
    addRegistryOptions(addStoreOptions(command)).action(async (runId: string, flags: StoreOptionValues & RegistryOptionValues) => {
      const registry = await registryFromOptions(flags)
      const run = await withStore(flags, (store) => controlEnv(store, registry).engine[action](runId))
      process.stdout.write(`Run ${run.id} is ${run.state}.\n`)
    })
  }
}
