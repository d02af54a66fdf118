/**
 * filter-segment: routes the cohort by a segment (condition tree over attributes, tags,
 * behaviour, RFM cell, static lists, addresses and consent) to `match` or `no match`. The
 * whole cohort is one SQL query (ctx.data.matchSegment), evaluated at ctx.now(), so a replay
 * or a simulation at another time sees the segment as it was then.
 */
import { z } from 'zod'
import { defineNode } from '../../engine/sdk/index.ts'
import type { CohortMember } from '../../engine/sdk/index.ts'
import { describeSegment, segmentSchema, validateSegment } from '../../engine/sdk/index.ts'
import { zhCN } from './locales.ts'

export default defineNode({
  type: 'filter-segment',
  version: 1,
  title: 'Filter segment',
  category: 'audience',
  icon: 'filter',
  locales: { 'zh-CN': zhCN },
  description:
    'Sends customers who match a segment (attributes, tags and scores, behaviour such as "at least 3 purchases in 90 days", RFM cell, static list, reachability, consent) to `match`, the others to `no match`. See docs/segments.md for the format.',
  config: z
    .strictObject({
      segment: segmentSchema.meta({ title: 'Segment', description: 'The condition tree; docs/segments.md lists every condition and operator.' }),
    })
    .meta({ title: 'Filter segment' }),
  outputs: ['match', 'no match'],
  // Shape errors are reported by the schema; this adds the size limits and empty-group warnings,
  // and with the store's catalogue the attribute checks `sluice segment count` makes (unknown
  // names with a "did you mean", types; the verifier reports what only the catalogue finds as warnings).
  validate: (config, flow) =>
    validateSegment(config.segment, { path: 'config.segment', ...(flow.attributes ? { attributes: flow.attributes } : {}) }).issues.map((issue) => ({
      code: issue.code,
      path: issue.path,
      message: issue.message,
      severity: issue.severity ?? 'error',
    })),
  explain: (decision, config) =>
    decision.output === 'match'
      ? `matched the segment: ${describeSegment(config.segment)}`
      : `did not match the segment: ${describeSegment(config.segment)}`,
  async run({ config, customers, ctx }) {
    const matched = await ctx.data.matchSegment(customers, config.segment, { now: ctx.now() })
    const match: CohortMember[] = []
    const noMatch: CohortMember[] = []
    for (const member of customers) (matched.has(member.key) ? match : noMatch).push(member)
    ctx.log.info('segment evaluated', { match: match.length, noMatch: noMatch.length })
    return { routes: { match, 'no match': noMatch } }
  },
})
