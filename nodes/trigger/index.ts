/**
 * trigger: where customers enter a flow. Exactly one of:
 *
 * - `event`: each event of a type (with property conditions) lets its customer enter at the
 *   event's time, e.g. `{ "event": { "type": "add_to_cart", "where": { "channel": "app" } } }`;
 * - `schedule`: at each fire of a cron expression in a time zone, an audience (a segment as of
 *   the fire, a list of customer ids, or everyone) enters, e.g.
 *   `{ "schedule": { "cron": "0 9 1 * *", "timeZone": "Europe/Paris", "audience": { "segment": … } } }`;
 * - `audience`: an audience enters once, when the flow is published or at a set time.
 *
 * The flow's entry policy (once / again after N days / always) and its holdout are applied by
 * the engine as customers enter (settings.entry, settings.holdout); the node declares how
 * customers enter through `entry(config)`, and its run lets every admitted customer through.
 */
import { z } from 'zod'
import { cronProblems } from '../../engine/sdk/index.ts'
import type { AudienceSpec, EntrySpec, NodeIssue } from '../../engine/sdk/index.ts'
import { defineNode } from '../../engine/sdk/index.ts'
import { describeSegment, parseIsoTime, segmentSchema, validateSegment } from '../../engine/sdk/index.ts'
import { zhCN } from './locales.ts'

const propertyMatch = z
  .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))
  .meta({ title: 'Property conditions', description: 'Event properties that must be equal to these values.' })

const isoInstant = z
  .string()
  .refine((text) => parseIsoTime(text) !== undefined, 'expected an ISO 8601 instant such as 2025-06-01T09:00:00Z')

const audienceSchema = z
  .strictObject({
    segment: segmentSchema.optional().meta({ title: 'Segment', description: 'Who enters, evaluated at the entry time (docs/segments.md).' }),
    customers: z.array(z.string().min(1)).min(1).max(100_000).optional().meta({ title: 'Customer ids', description: 'A fixed list of customers.' }),
  })
  .meta({ title: 'Audience', description: 'A segment, a list of customer ids, or (with neither) every customer.' })

const configSchema = z
  .strictObject({
    event: z
      .strictObject({
        type: z.string().min(1).meta({ title: 'Event type' }),
        where: propertyMatch.optional(),
      })
      .optional()
      .meta({ title: 'On an event', description: 'Each matching event lets its customer enter.' }),
    schedule: z
      .strictObject({
        cron: z.string().min(1).meta({ title: 'Cron expression', description: 'minute hour day month weekday, e.g. "0 9 * * 1" (09:00 every Monday); standard cron: with both day and weekday set, a day matching either fires ("0 9 1 * 1": the 1st and every Monday).' }),
        timeZone: z.string().min(1).default('UTC').meta({ title: 'Time zone', description: 'IANA zone the expression is read in.' }),
        audience: audienceSchema.default({}),
      })
      .optional()
      .meta({ title: 'On a schedule', description: 'At each fire, the audience enters.' }),
    audience: audienceSchema
      .extend({ at: isoInstant.optional().meta({ title: 'At', description: 'When the audience enters; default when the flow is published.' }) })
      .optional()
      .meta({ title: 'An audience, once' }),
  })
  .meta({ title: 'Trigger' })

type TriggerConfig = z.output<typeof configSchema>

const KINDS = ['event', 'schedule', 'audience'] as const

function audienceSpec(audience: { segment?: AudienceSpec['segment']; customers?: string[] }): AudienceSpec {
  return { ...(audience.segment ? { segment: audience.segment } : {}), ...(audience.customers ? { customers: audience.customers } : {}) }
}

function audienceIssues(audience: { segment?: AudienceSpec['segment']; customers?: string[] } | undefined, path: string): NodeIssue[] {
  if (!audience) return []
  const issues: NodeIssue[] = []
  if (audience.segment && audience.customers) issues.push({ code: 'trigger.audience', path, message: 'give either a segment or a list of customers, not both' })
  if (audience.segment) {
    for (const issue of validateSegment(audience.segment, { path: `${path}.segment` }).issues) {
      issues.push({ code: issue.code, path: issue.path, message: issue.message, severity: issue.severity ?? 'error' })
    }
  }
  return issues
}

function describeAudience(audience: AudienceSpec): string {
  if (audience.segment) return `customers matching ${describeSegment(audience.segment)}`
  if (audience.customers) return `${audience.customers.length} listed customer(s)`
  return 'every customer'
}

/** Human description of how customers enter with this config. */
function describeEntry(config: TriggerConfig): string {
  if (config.event) return `a "${config.event.type}" event${config.event.where ? ` with ${JSON.stringify(config.event.where)}` : ''}`
  if (config.schedule) return `the schedule "${config.schedule.cron}" (${config.schedule.timeZone}) for ${describeAudience(audienceSpec(config.schedule.audience))}`
  if (config.audience) return `${describeAudience(audienceSpec(config.audience))}${config.audience.at ? ` at ${config.audience.at}` : ''}`
  return 'nothing'
}

export default defineNode({
  type: 'trigger',
  version: 1,
  title: 'Trigger',
  category: 'trigger',
  icon: 'bolt',
  locales: { 'zh-CN': zhCN },
  description:
    'Where customers enter: on an event (type and property conditions), on a cron schedule in a time zone (an audience evaluated at each fire), or an audience once (now or at a set time). Entry policy and holdout come from the flow settings.',
  config: configSchema,
  outputs: ['entered'],
  validate(config) {
    const given = KINDS.filter((kind) => config[kind] !== undefined)
    if (given.length !== 1) {
      return [{ code: 'trigger.kind', path: 'config', message: `give exactly one of ${KINDS.map((k) => `"${k}"`).join(', ')}${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}` }]
    }
    const issues: NodeIssue[] = []
    if (config.schedule) {
      for (const problem of cronProblems(config.schedule.cron, config.schedule.timeZone)) {
        issues.push({ code: 'trigger.schedule', path: problem.startsWith('timeZone') ? 'config.schedule.timeZone' : 'config.schedule.cron', message: problem })
      }
      issues.push(...audienceIssues(config.schedule.audience, 'config.schedule.audience'))
    }
    issues.push(...audienceIssues(config.audience, 'config.audience'))
    return issues
  },
  entry(config): EntrySpec {
    if (config.event) return { type: 'event', eventType: config.event.type, ...(config.event.where ? { where: config.event.where } : {}) }
    if (config.schedule) return { type: 'schedule', cron: config.schedule.cron, timeZone: config.schedule.timeZone, audience: audienceSpec(config.schedule.audience) }
    const audience = config.audience ?? {}
    const at = audience.at === undefined ? undefined : parseIsoTime(audience.at)?.ms
    return { type: 'audience', audience: audienceSpec(audience), ...(at === undefined ? {} : { at }) }
  },
  explain: (_decision, config) => `entered on ${describeEntry(config)}`,
  async run({ customers }) {
    return { routes: { entered: customers } }
  },
})
