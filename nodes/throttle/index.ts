/**
 * throttle: the contact-policy gate. The engine's global policy (ctx.contactPolicy), tightened
 * by this node's rules, decides for each customer of the cohort whether the send that follows
 * may go now. Counted across ALL campaigns from contact history plus sends still pending in the
 * outbox, in one data call per batch. A customer held by a rule that can clear with time
 * (caps, quiet hours, capacity, priority) is deferred — parked here and checked again against
 * every rule at the deferred time — or dropped to `held`, as configured; suppression, missing
 * consent and a repeated offer always drop. Every held or deferred customer carries a reason code.
 */
import { z } from 'zod'
import { isValidTimeZone, startOfLocalDay } from '../../engine/sdk/index.ts'
import { capSchema, NO_CONTACT_POLICY, quietHoursSchema, tightenPolicy, type ContactPolicy } from '../../engine/sdk/index.ts'
import type { ContactPolicyFacts } from '../../engine/sdk/index.ts'
import { addressKindOf, CHANNELS } from '../../engine/sdk/index.ts'
import { defineNode } from '../../engine/sdk/index.ts'
import type { CohortMember, ParkedCustomer, RoutedCustomer } from '../../engine/sdk/index.ts'
import { evaluateCustomer, type Hold, type CustomerFacts } from './evaluate.ts'
import { LONGEST_WINDOW_MS } from './windows.ts'
import { zhCN } from './locales.ts'

const DAY = 86_400_000
const HOUR = 3_600_000
const action = z.enum(['defer', 'drop'])

const config = z.strictObject({
  channel: z.enum(CHANNELS).meta({ title: 'Channel', description: 'The channel of the send this gate guards.' }),
  offer: z.string().min(1).max(200).optional().meta({ title: 'Offer id', description: 'For "not the same offer twice"; the send should carry the same offer.' }),
  caps: z.array(capSchema).default([]).meta({ title: 'Extra frequency caps', description: 'Added to the global caps.' }),
  quietHours: z.array(quietHoursSchema).default([]).meta({ title: 'Extra quiet hours', description: 'Added to the global quiet hours.' }),
  capacityPerDay: z.number().int().min(0).optional().meta({ title: 'Channel capacity per day', description: 'Only lowers the global capacity.' }),
  duplicateOfferDays: z.number().int().min(0).optional().meta({ title: 'Same offer not again within (days)' }),
  consent: z.enum(['granted', 'not-revoked']).optional().meta({ title: 'Consent required' }),
  onCap: action.default('defer').meta({ title: 'When a cap is reached', description: '`defer` to when the window has room, or `drop` to held.' }),
  onQuietHours: action.default('defer').meta({ title: 'In quiet hours', description: '`defer` to the end of the quiet hours, or `drop`.' }),
  onCapacity: action.default('defer').meta({ title: 'When capacity is used up', description: '`defer` to the next capacity day, or `drop`.' }),
  arbitration: z.strictObject({
    action: action.default('defer').meta({ title: 'When a higher-priority flow wants the customer' }),
    windowHours: z.number().int().min(0).max(720).default(24).meta({ title: 'Window (hours)', description: '0 turns arbitration off.' }),
  }).default({ action: 'defer', windowHours: 24 }).meta({ title: 'Arbitration' }),
  maxDeferDays: z.number().int().min(0).max(90).default(7).meta({ title: 'Defer at most (days)', description: 'After this long at the gate a deferred customer is dropped to held.' }),
}).meta({ title: 'Throttle' })

type Config = z.output<typeof config>

/** The node's rules as a policy to merge into the global one. */
function nodeRules(c: Config): Partial<ContactPolicy> {
  return {
    caps: c.caps,
    quietHours: c.quietHours,
    capacity: c.capacityPerDay === undefined ? [] : [{ channel: c.channel, perDay: c.capacityPerDay }],
    ...(c.duplicateOfferDays === undefined ? {} : { duplicateOfferDays: c.duplicateOfferDays }),
    ...(c.consent === undefined ? {} : { consent: c.consent }),
  }
}

/** The policy this gate enforces: the global one (or none) tightened by the gate's own rules. */
function gatePolicy(global: ContactPolicy | undefined, c: Config): ContactPolicy {
  return tightenPolicy(global ?? NO_CONTACT_POLICY, nodeRules(c))
}

function describeReason(code: string | undefined): string {
  if (!code) return 'no rule'
  if (code.startsWith('cap:')) {
    const [, channel, per] = code.split(':')
    return `the ${channel === 'all' ? 'all-channel' : channel} cap for the ${per} was reached`
  }
  if (code.startsWith('capacity:')) return `the day's ${code.slice(9)} capacity was used up`
  const words: Record<string, string> = {
    'quiet-hours': 'it was quiet hours in their time zone',
    priority: 'a higher-priority campaign wants them in the same window',
    suppressed: 'they are on the suppression list',
    'no-consent': 'they have not consented to the channel',
    'duplicate-offer': 'they received the same offer recently',
  }
  return words[code] ?? code
}

