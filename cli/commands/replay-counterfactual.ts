/**
 * The counterfactual half of `sluice replay RUN`: `--flow OTHER.flow.json` or `--version N`
 * replays the run's recorded inputs through another version of its flow on an isolated copy
 * of the store (engine/replay/counterfactual.ts, the same code as `POST /api/runs/{id}/replay`)
 * and prints, per node, customers in and out by output in both, sends per channel, and the
 * customers whose path changed (examples; all of them with `--csv FILE`). `--json` prints the
 * report as the API answers it.
 */
import { writeFileSync } from 'node:fs'
import Table from 'cli-table3'
import type { Command } from 'commander'
import { resolveNodeSettings } from '../../engine/config/node-settings.ts'
import { UserError } from '../../engine/errors.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import { loadProjectConfig } from '../../engine/registry/project-config.ts'
import type { CounterfactualReport, OtherVersion } from '../../engine/replay/counterfactual.ts'
import { changeOf, counterfactualCsv, pathText } from '../../engine/replay/counterfactual-text.ts'
import { ContactPolicyFile } from '../../server/services/contact-policy-file.ts'
import { replayCounterfactual } from '../../server/services/counterfactual-replay.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { describeStore, withStore, type StoreOptionValues } from '../store-options.ts'

/** The flags of the counterfactual path. */
export interface CounterfactualFlags extends StoreOptionValues {
  flow?: string
  version?: string
  csv?: string
  examples?: string
  json?: boolean
}

/** Examples of changed customers printed by default. */
export const DEFAULT_EXAMPLES = 10

/** Adds --flow, --version, --csv and --examples to the replay command. */
export function addCounterfactualOptions(command: Command): Command {
  return command
    .option('--flow <file>', 'counterfactual: replay the run through this version of its flow (a flow file) instead')
    .option('--version <n>', 'counterfactual: replay the run through this published version of its flow')
    .option('--csv <file>', 'counterfactual: write every customer whose path or sends changed to this CSV file')
    .option('--examples <n>', `counterfactual: how many changed customers to print (default ${DEFAULT_EXAMPLES})`)
}

/** Whether the flags ask for a counterfactual (else the exact replay). */
export function wantsCounterfactual(flags: CounterfactualFlags): boolean {
  return flags.flow !== undefined || flags.version !== undefined
}

/** Runs the counterfactual the flags ask for and prints it; `--csv` writes the changed customers. */
export async function runCounterfactual(runId: string, flags: CounterfactualFlags, registry: NodeRegistry): Promise<CounterfactualReport> {
  if (flags.flow !== undefined && flags.version !== undefined) throw new UserError('cli.replay', '--flow and --version: give one, the other version to replay the run through')
  if (!wantsCounterfactual(flags)) throw new UserError('cli.replay', '--csv and --examples go with a counterfactual: give --flow FILE or --version N')
  const examples = wholeNumber('--examples', flags.examples, DEFAULT_EXAMPLES)
  const other: OtherVersion = flags.flow !== undefined ? { flow: await loadFlowFile(flags.flow, registry) } : { version: wholeNumber('--version', flags.version, 0, 1) }
  const project = await loadProjectConfig(process.cwd())
  const { policy, source } = await ContactPolicyFile.beside(process.cwd(), project.file, project.config.contactPolicy).load()
  const { secrets, publicUrl } = resolveNodeSettings(project.config, process.env, { where: project.file ?? 'sluice.config.ts', fallbackUrl: 'http://127.0.0.1:3000' })
  const report = await withStore(flags, (store) =>
    replayCounterfactual({ store, engineStore: openEngineStore(store), registry, settings: { ...(source === 'none' ? {} : { contactPolicy: policy }), secrets, ...(publicUrl ? { publicUrl } : {}) } }, runId, other),
  )
  if (flags.csv !== undefined) writeFileSync(flags.csv, counterfactualCsv(report))
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatCounterfactual(report, describeStore(flags), { examples, ...(flags.csv === undefined ? {} : { csv: flags.csv }) }))
  return report
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new UserError('cli.replay', `${flag}: expected a whole number${min > 0 ? ` from ${min}` : ''}, got "${value}"`)
  return n
}

const n = (value: number) => value.toLocaleString('en-US')
const signed = (value: number) => (value > 0 ? `+${n(value)}` : value < 0 ? `−${n(-value)}` : '0')

