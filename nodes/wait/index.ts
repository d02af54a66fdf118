/**
 * wait: holds customers, durably (a due time on their position row, never a timer). Exactly one of:
 *
 * - `for`: a duration after the customer arrived, minutes to 90 days: `{ "for": { "amount": 3, "unit": "days" } }`;
 * - `until`: a date and time: `{ "until": "2025-06-01T09:00:00Z" }` (already past: no wait);
 * - `window`: the next allowed window in the customer's own time zone, e.g. weekdays 09:00–18:00:
 *   `{ "window": { "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "18:00" } }`;
 * - `event`: until the customer does something (type and properties, optionally correlated with
 *   the triggering event, e.g. the same cart id) or a timeout passes: outputs `event` / `timeout`.
 *
 * Every other mode has the one output `done`.
 */
import { z } from 'zod'
import { startOfLocalDay, zonedParts, zonedToEpoch } from '../../engine/sdk/index.ts'
import type { CohortMember, NodeIssue, ParkedCustomer, RoutedCustomer } from '../../engine/sdk/index.ts'
import { defineNode } from '../../engine/sdk/index.ts'
import { parseIsoTime } from '../../engine/sdk/index.ts'
import { zhCN } from './locales.ts'

const MINUTE = 60_000
const UNIT_MS = { minutes: MINUTE, hours: 60 * MINUTE, days: 1_440 * MINUTE, weeks: 10_080 * MINUTE } as const
const MAX_WAIT_MS = 90 * UNIT_MS.days
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
const CLOCK_TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/

const durationSchema = z
  .strictObject({
    amount: z.number().int().min(1).meta({ title: 'Amount' }),
    unit: z.enum(['minutes', 'hours', 'days', 'weeks']).meta({ title: 'Unit' }),
  })
  .meta({ title: 'Duration', description: 'From one minute to 90 days.' })

type Duration = z.output<typeof durationSchema>

const clockTime = z.string().regex(CLOCK_TIME, 'expected a time of day HH:MM, e.g. 09:00')

const configSchema = z
  .strictObject({
    for: durationSchema.optional().meta({ title: 'For', description: 'Wait this long after arriving.' }),
    until: z
      .string()
      .refine((text) => parseIsoTime(text) !== undefined, 'expected an ISO 8601 instant such as 2025-06-01T09:00:00Z')
      .optional()
      .meta({ title: 'Until', description: 'Wait until this date and time.' }),
    window: z
      .strictObject({
        days: z.array(z.enum(WEEKDAYS)).min(1).meta({ title: 'Days', description: 'Weekdays in the customer\'s time zone.' }),
        from: clockTime.meta({ title: 'From', description: 'Local start time, HH:MM.' }),
        to: clockTime.meta({ title: 'To', description: 'Local end time, HH:MM (after `from`).' }),
      })
      .optional()
      .meta({ title: 'Until a window', description: 'Wait until the next allowed window in the customer\'s own time zone.' }),
    event: z
      .strictObject({
        type: z.string().min(1).meta({ title: 'Event type' }),
        where: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional().meta({ title: 'Property conditions' }),
        correlate: z
          .array(z.string().min(1))
          .optional()
          .meta({ title: 'Same as the trigger', description: 'Properties that must equal the triggering event\'s (e.g. cart_id).' }),
        timeout: durationSchema.meta({ title: 'Timeout' }),
      })
      .optional()
      .meta({ title: 'Until an event', description: 'Wait for the customer to do something, or give up after a timeout.' }),
  })
  .meta({ title: 'Wait' })

type WaitConfig = z.output<typeof configSchema>

const MODES = ['for', 'until', 'window', 'event'] as const

function ms(duration: Duration): number {
  return duration.amount * UNIT_MS[duration.unit]
}

function describe(duration: Duration): string {
  return `${duration.amount} ${duration.amount === 1 ? duration.unit.slice(0, -1) : duration.unit}`
}

function minutesOf(text: string): number {
  const [, hours, minutes] = CLOCK_TIME.exec(text) as RegExpExecArray
  return Number(hours) * 60 + Number(minutes)
}

/** The start of the first allowed window at or after `at` in `zone` (`at` itself when inside one). */
export function nextWindowStart(at: number, zone: string, window: NonNullable<WaitConfig['window']>): number {
  const allowed = new Set(window.days.map((day) => WEEKDAYS.indexOf(day)))
  const from = minutesOf(window.from)
  const to = minutesOf(window.to)
  for (let offset = 0; offset <= 7; offset++) {
    const day = zonedParts(startOfLocalDay(at, zone, offset), zone)
    if (!allowed.has(day.weekday)) continue
    const date = { year: day.year, month: day.month, day: day.day }
    const start = zonedToEpoch({ ...date, hour: Math.floor(from / 60), minute: from % 60 }, zone)
    const end = zonedToEpoch({ ...date, hour: Math.floor(to / 60), minute: to % 60 }, zone)
    if (at < start) return start
    if (at < end) return at
  }
  // Unreachable with at least one allowed day; a week later is a safe bound.
  return at + 7 * UNIT_MS.days
}

