import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../engine/sdk/index.ts'
import type { CustomerInput, EventInput } from '../../engine/sdk/index.ts'
import { validateNodeConfig } from '../../engine/sdk/index.ts'
import { DEFAULT_TEST_NOW, testNode } from '../../testing/index.ts'
import score from './index.ts'

const DAY = 86_400_000
const now = DEFAULT_TEST_NOW

// --- RFM fixture: ten buyers in the 365-day window (x1 is not in the cohort but is part of the
// population), o1 bought only before the window, n1 never bought.
const purchases: [string, number, unknown][] = [
  ['b1', 1, 100], ['b1', 10, 100], ['b1', 20, 100], ['b1', 30, 100], ['b1', 40, 100],
  ['b2', 2, 50], ['b2', 5, 50], ['b2', 9, 50], ['b2', 12, 50],
  ['b3', 3, 300],
  ['b4', 30, 20], ['b4', 60, 20], ['b4', 90, 20],
  ['b5', 30, 1000], ['b5', 200, 1000],
  ['b6', 100, 10],
  ['b7', 150, 40], ['b7', 160, 40],
  ['b8', 200, 80], ['b8', 210, 'n/a'], ['b8', 220, 80],
  ['b9', 300, 5],
  ['x1', 360, 500], ['x1', 364, 500],
  ['o1', 400, 999],
  // After `now`: not counted.
  ['b9', -1, 10_000],
]
const rfmEvents: EventInput[] = [
  ...purchases.map(([customerId, daysAgo, amount], i): EventInput => ({
    id: `p${i}`, customerId, type: 'purchase', at: now - daysAgo * DAY, properties: { amount },
  })),
  { id: 'l1', customerId: 'b9', type: 'login', at: now - DAY, properties: { amount: 1 } },
]
const cohortIds = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9', 'o1', 'n1']
const rfmCustomers: CustomerInput[] = [...cohortIds, 'x1'].map((id) => ({ id }))

/**
 * Worked out by hand (population n = 10: b1–b9 and x1; score = 1 + ⌊5 (rank − 1) / 10⌋, RANK()
 * from worst to best, ties sharing the lowest rank):
 * - recency days, worst first: x1 360, b9 300, b8 200, b7 150, b6 100, b4 = b5 30 (rank 6), b3 3, b2 2, b1 1
 * - frequency: b3 = b6 = b9 1 (rank 1), b5 = b7 = x1 2 (rank 4), b4 = b8 3 (rank 7), b2 4, b1 5
 * - monetary: b9 5, b6 10, b4 60, b7 80, b8 160 (the "n/a" amount counts 0), b2 200, b3 300, b1 500, x1 1000, b5 2000
 * - cell from R and FM = ⌈(F + M) / 2⌉.
 */
const expectedRfm: Record<string, { r: number; f: number; m: number; cell: string }> = {
  b1: { r: 5, f: 5, m: 4, cell: 'champions' },
  b2: { r: 5, f: 5, m: 3, cell: 'champions' },
  b3: { r: 4, f: 1, m: 4, cell: 'potential-loyalists' },
  b4: { r: 3, f: 4, m: 2, cell: 'need-attention' },
  b5: { r: 3, f: 2, m: 5, cell: 'loyal' },
  b6: { r: 3, f: 1, m: 1, cell: 'about-to-sleep' },
  b7: { r: 2, f: 2, m: 2, cell: 'hibernating' },
  b8: { r: 2, f: 4, m: 3, cell: 'at-risk' },
  b9: { r: 1, f: 1, m: 1, cell: 'lost' },
  o1: { r: 1, f: 1, m: 1, cell: 'lost' },
  n1: { r: 1, f: 1, m: 1, cell: 'lost' },
}

