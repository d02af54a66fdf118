/**
 * `sluice forecast FLOW [--days N] [--json]`: what a flow (a file, or the id of a flow in the
 * library: its draft) would do over the next N days if published now, on the real store,
 * sending nothing: counts per node and edge, sends per channel per day, the holdout's size and
 * which caps or capacities bind for how many customers. The same code as the API's
 * `POST /api/flows/{id}/forecast` (server/services/flow-forecast.ts); rolled back, so the store
 * keeps nothing of it. A progress bar on stderr (a terminal only) follows the simulated days.
 */
import { existsSync } from 'node:fs'
import Table from 'cli-table3'
import type { Command } from 'commander'
import { resolveNodeSettings } from '../../engine/config/node-settings.ts'
import { UserError } from '../../engine/errors.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'
import { loadProjectConfig } from '../../engine/registry/project-config.ts'
import { FORECAST_DEFAULT_DAYS, FORECAST_MAX_DAYS, type ForecastReport } from '../../engine/simulation/forecast-flow.ts'
import { ContactPolicyFile } from '../../server/services/contact-policy-file.ts'
import { forecast, libraryFlow } from '../../server/services/flow-forecast.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, describeStore, withStore, type StoreOptionValues } from '../store-options.ts'
import { createProgress } from './shared/progress.ts'

const DAY = 86_400_000
/** Links in forecast messages point where `sluice serve` listens by default when server.publicUrl is not set. */
const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000'

interface ForecastFlags extends StoreOptionValues, RegistryOptionValues {
  days?: string
  json?: boolean
}

export function register(program: Command): void {
  const command = program
    .command('forecast')
    .description('Forecast a flow over the next days if published now, on the store, sending nothing (rolled back)')
    .argument('<flow>', 'flow file (flows/<slug>.flow.json) or the id of a flow in the library (its draft)')
    .option('--days <n>', `days ahead, 1 to ${FORECAST_MAX_DAYS} (default ${FORECAST_DEFAULT_DAYS})`)
    .option('--json', 'print the forecast as JSON')
  addRegistryOptions(addStoreOptions(command)).action(async (flowArg: string, flags: ForecastFlags) => {
    const days = parseDays(flags.days)
    const registry = await registryFromOptions(flags)
    const fromFile = existsSync(flowArg) || flowArg.endsWith('.json')
    const fileFlow = fromFile ? await loadFlowFile(flowArg, registry) : undefined
    const project = await loadProjectConfig(process.cwd())
    const { policy, source } = await ContactPolicyFile.beside(process.cwd(), project.file, project.config.contactPolicy).load()
    const { secrets, publicUrl } = resolveNodeSettings(project.config, process.env, { where: project.file ?? 'sluice.config.ts', fallbackUrl: DEFAULT_PUBLIC_URL })
    const progress = createProgress(flags.json === true)
    const report = await withStore(flags, async (customers) => {
      const store = openEngineStore(customers)
      const flow = fileFlow ?? (await libraryFlow(store, flowArg))
      const now = Date.now()
      progress.start('forecast', days, 'customers')
      try {
        return await forecast(
          { store, registry, now: () => now, settings: { ...(source === 'none' ? {} : { contactPolicy: policy }), secrets, ...(publicUrl ? { publicUrl } : {}) } },
          flow,
          { days, onProgress: (at) => progress.update(Math.min(days, Math.floor((at - now) / DAY))) },
        )
      } finally {
        progress.stop()
      }
    })
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatForecast(report, describeStore(flags)))
  })
}

function parseDays(value: string | undefined): number {
  if (value === undefined) return FORECAST_DEFAULT_DAYS
  const days = Number(value)
  if (!Number.isInteger(days) || days < 1 || days > FORECAST_MAX_DAYS) throw new UserError('cli.forecast', `--days: expected a whole number from 1 to ${FORECAST_MAX_DAYS}, got "${value}"`)
  return days
}

/** The forecast as text: nodes, sends per day and channel, holdout, binding limits. */
export function formatForecast(report: ForecastReport, where: string): string {
  const n = (value: number) => value.toLocaleString('en-US')
  const lines = [
    `Forecast of ${report.flow.id} v${report.flow.version} on ${where}, ${report.from} → ${report.until} (${report.days} day${report.days === 1 ? '' : 's'}; ${n(report.replayedEvents)} events of the last ${report.days} days replayed as arrivals; rolled back, nothing sent)`,
  ]
  const nodes = new Table({ head: ['node', 'entered', 'outputs'] })
  for (const [id, node] of Object.entries(report.nodes)) {
    const outputs = Object.entries(node.outputs).map(([output, count]) => `${output} ${n(count)}`)
    if (node.parked > 0) outputs.push(`(parked ${n(node.parked)})`)
    if (node.failed > 0) outputs.push(`(failed ${n(node.failed)})`)
    nodes.push([id, n(node.entered), outputs.join(', ')])
  }
  lines.push(nodes.toString())
  const channels = [...new Set(report.sendsPerDay.map((d) => d.channel))].sort()
  if (channels.length === 0) lines.push('Sends: none')
  else {
    const perDay = new Table({ head: ['day', ...channels] })
    const days = [...new Set(report.sendsPerDay.map((d) => d.day))]
    for (const day of days) perDay.push([day, ...channels.map((c) => n(report.sendsPerDay.find((d) => d.day === day && d.channel === c)?.sends ?? 0))])
    perDay.push(['total', ...channels.map((c) => n(report.sends[c] ?? 0))])
    lines.push('Sends per day:', perDay.toString())
  }
  const held = Object.entries(report.held).map(([channel, count]) => `${channel} ${n(count ?? 0)}`)
  lines.push(`Holdout: ${n(report.holdout.customers)} of ${n(report.holdout.entered)} customers (${report.holdout.percent} % configured)${held.length > 0 ? `; sends held back: ${held.join(', ')}` : ''}`)
  if (report.limits.length === 0) lines.push('No cap or capacity binds.')
  else {
    const limits = new Table({ head: ['node', 'limit', 'customers', 'what'] })
    for (const l of report.limits) limits.push([l.nodeId, l.limit, n(l.customers), l.description])
    lines.push('Caps and capacities that bind:', limits.toString())
  }
  if (report.positions.error > 0) lines.push(`${n(report.positions.error)} customers would end in error: ${report.errors.map((e) => `${e.nodeId}: ${e.message} (${n(e.customers)})`).join('; ')}`)
  return `${lines.join('\n')}\n`
}
