/**
 * A/A calibration of the measure report (docs/measure.md, "Calibration"): runs a flow once per
 * holdout draw (draw s: the flow under another id, so inHoldout draws again), each through
 * `sluice run`'s code and rolled back, and prints how often the 95 % interval covered 0 and
 * p fell under 0.05. A back-test writes no events, so the messages have no effect to find.
 *
 * The synthetic A/A set of test/support/measure-calibration.ts, in memory:
 *   npx tsx scripts/measure-calibration.ts [--draws 200] [--first 0] [--customers 600] [--holdout 30] [--json]
 * Or any flow on a store (e.g. the demo; draws are named <flow id>-aa-<s>):
 *   npx tsx scripts/measure-calibration.ts --db data/demo.db --flow flows/win-back.flow.json \
 *     --start 2025-04-21 --until 2025-06-15 [--holdout 10] [--draws 20]
 */
import { parseArgs } from 'node:util'
import { loadFlowFile } from '../engine/flow/files.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import { openStore } from '../store/open-store.ts'
import { AA_START, loadAaDataset, redrawn, runAaDraws, summarizeAa, type AaDraw } from '../test/support/measure-calibration.ts'

const { values } = parseArgs({
  options: {
    draws: { type: 'string', default: '200' }, first: { type: 'string', default: '0' }, customers: { type: 'string', default: '600' },
    holdout: { type: 'string' }, db: { type: 'string' }, flow: { type: 'string' }, start: { type: 'string' }, until: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
})
const whole = (name: string, text: string | undefined): number => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a whole number, got "${text}"`)
  return n
}
const date = (name: string, text: string | undefined): number => {
  const at = Date.parse(text ?? '')
  if (Number.isNaN(at)) throw new Error(`--${name}: expected an ISO date or instant, got "${text}"`)
  return at
}

const registry = await loadRegistry({ root: process.cwd(), nodeDirs: [] })
const onDraw = (d: AaDraw) => {
  if (values.json) return
  const figure = d.uplift ? `${(d.uplift.uplift * 100).toFixed(2)} pts [${(d.uplift.ci95[0] * 100).toFixed(2)}, ${(d.uplift.ci95[1] * 100).toFixed(2)}] p=${d.uplift.pValue.toFixed(4)}` : 'not enough data'
  process.stderr.write(`${d.flowId}: treated ${d.treated.converted}/${d.treated.customers}, holdout ${d.holdout.converted}/${d.holdout.customers} (open ${d.treated.open}/${d.holdout.open}, held ${d.holdout.held}): ${figure}\n`)
}
const started = performance.now()
let draws: AaDraw[]
const common = { first: whole('first', values.first), count: whole('draws', values.draws), onDraw }
if (values.db !== undefined || values.flow !== undefined) {
  if (values.db === undefined || values.flow === undefined) throw new Error('--db and --flow go together (with --start and --until)')
  const flow = await loadFlowFile(values.flow, registry)
  const holdoutPercent = values.holdout === undefined ? flow.settings.holdout.percent : whole('holdout', values.holdout)
  const start = date('start', values.start)
  const store = await openStore({ db: values.db, now: () => start })
  try {
    draws = await runAaDraws(store, registry, { ...common, holdoutPercent, flowOf: redrawn(flow, holdoutPercent), start, until: date('until', values.until) })
  } finally {
    await store.close()
  }
} else {
  const store = await openStore({ db: ':memory:', now: () => AA_START })
  await loadAaDataset(store, whole('customers', values.customers))
  draws = await runAaDraws(store, registry, { ...common, holdoutPercent: whole('holdout', values.holdout ?? '30') })
  await store.close()
}
const summary = { ...summarizeAa(draws), seconds: Math.round((performance.now() - started) / 100) / 10 }
process.stdout.write(values.json ? `${JSON.stringify({ summary, draws }, null, 2)}\n` : `${JSON.stringify(summary)}\n`)
