/**
 * score: scores every customer of the cohort with an RFM analysis, a scorecard or a logistic
 * model (as analysts hand them over), writes the score as a predictive tag, and routes by it:
 * a cut-off, the top N or top %, bands, or (RFM) named cells. Rankings need every customer due
 * at the node at once, so with top-N / top-% routing the node runs on the whole cohort; other
 * routings decide per customer and run batch by batch.
 *
 * Data: RFM is one set-based query (ctx.data.rfm: quintiles over every buyer in the store);
 * scorecards and logistic models read the cohort's profiles once (ctx.data.customers) and
 * score them in memory.
 */
import type { CohortMember, NodeContext, TagWrite } from '../../engine/sdk/index.ts'
import { defineNode, RFM_CELL_TAG, RFM_CELLS } from '../../engine/sdk/index.ts'
import { scoreConfigSchema, scoreOutputs, scoreTag, type RfmMethod, type ScoreConfig } from './config.ts'
import { logisticScore, scorecardScore } from './models.ts'
import { rfmCell } from './rfm-cells.ts'
import { routeScored, type Scored } from './routing.ts'
import { validateScoreConfig } from './validate-score.ts'
import { zhCN } from './locales.ts'

const DAY = 86_400_000

export default defineNode({
  type: 'score',
  version: 1,
  title: 'Score',
  category: 'scoring',
  icon: 'gauge',
  locales: { 'zh-CN': zhCN },
  description: [
    `Scores customers and routes them by score. Methods: **RFM** (purchase events in the last N days; recency, frequency and monetary value each 1–5 by quintile over every customer who bought in the window — ties share the lower score, customers without a purchase score 1-1-1 in cell \`lost\`; score R + F + M; writes \`${RFM_CELL_TAG}\`, \`rfm_r\`, \`rfm_f\`, \`rfm_m\`),`,
    '**scorecard** (points per attribute bin, summed; missing values get the configured points) and **logistic model** (intercept + coefficients over numeric and one-hot categorical attributes → probability).',
    'The score is written as a predictive tag. Routing: cut-off (`pass` / `fail`), top N or top % (`top` / `rest`; ties by score, then customer id), bands (one output per band) or RFM cells (one output per cell, plus `other`);',
    'a logistic model that may leave a customer unscored adds an `unscored` output. Runs once over every customer due at the node when routing by top N or top %; otherwise batch by batch.',
  ].join(' '),
  config: scoreConfigSchema,
  // Rankings (top N, top %) need everyone due at once; a cut-off, bands or cells decide per
  // customer (RFM quintiles are over the whole store), so those configs run batch by batch.
  cohort: (config) => (config.routing.type === 'top-n' || config.routing.type === 'top-percent' ? 'whole' : 'batches'),
  outputs: (config) => scoreOutputs(config),
  validate: (config) => validateScoreConfig(config),
  // The tags scoreTags writes: the score, and for RFM the cell and its three quintiles.
  writesTags: (config) => [
    { name: scoreTag(config), layer: 'predictive' },
    ...(config.method.type === 'rfm'
      ? [{ name: RFM_CELL_TAG, layer: 'predictive' as const, values: RFM_CELLS }, ...['rfm_r', 'rfm_f', 'rfm_m'].map((name) => ({ name, layer: 'predictive' as const }))]
      : []),
  ],
  explain(decision, config) {
    const method = config.method.type === 'rfm' ? 'RFM' : config.method.type === 'scorecard' ? 'the scorecard' : 'the logistic model'
    return `${method}: ${decision.reason ?? `went to ${decision.output}`} → ${decision.output}`
  },
  async run({ config, customers, ctx }) {
    const scored = config.method.type === 'rfm' ? await scoreRfm(config.method, customers, ctx) : await scoreModel(config, customers, ctx)
    const routes = routeScored(config.routing, scored)
    const tags = scoreTags(config, scored)
    const counts = Object.fromEntries(Object.entries(routes).map(([output, list]) => [output, list.length]))
    ctx.log.info('scored', { method: config.method.type, customers: customers.length, ...counts })
    return { routes, tags }
  },
})

/** RFM of the cohort: one query, quintiles over every buyer in the window. */
async function scoreRfm(method: RfmMethod, customers: readonly CohortMember[], ctx: NodeContext): Promise<Scored[]> {
  const now = ctx.now()
  const answer = await ctx.data.rfm(customers, { event: method.event, amountProperty: method.amountProperty, from: now - method.windowDays * DAY, now })
  const byKey = new Map(answer.scores.map((s) => [s.key, s]))
  return customers.map((member) => {
    const found = byKey.get(member.key)
    // No purchase in the window: below every buyer on all three measures, so 1-1-1 (lost); not
    // part of the population, so they shift nobody's quintile.
    const r = found?.r ?? 1
    const f = found?.f ?? 1
    const m = found?.m ?? 1
    const cell = rfmCell(r, f, m)
    const values = found
      ? { score: r + f + m, r, f, m, cell, recencyDays: found.recencyDays, frequency: found.frequency, monetary: found.monetary, population: answer.population }
      : { score: 3, r, f, m, cell, frequency: 0, monetary: 0, population: answer.population }
    return { member, score: r + f + m, cell, values }
  })
}

/** Scorecard or logistic model over the cohort's profiles (one read). */
async function scoreModel(config: ScoreConfig, customers: readonly CohortMember[], ctx: NodeContext): Promise<Scored[]> {
  const method = config.method
  const profiles = new Map((await ctx.data.customers(customers)).map((c) => [c.id, c.attributes]))
  return customers.map((member) => {
    const attributes = profiles.get(member.id)
    if (!attributes) return { member, score: null, unscored: 'the customer is no longer in the store', values: { score: null } }
    const outcome = method.type === 'scorecard' ? scorecardScore(method, attributes) : method.type === 'logistic' ? logisticScore(method, attributes) : undefined
    if (!outcome) throw new Error(`unexpected method ${method.type}`)
    if (outcome.score === null) return { member, score: null, unscored: outcome.unscored, values: { score: null } }
    const values: Record<string, unknown> = { score: outcome.score }
    if (outcome.defaulted.length > 0) values.defaulted = outcome.defaulted
    return { member, score: outcome.score, values }
  })
}

/**
 * The score as a predictive tag for every customer (null when unscored, so a stale score from an
 * earlier run is not left behind), and for RFM the cell and the three scores.
 */
function scoreTags(config: ScoreConfig, scored: readonly Scored[]): TagWrite[] {
  const name = scoreTag(config)
  const tags: TagWrite[] = []
  for (const s of scored) {
    tags.push({ customer: s.member, name, layer: 'predictive', value: s.score })
    if (config.method.type === 'rfm') {
      tags.push({ customer: s.member, name: RFM_CELL_TAG, layer: 'predictive', value: s.cell ?? null })
      tags.push({ customer: s.member, name: 'rfm_r', layer: 'predictive', value: s.values.r as number })
      tags.push({ customer: s.member, name: 'rfm_f', layer: 'predictive', value: s.values.f as number })
      tags.push({ customer: s.member, name: 'rfm_m', layer: 'predictive', value: s.values.m as number })
    }
  }
  return tags
}