/** The report as text: the nodes compared, sends per channel, the changed customers' examples. */
export function formatCounterfactual(report: CounterfactualReport, where: string, options: { examples: number; csv?: string }): string {
  const copy = report.copy === 'snapshot' ? 'a snapshot copy' : 'a rolled-back transaction'
  const lines = [
    `Counterfactual replay of run ${report.run.id} (${report.run.flowId} v${report.run.version}) through v${report.other.version}${report.other.source === 'file' ? ' (flow file)' : ''} on ${where}, ${report.from} → ${report.until}, in ${copy}; nothing sent, nothing kept`,
    report.inputs.recorded
      ? `Inputs: ${n(report.inputs.fromRecording)} read(s) answered from the recording, ${n(report.inputs.fromCopy)} read from the copy as of now${perNode(report)}`
      : `Inputs: the run recorded none; ${n(report.inputs.fromCopy)} read(s) read from the copy as of now (events and scores as of the simulated time)`,
  ]
  const nodes = new Table({ head: ['node', 'entered', 'outputs (original → counterfactual)'] })
  for (const node of report.nodes) {
    const label = node.in === 'both' ? node.nodeId : `${node.nodeId} (${node.in === 'original' ? 'removed' : 'new'})`
    const entered = `${n(node.original?.entered ?? 0)} → ${n(node.counterfactual?.entered ?? 0)} (${signed(node.delta.entered)})`
    const outputs = Object.entries(node.delta.outputs).map(([output, delta]) => `${output} ${n(node.original?.outputs[output] ?? 0)} → ${n(node.counterfactual?.outputs[output] ?? 0)} (${signed(delta)})`)
    nodes.push([label, entered, outputs.join('\n')])
  }
  lines.push(nodes.toString())
  if (report.sends.length + report.held.length === 0) lines.push('Sends: none in either')
  else {
    const sends = new Table({ head: ['channel', 'sends', 'held for the holdout'] })
    const channels = [...new Set([...report.sends, ...report.held].map((c) => c.channel))].sort()
    for (const channel of channels) {
      const s = report.sends.find((c) => c.channel === channel)
      const h = report.held.find((c) => c.channel === channel)
      sends.push([channel, `${n(s?.original ?? 0)} → ${n(s?.counterfactual ?? 0)} (${signed(s?.delta ?? 0)})`, `${n(h?.original ?? 0)} → ${n(h?.counterfactual ?? 0)} (${signed(h?.delta ?? 0)})`])
    }
    lines.push(sends.toString())
  }
  const c = report.customers
  lines.push(`Customers: ${n(c.original)} in the run, ${n(c.counterfactual)} in the counterfactual; ${n(c.changed)} changed path or sends (${n(c.noLongerSent)} no longer sent a message, ${n(c.newlySent)} newly sent)`)
  for (const customer of report.changed.slice(0, options.examples)) {
    lines.push(
      `  ${customer.customerId} (${changeOf(customer)})`,
      `    run:            ${pathText(customer.original)}${sendsText(customer.originalSends, customer.originalHeld)}`,
      `    counterfactual: ${pathText(customer.counterfactual)}${sendsText(customer.counterfactualSends, customer.counterfactualHeld)}`,
    )
  }
  if (report.changed.length > options.examples) lines.push(`  … and ${n(report.changed.length - options.examples)} more${options.csv ? '' : ' (--csv FILE lists them all)'}`)
  if (options.csv) lines.push(`Wrote ${n(report.changed.length)} changed customer(s) to ${options.csv}`)
  return `${lines.join('\n')}\n`
}

/** ` (rfm 1 recorded / 0 copy, policy …)`: where each node's reads were answered. */
function perNode(report: CounterfactualReport): string {
  const nodes = Object.entries(report.inputs.byNode).map(([nodeId, c]) => `${nodeId} ${n(c.fromRecording)} recorded / ${n(c.fromCopy)} copy`)
  return nodes.length === 0 ? '' : ` (${nodes.join(', ')})`
}

function sendsText(channels: readonly string[], held: readonly string[]): string {
  const sent = channels.length === 0 ? '; no message' : `; sent ${channels.join(', ')}`
  return held.length === 0 ? sent : `${sent} (held back for the holdout: ${held.join(', ')})`
}
