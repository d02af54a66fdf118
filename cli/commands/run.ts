/**
 * `sluice run FLOW [--start ISO --until ISO] [--json]`: runs a flow against the store on the
 * simulated clock, from start to until: entries, waits, wake-ups and sends (through the `log`
 * channel: outbox and contact history only). Events already in the store whose time falls in
 * [start, until) arrive at their time, so event-triggered flows can be back-tested on history,
 * and nodes see the store as of the simulated now.
 *
 * The simulation runs in one transaction that is rolled back at the end, so the store is left
 * as it was and the same arguments over the same data give the same counts; `--keep` commits
 * the run (its journal, outbox and contact history) for inspection instead.
 */
import type { Command } from 'commander'
import { allChannelsThrough } from '../../engine/channels/channel-port.ts'
import { createLogChannel } from '../../engine/channels/log-channel.ts'
import { SimulatedClock } from '../../engine/clock/simulated-clock.ts'
import { UserError } from '../../engine/errors.ts'
import { Engine } from '../../engine/executor/engine.ts'
import type { RunSummary } from '../../engine/executor/run-summary.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'
import { loadProjectConfig } from '../../engine/registry/project-config.ts'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import { Scheduler, type SchedulerReport } from '../../engine/scheduler/scheduler.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, describeStore, withStore, type StoreOptionValues } from '../store-options.ts'
import { formatAsOf, parseAsOf } from './shared/as-of.ts'

const DAY = 86_400_000

interface RunFlags extends StoreOptionValues, RegistryOptionValues {
  start?: string
  until?: string
  json?: boolean
  seed?: string
  batchSize?: string
  keep?: boolean
}

/** The JSON `sluice run --json` prints. */
export interface RunReport {
  runId: string
  flow: { id: string; version: number }
  start: string
  until: string
  kept: boolean
  ticks: number
  nodes: Record<string, { entered: number; outputs: Record<string, number>; parked: number; failed: number }>
  sends: RunSummary['sends']
  held: RunSummary['held']
  delivery: RunSummary['delivery']
  positions: RunSummary['positions']
}

/** Thrown inside the simulation's transaction to roll it back once the report is taken. */
class RollBack extends Error {}

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
    .option('--json', 'print the summary as JSON')
  addRegistryOptions(addStoreOptions(command)).action(async (file: string, flags: RunFlags) => {
    const start = parseAsOf(flags.start, Date.now())
    const until = flags.until === undefined ? start + 30 * DAY : parseAsOf(flags.until, start)
    if (until <= start) throw new UserError('cli.run', `--until (${formatAsOf(until)}) must be after --start (${formatAsOf(start)})`)
    const batchSize = parseBatchSize(flags.batchSize)
    const registry = await registryFromOptions(flags)
    const flow = await loadFlowFile(file, registry)
    const { contactPolicy } = (await loadProjectConfig(process.cwd())).config
    const report = await withStore(flags, async (store) => {
      const clock = new SimulatedClock(start)
      const engineStore = openEngineStore(store)
      const engine = new Engine({ store: engineStore, registry, clock, channels: allChannelsThrough(createLogChannel()), ...(contactPolicy ? { contactPolicy } : {}) })
      const simulate = async () => {
        const run = await engine.publish(flow, { ...(flags.seed ? { seed: flags.seed } : {}), ...(batchSize ? { options: { batchSize } } : {}) })
        const session = await new Scheduler(engine, clock).runUntil(until)
        return toReport(await engine.summary(run.id), session, start, until, flags.keep === true)
      }
      return flags.keep ? simulate() : rolledBack(engineStore, simulate)
    })
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    else process.stdout.write(formatReport(report, describeStore(flags)))
  })
}

function parseBatchSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const size = Number(value)
  if (!Number.isInteger(size) || size < 1 || size > 100_000) throw new UserError('cli.run', `--batch-size: expected a whole number from 1 to 100000, got "${value}"`)
  return size
}

/** Runs `work` inside one transaction and rolls it back, returning what it returned. */
async function rolledBack<T>(store: EngineStore, work: () => Promise<T>): Promise<T> {
  let result: T | undefined
  try {
    await store.transaction(async () => {
      result = await work()
      throw new RollBack('simulation rolled back')
    })
  } catch (error) {
    if (!(error instanceof RollBack)) throw error
  }
  return result as T
}

function toReport(summary: RunSummary, session: SchedulerReport, start: number, until: number, kept: boolean): RunReport {
  return {
    runId: summary.runId,
    flow: summary.flow,
    start: formatAsOf(start),
    until: formatAsOf(until),
    kept,
    ticks: session.ticks,
    nodes: summary.nodes,
    sends: summary.sends,
    held: summary.held,
    delivery: summary.delivery,
    positions: summary.positions,
  }
}

function formatReport(report: RunReport, where: string): string {
  const n = (value: number) => value.toLocaleString('en-US')
  const width = Math.max(4, ...Object.keys(report.nodes).map((id) => id.length))
  const lines = [
    `Ran ${report.flow.id} v${report.flow.version} on ${where}, simulated ${report.start} → ${report.until} (${n(report.ticks)} ticks; ${report.kept ? 'kept' : 'rolled back'})`,
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
  return `${lines.join('\n')}\n`
}
