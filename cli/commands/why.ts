/**
 * `sluice why CUSTOMER [--run RUN] [--json]`: why a customer went where they did. The same trace
 * as `GET /api/customers/{id}/journey` (engine/journal/journey-trace.ts): per run (newest first,
 * or the one given) every node passed, the output taken, when, the reason in the node type's
 * words, and the messages sent with their delivery state. `--json` prints the trace as the API
 * answers it.
 */
import type { Command } from 'commander'
import { journeyTrace, type JourneyRun, type JourneyTrace } from '../../engine/journal/journey-trace.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'

interface WhyFlags extends StoreOptionValues, RegistryOptionValues {
  run?: string
  json?: boolean
}

export function register(program: Command): void {
  const command = program
    .command('why')
    .description('Explain a customer\'s journey: each node passed per run, the output, when and why, and the messages sent')
    .argument('<customer>', 'customer id')
    .option('--run <run>', 'only this run (default: every run the customer entered, newest first)')
    .option('--json', 'print the trace as JSON (as GET /api/customers/{id}/journey answers)')
  addRegistryOptions(addStoreOptions(command)).action(async (customerId: string, flags: WhyFlags) => {
    const registry = await registryFromOptions(flags)
    const trace = await withStore(flags, (store) => journeyTrace({ store: openEngineStore(store), registry }, customerId, flags.run === undefined ? {} : { runId: flags.run }))
    process.stdout.write(flags.json ? `${JSON.stringify(trace, null, 2)}\n` : formatJourney(trace))
  })
}

/** The trace as text: a block per run, a line per step, then the messages. */
export function formatJourney(trace: JourneyTrace): string {
  if (trace.runs.length === 0) return `Customer ${trace.customer} has entered no run.\n`
  return `${trace.runs.map((run) => formatRun(trace.customer, run)).join('\n')}`
}

function formatRun(customer: string, run: JourneyRun): string {
  const lines = [`${customer} in run ${run.runId} (flow ${run.flowId} v${run.flowVersion}, ${run.runState})${run.position?.holdout ? ' — in the holdout' : ''}`]
  for (const step of run.steps) {
    const node = step.nodeTitle && step.nodeTitle !== step.nodeId ? `${step.nodeId} (${step.nodeTitle})` : step.nodeId
    const what = step.kind === 'passed' ? `→ ${step.output ?? ''}` : step.kind
    lines.push(`  ${step.at}  ${node}  ${what}: ${step.reason}`)
  }
  const p = run.position
  if (p) {
    const where = p.state === 'active' ? `at ${p.nodeId}${p.dueAt ? `, due ${p.dueAt}` : ''}` : p.state === 'done' ? `done at ${p.nodeId} (${p.lastOutput ?? 'no output'})` : `${p.state} at ${p.nodeId}${p.error ? `: ${p.error}` : ''}`
    lines.push(`  now: ${where}`)
  }
  if (run.messages.length === 0) lines.push('  messages: none')
  else {
    lines.push('  messages:')
    for (const m of run.messages) {
      const delivery = m.state === 'sent' ? `sent ${m.sentAt ?? ''}`.trim() : m.state === 'dead' ? `dead after ${m.attempts} attempt(s)` : m.attempts > 0 ? `pending, ${m.attempts} attempt(s)` : 'pending'
      const extra = [m.fallback ? 'fallback' : '', m.contact ? `contact: ${m.contact}` : '', m.lastError ? `last error: ${m.lastError}` : ''].filter((x) => x !== '').join('; ')
      lines.push(`    ${m.createdAt}  ${m.nodeId}  ${m.channel}: ${delivery}${extra ? ` (${extra})` : ''}`)
    }
  }
  return `${lines.join('\n')}\n`
}