const WINDOW_WORDS: Record<string, string> = { day: 'the last 24 hours', week: 'the last 7 days', month: 'the last 30 days' }

/** A cap's window in words: `calendar week in Europe/Paris` or `rolling week (the last 7 days)`. */
function describeWindow(per: string, window: unknown, zone: unknown): string {
  if (window === 'rolling') return `rolling ${per} (${WINDOW_WORDS[per] ?? per})`
  return `calendar ${per}${typeof zone === 'string' ? ` in ${zone}` : ''}`
}

/** The figures behind a hold, in words: a cap's limit, count and window; a capacity's use; consent; offers. */
function describeHoldValues(code: string | undefined, values: Record<string, unknown>, c: Config): string {
  if (code === undefined) return ''
  if (code.startsWith('cap:')) {
    const [, channel, per = ''] = code.split(':')
    if (typeof values.max === 'number') {
      const count = typeof values.count === 'number' ? `${values.count} contact(s) already, ` : ''
      return ` (${count}at most ${values.max} per ${describeWindow(per, values.window, values.zone)})`
    }
    const own = c.caps.find((cap) => cap.channel === channel && cap.per === per)
    return own ? ` (this gate's cap: at most ${own.max} per ${describeWindow(per, own.window, undefined)})` : ' (a cap of the global contact policy)'
  }
  if (code.startsWith('capacity:') && typeof values.perDay === 'number') return ` (${values.perDay} a day: ${String(values.used ?? 0)} used, ${String(values.reserved ?? 0)} kept for higher-priority campaigns)`
  if (code === 'no-consent' && typeof values.required === 'string') return ` (${values.required} consent required, theirs: ${String(values.consent ?? 'none')})`
  if (code === 'duplicate-offer' && typeof values.offer === 'string') return ` (offer "${values.offer}" within ${String(values.days)} days)`
  if (code === 'priority' && values.competingPriority !== undefined) return ` (priority ${String(values.competingPriority)} above this flow's ${String(values.priority)})`
  return ''
}

