/**
 * `sluice runs show RUN` and `sluice runs customers RUN`: where a run's customers are, per node
 * (waiting and until when, held at a gate, errored with the messages, done per output), and the
 * customers at a node or in a whereabout, paged, each with why they are there. The same code as
 * the API's `/api/runs/{id}/whereabouts` and `/customers` (engine/journal/run-whereabouts.ts).
 */
import Table from 'cli-table3'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { runWhereabouts, WHEREABOUTS, whereaboutsCustomers, type DueSummary, type RunWhereabouts, type WhereaboutsPage } from '../../engine/journal/run-whereabouts.ts'
import type { Whereabout } from '../../engine/ports/engine-store.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'

interface WhereFlags extends StoreOptionValues, RegistryOptionValues {
  node?: string
  state?: string
  after?: string
  limit?: string
  json?: boolean
}

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1_000

/** Adds `show` and `customers` under `sluice runs`. */
export function registerRunWhereabouts(runs: Command): void {
  const show = runs
    .command('show')
    .description('Where the run\'s customers are, per node: waiting (until when), held at a gate, errored, done')
    .argument('<run>', 'run id (see "sluice runs")')
    .option('--json', 'print the whereabouts as JSON')
  addRegistryOptions(addStoreOptions(show)).action(async (runId: string, _flags: WhereFlags, command: Command) => {
    const flags = command.optsWithGlobals<WhereFlags>()
    const registry = await registryFromOptions(flags)
    const where = await withStore(flags, (store) => runWhereabouts({ store: openEngineStore(store), registry }, runId))
    process.stdout.write(flags.json ? `${JSON.stringify(where, null, 2)}\n` : formatWhereabouts(where))
  })

  const customers = runs
    .command('customers')
    .description('Customers of the run at a node and/or in a state, paged, with why they are there')
    .argument('<run>', 'run id (see "sluice runs")')
    .option('--node <id>', 'only customers at this node')
    .option('--state <state>', `only customers in this state (${WHEREABOUTS.join(', ')})`)
    .option('--after <cursor>', 'the "next" cursor of the previous page')
    .option('--limit <n>', `customers per page (1–${MAX_LIMIT}, default ${DEFAULT_LIMIT})`)
    .option('--json', 'print the page as JSON')
  addRegistryOptions(addStoreOptions(customers)).action(async (runId: string, _flags: WhereFlags, command: Command) => {
    const flags = command.optsWithGlobals<WhereFlags>()
    const filter = pageFilter(flags)
    const registry = await registryFromOptions(flags)
    const page = await withStore(flags, (store) => whereaboutsCustomers({ store: openEngineStore(store), registry }, runId, filter))
    process.stdout.write(flags.json ? `${JSON.stringify(page, null, 2)}\n` : formatPage(runId, page, flags))
  })
}

function pageFilter(flags: WhereFlags): Parameters<typeof whereaboutsCustomers>[2] {
  if (flags.state !== undefined && !(WHEREABOUTS as readonly string[]).includes(flags.state)) {
    throw new UserError('cli.runs', `--state: expected one of ${WHEREABOUTS.join(', ')}, got "${flags.state}"`)
  }
  const integer = (text: string | undefined, name: string, min: number, max: number): number | undefined => {
    if (text === undefined) return undefined
    const value = Number(text)
    if (!Number.isInteger(value) || value < min || value > max) throw new UserError('cli.runs', `${name}: expected a whole number from ${min} to ${max}, got "${text}"`)
    return value
  }
  const after = integer(flags.after, '--after', -1, Number.MAX_SAFE_INTEGER)
  return {
    limit: integer(flags.limit, '--limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    ...(flags.node === undefined ? {} : { nodeId: flags.node }),
    ...(flags.state === undefined ? {} : { whereabout: flags.state as Whereabout }),
    ...(after === undefined ? {} : { afterKey: after }),
  }
}

/** `2026-12-06 09:59` (UTC). */
const minute = (iso: string | null) => (iso === null ? '' : `${iso.slice(0, 16).replace('T', ' ')}`)

function dueCell(due: DueSummary): string {
  if (due.count === 0) return ''
  const range = due.earliestDue === due.latestDue ? `until ${minute(due.earliestDue)}` : `${minute(due.earliestDue)} → ${minute(due.latestDue)}`
  return `${due.count} ${range}${due.forEvent > 0 ? ` (${due.forEvent} for an event)` : ''}`
}

/** A table per node, then the waiting and held per day and the error messages. */
export function formatWhereabouts(where: RunWhereabouts): string {
  const t = where.totals
  const lines = [`Run ${where.runId} (flow ${where.flowId} v${where.flowVersion}, ${where.runState}): ${t.waiting} waiting, ${t.held} held, ${t.error} error, ${t.done} done${t.cancelled > 0 ? `, ${t.cancelled} cancelled` : ''}`]
  if (where.nodes.length === 0) return `${lines[0]}\nNo customers in this run yet.\n`
  const table = new Table({ head: ['node', 'type', 'waiting (until)', 'held (until)', 'error', 'done (by output)'] })
  for (const n of where.nodes) {
    const done = n.done.count === 0 ? '' : `${n.done.count} (${Object.entries(n.done.byOutput).map(([output, count]) => `${output || '-'} ${count}`).join(', ')})`
    table.push([n.nodeTitle ? `${n.nodeId} (${n.nodeTitle})` : n.nodeId, n.nodeType ?? '?', dueCell(n.waiting), dueCell(n.held), n.error.count === 0 ? '' : n.error.count, done])
  }
  lines.push(table.toString())
  for (const n of where.nodes) {
    for (const kind of ['waiting', 'held'] as const) {
      const due = n[kind]
      if (due.count === 0) continue
      const days = due.byDay.map((d) => `${d.day} ${d.count}`)
      if (due.later > 0) days.push(`later ${due.later}`)
      lines.push(`${n.nodeId} ${kind} by day (UTC): ${days.join(', ')}`)
    }
    for (const e of n.error.messages) lines.push(`${n.nodeId} errors: ${e.count} × ${e.message || '(no message)'}`)
  }
  return `${lines.join('\n')}\n`
}

function formatPage(runId: string, page: WhereaboutsPage, flags: WhereFlags): string {
  if (page.customers.length === 0) return `No customers of run ${runId}${flags.node ? ` at ${flags.node}` : ''}${flags.state ? ` ${flags.state}` : ''}${flags.after ? ' after that cursor' : ''}.\n`
  const table = new Table({ head: ['customer', 'node', 'state', 'due', 'why'], colWidths: [null, null, null, null, 80], wordWrap: true })
  for (const c of page.customers) table.push([c.customerId, c.nodeId, c.whereabout + (c.holdout ? ' (holdout)' : ''), minute(c.dueAt), c.reason])
  const next = page.next === null ? '' : `\nMore: sluice runs customers ${runId}${flags.node ? ` --node ${flags.node}` : ''}${flags.state ? ` --state ${flags.state}` : ''} --after ${page.next}`
  return `${table.toString()}${next}\n`
}
