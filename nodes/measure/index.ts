/**
 * measure: follows each customer to a goal (an event type with optional property conditions)
 * within N days of an anchor — entering the flow (default) or passing a chosen node — and routes
 * them to `converted` as soon as the goal happens, or to `not converted` when the window closes.
 * Holdout customers pass through like everyone else, so the report (engine/measure/report.ts)
 * compares treated and held-out customers over the same goal and window.
 *
 * Durable like the wait node's wait-for-event: a customer whose window is still open is parked
 * (a due time at the window's end, woken early by a matching event), never a timer.
 *
 * The anchor time: flow entry is on the customer's position (CohortMember.flowEnteredAt).
 * "Passed node X" is read from the run's journal (ctx.data.passedAt), which already records
 * every passage with its time, rather than adding a per-customer column or fact that every
 * batch of every flow would have to write for the sake of the few measure nodes anchored on a
 * node. A customer who passed X in the batch being run (not journalled yet) reached this node
 * in the same batch with nothing in between that takes time: X was passed at their arrival.
 *
 * Each run (first arrival, wake-up by an event, end of the window) re-reads the goal events of
 * the whole cohort in one query and decides from them, so a goal reached before the customer
 * got here (during a wait after the anchor) counts, and an event that woke a customer after
 * the window closed does not.
 */
import { z } from 'zod'
import type { CohortMember, ParkedCustomer, RoutedCustomer } from '../../engine/sdk/index.ts'
import { defineNode } from '../../engine/sdk/index.ts'
import { zhCN } from './locales.ts'

const DAY = 86_400_000

const scalar = z.union([z.string(), z.number(), z.boolean()])

const configSchema = z
  .strictObject({
    event: z.string().min(1).meta({ title: 'Goal event', description: 'The event type that counts as a conversion, e.g. purchase.' }),
    where: z.record(z.string().min(1), scalar).optional().meta({ title: 'Property conditions', description: 'Properties the goal event must have, each equal to the value given.' }),
    withinDays: z.number().int().min(1).max(365).meta({ title: 'Within days', description: 'The window after the anchor in which the goal counts (1–365 days).' }),
    anchor: z
      .union([
        z.literal('entry').meta({ description: 'When the customer entered the flow.' }),
        z.strictObject({ node: z.string().min(1).meta({ title: 'Node id' }) }).meta({ description: 'When the customer last passed this node (e.g. the send).' }),
      ])
      .default('entry')
      .meta({ title: 'Window starts', description: '"entry" (default), or { "node": "<id>" }: when the customer passed that node.' }),
    revenue: z.string().min(1).optional().meta({ title: 'Revenue property', description: 'Numeric property of the goal event summed as revenue in the report (e.g. amount).' }),
  })
  .meta({ title: 'Measure' })

export type MeasureConfig = z.output<typeof configSchema>

/** True when every condition of `where` equals the property of the same name (as the engine matches wake-ups). */
function matches(properties: Readonly<Record<string, unknown>>, where: MeasureConfig['where']): boolean {
  return where === undefined || Object.entries(where).every(([name, value]) => properties[name] === value)
}

function anchorText(config: MeasureConfig): string {
  return config.anchor === 'entry' ? 'entering the flow' : `passing "${config.anchor.node}"`
}

export default defineNode({
  type: 'measure',
  version: 1,
  title: 'Measure',
  category: 'measure',
  icon: 'target',
  locales: { 'zh-CN': zhCN },
  description:
    'Follows customers to a goal (an event type with optional property conditions) within N days of entering the flow or of passing a chosen node: `converted` as soon as the goal happens, `not converted` when the window closes. Holdout customers are measured too; `sluice run` prints the uplift report (treated vs holdout rate difference, 95 % Newcombe score interval, pooled two-proportion z-test p-value; see docs/measure.md).',
  config: configSchema,
  timing: 'waits',
  outputs: ['converted', 'not converted'],
  measures: (config) => ({ event: config.event, ...(config.where ? { where: config.where } : {}), withinDays: config.withinDays, anchor: config.anchor, ...(config.revenue ? { revenue: config.revenue } : {}) }),
  validate(config, flow) {
    // A node validated on its own (no flow around it) has no neighbours to check against.
    if (config.anchor === 'entry' || flow.nodes.length <= 1) return []
    const { node } = config.anchor
    if (node === flow.nodeId) return [{ code: 'measure.anchor', path: 'config.anchor.node', message: 'the window cannot start at the measure node itself; name a node customers pass before it, or use "entry"' }]
    if (!flow.nodes.some((n) => n.id === node)) return [{ code: 'measure.anchor', path: 'config.anchor.node', message: `no node "${node}" in this flow (expected the id of a node customers pass before this one)` }]
    return []
  },
  explain(decision, config) {
    if (decision.output === null) return `waiting up to ${config.withinDays} days of ${anchorText(config)} for "${config.event}"`
    return decision.output === 'converted'
      ? `did "${config.event}" within ${config.withinDays} days of ${anchorText(config)}`
      : `no "${config.event}" within ${config.withinDays} days of ${anchorText(config)}`
  },
  async run({ config, customers, ctx }) {
    const now = ctx.now()
    const window = config.withinDays * DAY
    const passed = config.anchor === 'entry' ? undefined : await ctx.data.passedAt(customers, { runId: ctx.runId, nodeId: config.anchor.node, until: now })
    const anchorOf = (member: CohortMember) => (passed ? (passed.get(member.key) ?? member.enteredAt) : (member.flowEnteredAt ?? member.enteredAt))
    const anchors = new Map(customers.map((member) => [member.key, anchorOf(member)]))
    // A loop, not Math.min(...values): a cohort may hold 100,000 customers, too many arguments for a call.
    let from = now
    for (const anchor of anchors.values()) if (anchor < from) from = anchor
    const events = customers.length === 0 ? [] : await ctx.data.events(customers, { type: config.event, from, to: now + 1 })
    // The first goal event in each customer's own window.
    const firstGoal = new Map<number, number>()
    for (const event of events) {
      const anchor = anchors.get(event.customerKey) as number
      if (event.at < anchor || event.at > anchor + window || !matches(event.properties, config.where)) continue
      if (!firstGoal.has(event.customerKey)) firstGoal.set(event.customerKey, event.at)
    }
    const converted: RoutedCustomer[] = []
    const notConverted: RoutedCustomer[] = []
    const park: ParkedCustomer[] = []
    for (const customer of customers) {
      const anchor = anchors.get(customer.key) as number
      const goalAt = firstGoal.get(customer.key)
      if (goalAt !== undefined) {
        converted.push({ customer, values: { anchorAt: anchor, convertedAt: goalAt, afterHours: Math.round((goalAt - anchor) / 36_000) / 100 } })
      } else if (anchor + window <= now) {
        notConverted.push({ customer, values: { anchorAt: anchor } })
      } else {
        park.push({ customer, until: anchor + window, wakeOn: { type: config.event, ...(config.where ? { where: config.where } : {}) } })
      }
    }
    return { routes: { converted, 'not converted': notConverted }, park }
  },
})