export default defineNode({
  type: 'throttle',
  version: 1,
  title: 'Throttle',
  category: 'policy',
  icon: 'shield',
  locales: { 'zh-CN': zhCN },
  description:
    'Contact policy gate before a send: the global policy (caps per channel and over all channels in calendar or rolling ' +
    'day/week/month windows in the customer\'s time zone, counted over every campaign including sends pending in the outbox; ' +
    'quiet hours; channel capacity per day (given out in arrival order over everyone at the gate at once; customers in the flow\'s holdout or with no address on the channel pass the same way but use none of it, since no send follows); not the same offer twice; consent) tightened by this node. When a higher-priority ' +
    'flow has the customer waiting at its own gate, the lower one waits or drops. Suppression and consent always win. ' +
    'Customers who may be contacted leave on `pass`; a held customer is deferred (parked and checked again) or dropped to ' +
    '`held`, always with a reason code: `cap:sms:week`, `cap:all:day`, `quiet-hours`, `capacity:call`, `priority`, ' +
    '`suppressed`, `no-consent`, `duplicate-offer`.',
  config,
  outputs: ['pass', 'held'],
  // The gate other flows' throttles arbitrate against: customers waiting here compete for this channel's capacity.
  gatesChannel: (config) => config.channel,
  timing: 'waits',
  // A capacity is shared by everyone at the gate at once: given out over the whole cohort in one
  // order, who passes does not depend on how the engine splits the cohort into batches. It may
  // come from this gate's config or only from the global policy in force this tick.
  cohort: (c, settings) => (gatePolicy(settings.contactPolicy, c).capacity.some((cap) => cap.channel === c.channel) ? 'whole' : 'batches'),
  validate(c) {
    const issues = []
    for (const [i, cap] of c.caps.entries()) {
      if (cap.channel !== 'all' && cap.channel !== c.channel) {
        issues.push({ code: 'throttle.cap-other-channel', path: `config.caps[${i}].channel`, message: `this cap counts ${cap.channel} but the gate guards ${c.channel}: it never holds anyone`, severity: 'warning' as const })
      }
    }
    if (c.duplicateOfferDays !== undefined && c.duplicateOfferDays > 0 && c.offer === undefined) {
      issues.push({ code: 'throttle.offer-missing', path: 'config.offer', message: 'duplicateOfferDays needs the offer id the send carries' })
    }
    return issues
  },
  // Names the rule; for a cap its limit and window (from the values journalled with a drop, or
  // for a deferral, which journals only the code, from this gate's own caps when it is one).
  explain(decision, config) {
    if (decision.output === 'pass') return 'passed: no contact rule held them'
    const code = decision.reason ?? 'no reason'
    const rule = `${describeReason(decision.reason)}${describeHoldValues(decision.reason, decision.values ?? {}, config)}`
    if (decision.output === null) return `deferred (${code}): ${rule}; checked again against every rule when it may clear`
    const waited = decision.values?.deferLimitReached === true ? ', and they had waited as long as the gate defers' : ''
    return `held (${code}): ${rule}${waited}`
  },
  // Caps and capacities are the shared limits; suppression, consent, quiet hours and priority are not.
  limits(detail) {
    const code = detail.reason
    if (detail.output === 'pass' || code === undefined || !(code.startsWith('cap:') || code.startsWith('capacity:'))) return []
    return [{ limit: code, description: describeReason(code) }]
  },
  async run({ config: c, customers, ctx }) {
    const now = ctx.now()
    const policy = gatePolicy(ctx.contactPolicy, c)
    const capacity = policy.capacity.find((cap) => cap.channel === c.channel)
    const capacityDay = capacity
      ? { from: startOfLocalDay(now, policy.capacityTimeZone), to: startOfLocalDay(now, policy.capacityTimeZone, 1) }
      : undefined
    const arbitrationUntil = now + c.arbitration.windowHours * HOUR
    const [profiles, facts] = await Promise.all([
      ctx.data.customers(customers),
      ctx.data.contactPolicy(customers, {
        since: now - Math.max(LONGEST_WINDOW_MS, policy.duplicateOfferDays * DAY),
        ...(capacity && capacityDay ? { capacity: { channel: c.channel, ...capacityDay } } : {}),
        ...(c.arbitration.windowHours > 0 || capacity
          ? { competitors: { flowId: ctx.flow.id, until: arbitrationUntil, channel: c.channel, abovePriority: ctx.flow.priority } }
          : {}),
      }),
    ])
    const zones = new Map(profiles.map((p) => [p.id, isValidTimeZone(p.timeZone) ? p.timeZone : 'UTC']))
    const addressKind = addressKindOf(c.channel)
    const reachable = new Set(profiles.filter((p) => addressKind === null || Boolean(p.addresses[addressKind])).map((p) => p.id))
    const byKey = groupFacts(customers, facts)
    // Capacity left for this flow: the day's use so far, less what higher-priority flows have waiting for today.
    let capacityLeft = capacity ? Math.max(0, capacity.perDay - facts.capacityUsed - facts.higherPriorityDemand) : Infinity

    const pass: RoutedCustomer[] = []
    const held: RoutedCustomer[] = []
    const park: ParkedCustomer[] = []
    // Capacity is given out in arrival then key order, the order the engine pages due customers
    // in, so batches taken one after another hand it out as one whole cohort would.
    const inOrder = [...customers].sort((a, b) => a.enteredAt - b.enteredAt || a.key - b.key)
    for (const member of inOrder) {
      const zone = zones.get(member.id) ?? 'UTC'
      const memberFacts = byKey.get(member.key) as CustomerFacts
      let hold: Hold | null = evaluateCustomer({ policy, config: c, now, zone, facts: memberFacts, priority: ctx.flow.priority, arbitrationUntil })
      if (!hold && capacity && capacityDay) {
        // Capacity counts what becomes a real send, as the store does across ticks (contact
        // history and pending outbox): a holdout customer, or one with no address on the channel,
        // passes as a contacted one would but is never sent to, so they use none of it.
        if (capacityLeft > 0) capacityLeft -= member.holdout || !reachable.has(member.id) ? 0 : 1
        else hold = { code: `capacity:${c.channel}`, action: c.onCapacity, until: capacityDay.to, values: { perDay: capacity.perDay, used: facts.capacityUsed, reserved: facts.higherPriorityDemand } }
      }
      if (!hold) {
        pass.push({ customer: member })
        continue
      }
      route(member, hold, { held, park, maxDeferUntil: member.enteredAt + c.maxDeferDays * DAY })
    }
    ctx.log.info('throttle', { pass: pass.length, deferred: park.length, held: held.length })
    return { routes: { pass, held }, park }
  },
})

function groupFacts(customers: readonly CohortMember[], facts: ContactPolicyFacts): Map<number, CustomerFacts> {
  const byKey = new Map<number, CustomerFacts>(customers.map((m) => [m.key, { contacts: [], suppressed: false, consents: new Map(), competingPriority: null }]))
  for (const contact of facts.contacts) byKey.get(contact.customerKey)?.contacts.push(contact)
  for (const key of facts.suppressed) {
    const f = byKey.get(key)
    if (f) f.suppressed = true
  }
  for (const consent of facts.consents) byKey.get(consent.customerKey)?.consents.set(consent.channel, consent.status)
  for (const competitor of facts.competitors) {
    const f = byKey.get(competitor.customerKey)
    if (f) f.competingPriority = competitor.priority
  }
  return byKey
}

/** Deferred customers park until the rule may clear; past the deferral limit, or with `drop`, they leave on `held`. */
function route(member: CohortMember, hold: Hold, out: { held: RoutedCustomer[]; park: ParkedCustomer[]; maxDeferUntil: number }): void {
  if (hold.action === 'defer' && hold.until !== undefined && hold.until <= out.maxDeferUntil) {
    out.park.push({ customer: member, until: hold.until, reason: hold.code })
    return
  }
  const expired = hold.action === 'defer'
  out.held.push({ customer: member, reason: hold.code, values: { ...hold.values, ...(expired ? { deferLimitReached: true } : {}) } })
}
