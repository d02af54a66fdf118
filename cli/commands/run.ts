/**
 * `sluice run FLOW [--start ISO --until ISO] [--json]`: runs a flow against the store on the
 * simulated clock, from start to until (engine/simulation/simulate-flow.ts, which the editor's
 * simulate mode calls too): entries, waits, wake-ups and sends (through the `log` channel:
 * outbox and contact history only). Events already in the store whose time falls in
 * [start, until) arrive at their time, so event-triggered flows can be back-tested on history,
 * and nodes see the store as of the simulated now.
 *
 * The simulation runs in one transaction that is rolled back at the end, so the store is left
 * as it was and the same arguments over the same data give the same counts; `--keep` commits
 * the run (its journal, outbox and contact history) for inspection instead. For a flow with a
 * measure node or a `settings.goal`, the measure report (conversions and uplift over the
 * holdout, engine/measure/report.ts) is taken inside the simulation, before the roll-back.
 */
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'
import type { MeasureReport } from '../../engine/measure/report.ts'
import { resolveNodeSettings } from '../../engine/config/node-settings.ts'
import { loadProjectConfig } from '../../engine/registry/project-config.ts'
import { ContactPolicyFile } from '../../server/services/contact-policy-file.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { backtestFlow, measured, type RunReport, type SimulateOptions } from '../../engine/simulation/simulate-flow.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, describeStore, withStore, type StoreOptionValues } from '../store-options.ts'
import { formatAsOf, parseDateOption, startOfUtcDay } from './shared/as-of.ts'

/** Links in back-tested messages point where `sluice serve` listens by default when server.publicUrl is not set. */
const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000'

export type { RunReport, SimulateOptions }

const DAY = 86_400_000

interface RunFlags extends StoreOptionValues, RegistryOptionValues {
  start?: string
  until?: string
  json?: boolean
  seed?: string
  batchSize?: string
  keep?: boolean
  by?: string
  byTag?: string
}

/** Registers `run`. */
export function register(program: Command): void {
  const command = program
    .command('run')
    .description('Run a flow on the simulated clock from --start to --until against the store (sends through the log channel)')
    .argument('<flow>', 'flow file (flows/<slug>.flow.json)')
    .option('--start <time>', 'simulated start, ISO date or instant (default: today 00:00 UTC)')
    .option('--until <time>', 'simulated end, exclusive (default: start + 30 days)')
    .option('--seed <seed>', 'seed of ctx.random (default: derived from the flow and start)')
    .option('--batch-size <n>', 'customers per node call (default 5000)')
    .option('--keep', 'commit the run (journal, outbox, contact history) instead of rolling it back')
    .option('--by <attribute>', 'measure report: break conversions and uplift down by this customer attribute (e.g. member_tier)')
    .option('--by-tag <tag>', 'measure report: break them down by this tag (e.g. the RFM cell a score node wrote)')
    .option('--json', 'print the summary as JSON')
  addRegistryOptions(addStoreOptions(command)).action(async (file: string, flags: RunFlags) => {
    const start = parseDateOption('--start', flags.start, startOfUtcDay(Date.now()))
    const until = parseDateOption('--until', flags.until, start + 30 * DAY)
    if (until <= start) throw new UserError('cli.run', `--until (${formatAsOf(until)}) must be after --start (${formatAsOf(start)})`)
    const batchSize = parseBatchSize(flags.batchSize)
    const registry = await registryFromOptions(flags)
    const flow = await loadFlowFile(file, registry)
    const project = await loadProjectConfig(process.cwd())
    // The policy in force (as changed through the API, else the config's) and the project's secrets, read once.
    const { policy: contactPolicy, source } = await ContactPolicyFile.beside(process.cwd(), project.file, project.config.contactPolicy).load()
    const settings = resolveNodeSettings(project.config, process.env, { where: project.file ?? 'sluice.config.ts', fallbackUrl: DEFAULT_PUBLIC_URL })
    if (flags.by !== undefined && flags.byTag !== undefined) throw new UserError('cli.run', 'give --by or --by-tag, not both')
    if ((flags.by !== undefined || flags.byTag !== undefined) && !measured(flow, registry)) {
      throw new UserError('cli.run', `--by and --by-tag break down the measure report, but flow "${flow.id}" has no measure node and no settings.goal`)
    }
    const report = await withStore(flags, (store) =>
      simulateFlow(store, {
        flow, registry, start, until, keep: flags.keep === true,
        ...(flags.seed ? { seed: flags.seed } : {}), ...(batchSize ? { batchSize } : {}), ...(source === 'none' ? {} : { contactPolicy }),
        secrets: settings.secrets, ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
        ...(flags.by ? { by: flags.by } : {}), ...(flags.byTag ? { byTag: flags.byTag } : {}),
      }),
    )
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    else process.stdout.write(formatReport(report, describeStore(flags)))
    // The report is printed either way; customers in error make the command fail (exit 1).
    if (report.positions.error > 0) throw new UserError('run.customers-in-error', customersInError(report, flags.json === true))
  })
}

/** Publishes `flow` and back-tests it against `store` on the simulated clock: what `sluice run` does. */
export function simulateFlow(store: StorePort, options: SimulateOptions): Promise<RunReport> {
  return backtestFlow(openEngineStore(store), options)
}

function parseBatchSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const size = Number(value)
  if (!Number.isInteger(size) || size < 1 || size > 100_000) throw new UserError('cli.run', `--batch-size: expected a whole number from 1 to 100000, got "${value}"`)
  return size
}

