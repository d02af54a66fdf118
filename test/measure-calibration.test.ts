/**
 * A/A calibration of the measure report (issue 16; docs/measure.md, "Calibration"): 200 holdout
 * draws (flow ids aa-0 … aa-199, each another draw of inHoldout) of a flow whose messages cannot
 * change anything (a back-test writes no events), each run through `sluice run`'s own code on
 * the same synthetic store of 300 customers who re-enter weekly, the treated ones held on
 * re-entry by "not the same offer twice", half of them held out (equal groups, so the test is
 * about the report, not about the normal approximation at a handful of conversions). With no
 * effect to find, the 95 % interval must cover 0 in 95 % ± 3 % of the draws and p < 0.05 in
 * 5 % ± 3 %, and the uplift must average 0. Before the fix the same 200 draws covered 0 in
 * 19.5 %, gave p < 0.05 in 80 % and averaged −15.0 points, every one of them negative.
 * `npx tsx scripts/measure-calibration.ts --customers 300 --holdout 50` prints these figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StorePort } from '../engine/ports/store.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import { openStore } from '../store/open-store.ts'
import { AA_START, loadAaDataset, runAaDraws, summarizeAa } from './support/measure-calibration.ts'

const DRAWS = 200
const CUSTOMERS = 300
const HOLDOUT = 50

let store: StorePort
beforeAll(async () => {
  store = await openStore({ db: ':memory:', now: () => AA_START })
  await loadAaDataset(store, CUSTOMERS)
})
afterAll(() => store?.close())

describe('measure report A/A calibration', () => {
  it('covers 0 in 95 % ± 3 % of 200 holdout draws, p < 0.05 in 5 % ± 3 %, and averages no uplift', async () => {
    const registry = await loadRegistry({ root: process.cwd(), nodeDirs: [] })
    const draws = await runAaDraws(store, registry, { count: DRAWS, holdoutPercent: HOLDOUT })
    const summary = summarizeAa(draws)
    // Nearly every draw is large enough for a figure (the holdout's expected conversions at the
    // pooled rate ≥ 5); the rule does not look at how conversions split, so it selects no result.
    expect(summary.measured).toBeGreaterThanOrEqual(0.95 * DRAWS)
    // The groups differ after the first pass (the holdout passes the offer rule again): the case the report must not be fooled by.
    expect(draws.every((d) => d.holdout.held > d.holdout.customers + d.holdout.open)).toBe(true)
    expect(summary.coverage).toBeGreaterThanOrEqual(0.92)
    expect(summary.coverage).toBeLessThanOrEqual(0.98)
    expect(summary.falsePositives).toBeGreaterThanOrEqual(0.02)
    expect(summary.falsePositives).toBeLessThanOrEqual(0.08)
    // The mean uplift within three standard errors of 0.
    const uplifts = draws.flatMap((d) => (d.uplift ? [d.uplift.uplift] : []))
    const sd = Math.sqrt(uplifts.reduce((sum, u) => sum + (u - summary.meanUplift) ** 2, 0) / (uplifts.length - 1))
    expect(Math.abs(summary.meanUplift)).toBeLessThan((3 * sd) / Math.sqrt(uplifts.length))
  }, 600_000)
})