export default defineNode({
  type: 'wait',
  version: 1,
  title: 'Wait',
  category: 'timing',
  icon: 'clock',
  locales: { 'zh-CN': zhCN },
  description:
    'Holds customers for a duration (minutes to 90 days), until a date, until the next allowed window in their own time zone, or until they do something (with a timeout). Durable: a due time in the database, not a timer.',
  config: configSchema,
  timing: 'waits',
  outputs: (config) => (config.event ? ['event', 'timeout'] : ['done']),
  validate(config) {
    const given = MODES.filter((mode) => config[mode] !== undefined)
    if (given.length !== 1) {
      return [{ code: 'wait.mode', path: 'config', message: `give exactly one of ${MODES.map((m) => `"${m}"`).join(', ')}${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}` }]
    }
    const issues: NodeIssue[] = []
    const checkDuration = (duration: Duration | undefined, path: string) => {
      if (duration && ms(duration) > MAX_WAIT_MS) issues.push({ code: 'wait.too-long', path, message: `${describe(duration)} is longer than the 90 days a wait may last` })
    }
    checkDuration(config.for, 'config.for')
    checkDuration(config.event?.timeout, 'config.event.timeout')
    if (config.window && minutesOf(config.window.to) <= minutesOf(config.window.from)) {
      issues.push({ code: 'wait.window', path: 'config.window.to', message: `the window must end after it starts (${config.window.from}–${config.window.to})` })
    }
    return issues
  },
  explain(decision, config) {
    if (config.for) return `waited ${describe(config.for)}`
    if (config.until) return `waited until ${config.until}`
    if (config.window) return `waited for the window ${config.window.days.join(', ')} ${config.window.from}–${config.window.to} (own time zone)`
    const event = config.event as NonNullable<WaitConfig['event']>
    if (decision.output === null) return decision.reason ?? `waiting up to ${describe(event.timeout)} for "${event.type}"`
    return decision.output === 'event' ? `did "${event.type}" while waiting` : `no "${event.type}" within ${describe(event.timeout)}`
  },
  async run({ config, customers, ctx }) {
    const now = ctx.now()
    if (config.event) return waitForEvent(config.event, customers, now)
    if (config.window) {
      const zones = new Map((await ctx.data.customers(customers)).map((c) => [c.id, c.timeZone]))
      const done: RoutedCustomer[] = customers.map((customer) => {
        const at = nextWindowStart(customer.enteredAt, zones.get(customer.id) ?? 'UTC', config.window as NonNullable<WaitConfig['window']>)
        return at > now ? { customer, at } : { customer }
      })
      return { routes: { done } }
    }
    const until = config.until === undefined ? undefined : (parseIsoTime(config.until) as { ms: number }).ms
    const done: RoutedCustomer[] = customers.map((customer) => {
      const at = until ?? customer.enteredAt + ms(config.for as Duration)
      return at > now ? { customer, at } : { customer }
    })
    return { routes: { done } }
  },
})

/** First arrival: park until the timeout, woken by a matching event; woken: `event`; due: `timeout`. */
function waitForEvent(event: NonNullable<WaitConfig['event']>, customers: readonly CohortMember[], now: number) {
  const routes: { event: CohortMember[]; timeout: CohortMember[] } = { event: [], timeout: [] }
  const park: ParkedCustomer[] = []
  for (const customer of customers) {
    if (customer.wake === 'event') {
      routes.event.push(customer)
      continue
    }
    const until = customer.enteredAt + ms(event.timeout)
    if (customer.wake === 'due' || until <= now) {
      routes.timeout.push(customer)
      continue
    }
    const where: Record<string, string | number | boolean> = { ...event.where }
    const missing: string[] = []
    for (const property of event.correlate ?? []) {
      const value = customer.trigger?.properties[property]
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') where[property] = value
      else missing.push(property)
    }
    // Without the triggering event's value there is nothing to correlate with: only the timeout remains.
    if (missing.length > 0) park.push({ customer, until, reason: `no ${missing.join(', ')} on the triggering event to match; waiting for the timeout` })
    else park.push({ customer, until, wakeOn: { type: event.type, ...(Object.keys(where).length > 0 ? { where } : {}) } })
  }
  return { routes, park }
}