/** The one-line failure of a run that left customers in error. */
function customersInError(report: RunReport, json: boolean): string {
  const nodes = new Set(report.errors.map((group) => group.nodeId))
  const where = [...nodes].map((id) => `"${id}"`).join(', ')
  const count = report.positions.error.toLocaleString('en-US')
  return `${count} customer${report.positions.error === 1 ? '' : 's'} ended in error at ${where}; ${json ? '"errors" in the report gives' : 'the report above gives'} each node's message and how many customers it stopped`
}

function formatReport(report: RunReport, where: string): string {
  const n = (value: number) => value.toLocaleString('en-US')
  const width = Math.max(4, ...Object.keys(report.nodes).map((id) => id.length))
  const lines = [
    `Ran ${report.flow.id} v${report.flow.version} on ${where}, simulated ${report.start} → ${report.until} (${n(report.ticks)} ticks; ${report.kept ? 'kept' : 'rolled back'})`,
    ...report.warnings.map((w) => `  warning ${w.path}: ${w.message}  [${w.code}]`),
    `  ${'node'.padEnd(width)}  ${'entered'.padStart(9)}  outputs`,
  ]
  for (const [id, node] of Object.entries(report.nodes)) {
    const outputs = Object.entries(node.outputs).map(([output, count]) => `${output} ${n(count)}`)
    if (node.parked > 0) outputs.push(`(parked ${n(node.parked)})`)
    if (node.failed > 0) outputs.push(`(failed ${n(node.failed)})`)
    lines.push(`  ${id.padEnd(width)}  ${n(node.entered).padStart(9)}  ${outputs.join(', ')}`)
  }
  const sends = Object.entries(report.sends).map(([channel, count]) => `${channel} ${n(count ?? 0)}`)
  const held = Object.entries(report.held).map(([channel, count]) => `${channel} ${n(count ?? 0)}`)
  lines.push(`  sends: ${sends.length > 0 ? sends.join(', ') : 'none'}${held.length > 0 ? `; held back (holdout): ${held.join(', ')}` : ''}`)
  const p = report.positions
  lines.push(`  customers: ${n(p.done)} finished, ${n(p.active)} still in the flow, ${n(p.error)} in error, ${n(p.cancelled)} cancelled`)
  if (report.errors.length > 0) {
    lines.push('  errors (node, customers, message):')
    const counts = report.errors.map((group) => n(group.customers))
    const countWidth = Math.max(...counts.map((count) => count.length))
    report.errors.forEach((group, i) => lines.push(`    ${group.nodeId.padEnd(width)}  ${(counts[i] as string).padStart(countWidth)}  ${group.message}`))
  }
  if (report.measure) lines.push('', ...formatMeasure(report.measure))
  return `${lines.join('\n')}\n`
}

/** The measure report as a table: one row per scope (flow, node, channel, segment value), treated against holdout. */
export function formatMeasure(measure: MeasureReport): string[] {
  const n = (value: number) => value.toLocaleString('en-US')
  const pct = (value: number) => `${(value * 100).toFixed(2)}%`
  const points = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)}`
  const { goal } = measure
  const anchor = goal.anchor === 'entry' ? 'entering the flow' : `passing "${goal.anchor.node}"`
  const where = goal.where ? ` where ${Object.entries(goal.where).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}` : ''
  const rows: string[][] = [['scope', 'entered', 'treated', 'sent', 'opened', 'clicked', 'converted', 'rate', 'revenue', 'holdout', 'converted', 'rate', 'uplift (pts)', '95 % CI', 'p-value']]
  const add = (scope: string, c: MeasureReport['overall']) => {
    const u = c.uplift
    rows.push([
      scope, c.treated.entered === undefined ? '' : n(c.treated.entered + (c.holdout.entered ?? 0)), n(c.treated.customers), c.treated.sent === undefined ? '' : n(c.treated.sent), n(c.treated.opened), n(c.treated.clicked),
      n(c.treated.converted), pct(c.treated.rate), n(c.treated.revenue), n(c.holdout.customers), n(c.holdout.converted), pct(c.holdout.rate),
      u.enough ? points(u.uplift) : 'not enough data', u.enough ? `[${points(u.ci95[0])}, ${points(u.ci95[1])}]` : '', u.enough ? u.pValue.toPrecision(3) : '',
    ])
  }
  add('flow', measure.overall)
  for (const [id, c] of Object.entries(measure.nodes)) add(`node ${id}`, c)
  for (const [channel, c] of Object.entries(measure.channels)) if (c) add(`channel ${channel}`, c)
  for (const [value, c] of Object.entries(measure.segments?.values ?? {})) add(`${measure.segments?.by} = ${value}`, c)
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`.trimEnd()
  const open = (measure.overall.treated.open ?? 0) + (measure.overall.holdout.open ?? 0)
  const notes = measure.overall.uplift.enough ? [] : [`  ${measure.overall.uplift.reason}`]
  return [
    `Measure (${goal.source}): "${goal.event}"${where} within ${goal.withinDays} days of ${anchor}; revenue = sum of "${goal.revenue}"; as of ${new Date(measure.asOf).toISOString()}`,
    ...rows.map(line),
    ...notes,
    '  entered: arrived at the node in the run, measured or not; treated / holdout: measured customers, each once, on the pass in which they first reached the measure node (settings.goal: their first entry), windows closed.',
    `  ${n(open)} measured customers' windows were still open (not counted). Uplift = treated rate − holdout rate; 95 % CI Newcombe hybrid score; p-value two-sided pooled two-proportion z-test; ${measure.method.minimum}.`,
  ]
}