async function runRfm(routing: Record<string, unknown>, extra: { batchSize?: number; order?: 'reverse' } = {}) {
  // x1 is loaded into the store (population) but is not part of the cohort.
  const { openStore } = await import('../../store/open-store.ts')
  const store = await openStore({ db: ':memory:', now: () => now })
  try {
    await store.upsertCustomers(rfmCustomers)
    await store.insertEvents(rfmEvents)
    return await testNode(score, { store, customers: cohortIds, config: { method: { type: 'rfm' }, routing } as never, ...extra })
  } finally {
    await store.close()
  }
}

describe('score: RFM', () => {
  it('scores R, F and M by quintile over every buyer in the window, matching the hand-computed fixture', async () => {
    const result = await runRfm({ type: 'threshold', min: 9 })
    const tags = (name: string) => Object.fromEntries(result.tags.filter((t) => t.name === name).map((t) => [t.customer, t.value]))
    const cells = tags('rfm_cell')
    const r = tags('rfm_r')
    const f = tags('rfm_f')
    const m = tags('rfm_m')
    const scores = tags('rfm_score')
    for (const [id, want] of Object.entries(expectedRfm)) {
      expect({ id, r: r[id], f: f[id], m: m[id], cell: cells[id], score: scores[id] }).toEqual({ id, ...want, score: want.r + want.f + want.m })
    }
    expect(result.tags.every((t) => t.layer === 'predictive')).toBe(true)
    expect(result.tags).toHaveLength(cohortIds.length * 5)
    expect(result.routes.pass).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b8'])
    expect(result.routes.fail).toEqual(['b6', 'b7', 'b9', 'o1', 'n1'])
    expect(result.calls.rfm).toBe(1)
    expect(result.calls.customers).toBe(0)
    const b8 = result.decisions.find((d) => d.customer === 'b8')
    expect(b8?.values).toEqual({ score: 9, r: 2, f: 4, m: 3, cell: 'at-risk', recencyDays: 200, frequency: 3, monetary: 160, population: 10 })
    expect(b8?.explanation).toBe('RFM: score 9 ≥ 9 → pass')
    expect(result.decisions.find((d) => d.customer === 'n1')?.values).toMatchObject({ frequency: 0, monetary: 0, cell: 'lost' })
  })

  it('routes by named cells, and the scores do not depend on batches or order', async () => {
    const whole = await runRfm({ type: 'cells', cells: ['at-risk', 'cant-lose-them', 'champions'] })
    expect(whole.routes).toEqual({
      'at-risk': ['b8'],
      'cant-lose-them': [],
      champions: ['b1', 'b2'],
      other: ['b3', 'b4', 'b5', 'b6', 'b7', 'b9', 'o1', 'n1'],
    })
    expect(whole.decisions.find((d) => d.customer === 'b5')?.reason).toBe('RFM cell loyal, not one of the listed cells')
    const batched = await runRfm({ type: 'cells', cells: ['at-risk', 'cant-lose-them', 'champions'] }, { batchSize: 3, order: 'reverse' })
    expect(batched.routes).toEqual(whole.routes)
    expect(batched.calls.rfm).toBe(4)
    const sorted = (tags: typeof whole.tags) => [...tags].sort((a, b) => (a.customer + a.name < b.customer + b.name ? -1 : 1))
    expect(sorted(batched.tags)).toEqual(sorted(whole.tags))
  })
})

