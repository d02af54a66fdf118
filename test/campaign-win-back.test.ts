/**
 * The win-back reference campaign (flows/win-back.flow.json) on the demo data as of
 * 2026-11-01, run over its last eight weeks (`sluice run --start 2026-09-07 --until 2026-11-01`):
 * the monthly fire on 1 October scores everyone by RFM, the "at risk" cell passes the contact
 * policy (quiet hours deferred to 08:00 local), gets a message on the preferred channel, and is
 * measured for 14 days after it. Counts are exact: the demo, the holdout draw and the run are
 * deterministic.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatMeasure, register, type RunReport } from '../cli/commands/run.ts'
import { runCommand } from '../cli/run-command.ts'
import { inHoldout } from '../engine/executor/admit.ts'
import { loadDemo } from '../demo/load-demo.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'

const AS_OF = Date.UTC(2026, 10, 1)
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-win-back-'))
const db = path.join(temp, 'demo.db')
afterAll(() => rmSync(temp, { recursive: true, force: true }))

const demoIds: string[] = []
beforeAll(async () => {
  const store = await openStore({ db, now: () => AS_OF })
  await loadDemo(store, { asOf: AS_OF })
  const engine = openEngineStore(store)
  for (let after = 0; ; ) {
    const page = await engine.customersPage(after, 5_000)
    if (page.length === 0) break
    demoIds.push(...page.map((c) => c.id))
    after = (page.at(-1) as { key: number }).key
  }
  await store.close()
}, 180_000)

describe('win-back campaign on the demo data', () => {
  it('scores, throttles, reaches at-risk customers on their channel and reports conversions and uplift over the 10 % holdout', async () => {
    const result = await runCommand(register, ['run', 'flows/win-back.flow.json', '--db', db, '--start', '2026-09-07', '--until', '2026-11-01', '--by', 'member_tier', '--json'])
    expect(result.error).toBeUndefined()
    const report = JSON.parse(result.stdout) as RunReport
    expect(report.nodes).toEqual({
      monthly: { entered: 7_043, outputs: { entered: 7_043 }, parked: 0, failed: 0 },
      rfm: { entered: 7_043, outputs: { 'at-risk': 733, other: 6_310 }, parked: 0, failed: 0 },
      // 61 held by the contact policy (each with its reason code in the journal); 363 waited at the gate for 08:00 local first.
      policy: { entered: 733, outputs: { pass: 672, held: 61 }, parked: 363, failed: 0 },
      'reach-out': { entered: 672, outputs: { email: 421, sms: 151, push: 54, none: 46 }, parked: 0, failed: 0 },
      'purchase-14d': { entered: 626, outputs: { converted: 46, 'not converted': 580 }, parked: 626, failed: 0 },
    })
    expect(report.sends).toEqual({ email: 383, push: 53, sms: 138 })
    expect(report.held).toEqual({ email: 38, push: 1, sms: 13 })
    expect(report.delivery).toEqual({ sent: 574, pending: 0, dead: 0 })

    // The holdout: 681 of the 7,043 demo customers (9.7 %), drawn by flow id × customer id.
    expect(demoIds.length).toBe(7_043)
    const holdout = demoIds.filter((id) => inHoldout('win-back', id, 10)).length
    expect(holdout).toBe(681)
    const measure = report.measure
    if (!measure) throw new Error('sluice run printed no measure report for a flow with a measure node')
    expect([measure.nodes.monthly?.treated.entered, measure.nodes.monthly?.holdout.entered]).toEqual([7_043 - 681, 681])

    // Measured: the 626 who reached the measure node; the holdout's 52 are exactly its held sends.
    expect(measure.goal).toEqual({ source: 'node:purchase-14d', event: 'purchase', withinDays: 14, anchor: { node: 'reach-out' }, revenue: 'amount' })
    const { treated, holdout: control } = measure.overall
    expect([treated.customers, treated.sent, treated.delivered, treated.opened, treated.clicked, treated.converted, treated.revenue, treated.open]).toEqual([574, 574, 574, 136, 34, 45, 2_487.27, 0])
    expect([control.customers, control.held, control.converted, control.revenue]).toEqual([52, 52, 1, 15.89])
    expect(treated.converted + control.converted).toBe(report.nodes['purchase-14d']?.outputs.converted)
    // 52 held out at the pooled rate of 46 / 626 would convert 3.8 times: too few for a figure, the reason instead.
    expect(measure.overall.uplift).toEqual({ enough: false, reason: 'not enough data: at the pooled rate of 7.35 % the holdout group would have 3.8 conversions (minimum 5)' })

    const byChannel = Object.fromEntries(Object.entries(measure.channels).map(([channel, c]) => [channel, [c?.treated.customers, c?.treated.converted, c?.holdout.customers, c?.holdout.converted]]))
    expect(byChannel).toEqual({ email: [383, 27, 38, 1], push: [53, 7, 1, 0], sms: [138, 11, 13, 0] })
    expect(Object.keys(measure.nodes)).toEqual(['monthly', 'rfm', 'policy', 'reach-out', 'purchase-14d'])
    const byTier = Object.fromEntries(Object.entries(measure.segments?.values ?? {}).map(([tier, c]) => [tier, [c.treated.customers, c.treated.converted, c.holdout.customers, c.holdout.converted]]))
    expect(byTier).toEqual({ bronze: [141, 11, 12, 0], gold: [141, 10, 11, 0], platinum: [110, 9, 12, 0], silver: [182, 15, 17, 1] })

    const table = formatMeasure(measure)
    expect(table[0]).toBe('Measure (node:purchase-14d): "purchase" within 14 days of passing "reach-out"; revenue = sum of "amount"; as of 2026-10-31T23:59:59.999Z')
    expect(table[2]).toMatch(/^ {2}flow +574 +574 +136 +34 +45 +7\.84% +2,487\.27 +52 +1 +1\.92% +not enough data$/)
  }, 300_000)
})