// --- Logistic model with fixed coefficients.
const churnModel = {
  type: 'logistic',
  intercept: -1.2,
  numeric: [
    { attribute: 'tenure', coefficient: -0.045, missing: 'unscored' },
    { attribute: 'monthly_charges', coefficient: 0.021, missing: 64.76 },
    { attribute: 'senior_citizen', coefficient: 0.31, missing: 0 },
  ],
  categorical: [
    { attribute: 'contract', reference: 'Month-to-month', levels: { 'One year': -0.92, 'Two year': -1.85 } },
    { attribute: 'internet_service', reference: 'DSL', levels: { 'Fiber optic': 0.62, No: -0.71 }, unknown: 'unscored' },
  ],
} as const
const telco: CustomerInput[] = [
  { id: 't1', attributes: { tenure: 1, monthly_charges: 70.7, senior_citizen: 0, contract: 'Month-to-month', internet_service: 'Fiber optic' } },
  { id: 't2', attributes: { tenure: 60, monthly_charges: 20.25, senior_citizen: 1, contract: 'Two year', internet_service: 'No' } },
  { id: 't3', attributes: { tenure: 24, senior_citizen: true, contract: 'One year', internet_service: 'DSL' } },
  { id: 't4', attributes: { monthly_charges: 50, contract: 'One year', internet_service: 'DSL' } },
  { id: 't5', attributes: { tenure: 12, monthly_charges: 99.65, senior_citizen: 0, contract: 'Three year', internet_service: 'Fiber optic' } },
  { id: 't6', attributes: { tenure: 5, monthly_charges: 30, contract: 'One year' } },
  { id: 't7', attributes: { tenure: '12', monthly_charges: 30, contract: 'One year', internet_service: 'DSL' } },
]
// The same model written out by hand: p = 1 / (1 + e^−z).
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
const expectedP: Record<string, number> = {
  t1: sigmoid(-1.2 - 0.045 * 1 + 0.021 * 70.7 + 0.31 * 0 + 0 + 0.62),
  t2: sigmoid(-1.2 - 0.045 * 60 + 0.021 * 20.25 + 0.31 * 1 - 1.85 - 0.71),
  t3: sigmoid(-1.2 - 0.045 * 24 + 0.021 * 64.76 + 0.31 * 1 - 0.92 + 0),
  t5: sigmoid(-1.2 - 0.045 * 12 + 0.021 * 99.65 + 0.31 * 0 + 0 + 0.62),
}

describe('score: logistic model', () => {
  it('gives the probabilities of the fixed coefficients to 1e-9, writes them as predictive tags and routes by the cut-off', async () => {
    const result = await testNode(score, { customers: telco, config: { method: churnModel, tag: 'churn_probability', routing: { type: 'threshold', min: 0.5 } } as never })
    const written = new Map(result.tags.map((t) => [t.customer, t.value]))
    for (const [id, p] of Object.entries(expectedP)) expect(Math.abs((written.get(id) as number) - p)).toBeLessThan(1e-9)
    // Concrete values, so the formula above cannot drift with the code.
    expect(written.get('t1') as number).toBeCloseTo(0.7026, 4)
    expect(written.get('t2') as number).toBeCloseTo(0.00325, 5)
    expect(written.get('t4')).toBeNull()
    expect(result.tags.every((t) => t.name === 'churn_probability' && t.layer === 'predictive')).toBe(true)
    expect(result.routes).toEqual({ pass: ['t1', 't5'], fail: ['t2', 't3'], unscored: ['t4', 't6', 't7'] })
    const reasons = Object.fromEntries(result.decisions.map((d) => [d.customer, d.reason]))
    expect(reasons.t4).toBe('not scored: tenure is missing or not a number')
    expect(reasons.t6).toBe('not scored: internet_service is missing')
    expect(reasons.t7).toBe('not scored: tenure is missing or not a number')
    expect(result.decisions.find((d) => d.customer === 't3')?.values).toEqual({ score: expectedP.t3, defaulted: ['monthly_charges'] })
    expect(result.decisions.find((d) => d.customer === 't5')?.values).toEqual({ score: expectedP.t5, defaulted: ['contract'] })
    expect(result.calls.customers).toBe(1)
    expect(result.calls.rfm).toBe(0)
    expect(result.decisions.find((d) => d.customer === 't2')?.explanation).toMatch(/^the logistic model: score 0\.00\d+ < 0\.5 → fail$/)
  })

  it('has no unscored output when every missing value has a stated replacement', () => {
    const model = { type: 'logistic', intercept: 0, numeric: [{ attribute: 'tenure', coefficient: 1, missing: 0 }] }
    const { issues } = validateNodeConfig(score, { method: model, tag: 'p', routing: { type: 'threshold', min: 0.5 } })
    expect(issues).toEqual([])
  })
})

// --- Scorecard, and rankings with ties.
const scorecard = {
  type: 'scorecard',
  base: 100,
  features: [
    { attribute: 'tenure', bins: [{ to: 12, points: 10 }, { from: 12, to: 36, points: 25 }, { from: 36, points: 40 }], missing: 5 },
    { attribute: 'contract', categories: [{ values: ['Two year'], points: 30 }, { values: ['One year'], points: 20 }, { values: ['Month-to-month'], points: 0 }], missing: 0 },
  ],
} as const
const members: CustomerInput[] = [
  { id: 's-c', attributes: { tenure: 40, contract: 'Two year' } }, // 170
  { id: 's-b', attributes: { tenure: 35.9, contract: 'One year' } }, // 145
  { id: 's-a', attributes: { tenure: 12, contract: 'One year' } }, // 145
  { id: 's-d', attributes: { contract: 'Month-to-month' } }, // 105 (tenure missing: 5)
  { id: 's-e', attributes: { tenure: 3, contract: 'Weekly' } }, // 110 (no category: 0)
]
const run = (routing: Record<string, unknown>, extra: { order?: 'reverse' } = {}) =>
  testNode(score, { customers: members, config: { method: scorecard, tag: 'value_score', routing } as never, ...extra })

describe('score: scorecard and routing', () => {
  it('sums the points of each bin, with the configured default for missing values', async () => {
    const result = await run({ type: 'threshold', min: 145 })
    expect(Object.fromEntries(result.tags.map((t) => [t.customer, t.value]))).toEqual({ 's-c': 170, 's-b': 145, 's-a': 145, 's-d': 105, 's-e': 110 })
    expect(result.routes).toEqual({ pass: ['s-c', 's-b', 's-a'], fail: ['s-d', 's-e'] })
    expect(result.decisions.find((d) => d.customer === 's-d')?.values).toEqual({ score: 105, defaulted: ['tenure'] })
    expect(result.decisions.find((d) => d.customer === 's-e')?.values).toEqual({ score: 110, defaulted: ['contract'] })
  })

  it('takes the top N by score, ties broken by customer id, whatever the arrival order', async () => {
    const top = await run({ type: 'top-n', n: 2 })
    expect(top.routes).toEqual({ top: ['s-c', 's-a'], rest: ['s-b', 's-d', 's-e'] })
    expect(top.decisions.find((d) => d.customer === 's-b')?.reason).toBe('score 145, rank 3 of 5: not in the top 2')
    expect(top.decisions.find((d) => d.customer === 's-e')?.values).toMatchObject({ rank: 4, ranked: 5 })
    const reversed = await run({ type: 'top-n', n: 2 }, { order: 'reverse' })
    expect(reversed.routes).toEqual(top.routes)
  })

  it('takes the top % rounded up, and routes bands to one output each', async () => {
    expect((await run({ type: 'top-percent', percent: 40 })).routes).toEqual({ top: ['s-c', 's-a'], rest: ['s-b', 's-d', 's-e'] })
    expect((await run({ type: 'top-percent', percent: 41 })).routes.top).toEqual(['s-c', 's-b', 's-a'])
    const bands = await run({ type: 'bands', bands: [{ name: 'high', min: 150 }, { name: 'mid', min: 110 }, { name: 'low' }] })
    expect(bands.routes).toEqual({ high: ['s-c'], mid: ['s-b', 's-a', 's-e'], low: ['s-d'] })
    expect(bands.decisions.find((d) => d.customer === 's-e')?.reason).toBe('score 110 in band "mid" (≥ 110)')
    expect(bands.decisions.find((d) => d.customer === 's-d')?.explanation).toBe('the scorecard: score 105 in band "low" (below every other band) → low')
  })
})

describe('score: config', () => {
  it('runs on the whole cohort only for rankings, with outputs derived from the routing and the model', () => {
    const outputs = (config: unknown) => (score.outputs as (c: unknown) => string[])(config)
    const parsed = (config: unknown) => score.config.parse(config)
    const cohort = (config: unknown) => (score.cohort as (c: unknown) => string)(parsed(config))
    expect(cohort({ method: churnModel, tag: 'p', routing: { type: 'top-n', n: 1 } })).toBe('whole')
    expect(cohort({ method: { type: 'rfm' }, routing: { type: 'top-percent', percent: 10 } })).toBe('whole')
    expect(cohort({ method: { type: 'rfm' }, routing: { type: 'threshold', min: 7 } })).toBe('batches')
    expect(cohort({ method: { type: 'rfm' }, routing: { type: 'cells', cells: ['at-risk'] } })).toBe('batches')
    expect(outputs(parsed({ method: { type: 'rfm' }, routing: { type: 'bands', bands: [{ name: 'hi', min: 12 }, { name: 'lo' }] } }))).toEqual(['hi', 'lo'])
    expect(outputs(parsed({ method: { type: 'rfm' }, routing: { type: 'cells', cells: ['at-risk'] } }))).toEqual(['at-risk', 'other'])
    expect(outputs(parsed({ method: churnModel, tag: 'p', routing: { type: 'top-n', n: 1 } }))).toEqual(['top', 'rest', 'unscored'])
    expect(outputs(parsed({ method: scorecard, tag: 'p', routing: { type: 'threshold', min: 1 } }))).toEqual(['pass', 'fail'])
  })

  it('reports every problem with the path of the field', () => {
    const config = {
      method: {
        type: 'scorecard',
        features: [{ attribute: 'tenure', bins: [{ to: 12, points: 1 }, { from: 10, points: 2 }], missing: 0 }, { attribute: 'x', missing: 0 }],
      },
      routing: { type: 'bands', bands: [{ name: 'low', min: 1 }, { name: 'high', min: 5 }, { name: 'rest', min: 0 }] },
    }
    const { issues } = validateNodeConfig(score, config)
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['config.tag', 'score.tag'],
      ['config.method.features[0].bins[1]', 'score.bin-overlap'],
      ['config.method.features[1]', 'score.feature-kind'],
      ['config.routing.bands[1].min', 'score.band-order'],
      ['config.routing.bands[2].min', 'score.band-min'],
    ])
    expect(issues[0]?.message).toBe('a scorecard score needs the name of the tag to write it to, e.g. "churn_probability"')
  })

  it('refuses cell routing without RFM, a reference level with a coefficient, and RFM tag names as the score tag', () => {
    const cells = validateNodeConfig(score, { method: { ...churnModel, categorical: [{ attribute: 'c', reference: 'a', levels: { a: 1 } }] }, tag: 'p', routing: { type: 'cells', cells: ['lost'] } })
    expect(cells.issues.map((i) => i.path)).toEqual(['config.method.categorical[0].reference', 'config.routing.type'])
    const tag = validateNodeConfig(score, { method: { type: 'rfm' }, tag: 'rfm_cell', routing: { type: 'top-n', n: 5 } })
    expect(tag.issues.map((i) => i.message)).toEqual(['"rfm_cell" is written by RFM itself; choose another name for the score (default rfm_score)'])
  })

  it('rejects a bad shape before running', async () => {
    const bad = { method: { type: 'rfm', windowDays: 0 }, routing: { type: 'top-percent', percent: 0 } }
    const { issues } = validateNodeConfig(score, bad)
    expect(issues.map((i) => i.path)).toEqual(['config.method.windowDays', 'config.routing.percent'])
    await expect(testNode(score, { customers: ['x'], config: bad as never })).rejects.toBeInstanceOf(ConfigError)
  })
})
