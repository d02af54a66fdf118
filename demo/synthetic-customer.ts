/**
 * The synthetic part of a demo customer, derived from their telco profile and a seeded stream:
 * time zone, addresses, consents, preferred channel, member tier, signup date, and twelve
 * months of events before `asOf`. Everything is a pure function of (seed, id, serial, profile,
 * asOf); see demo/README.md for the distributions.
 */
import type { Channel, ConsentInput, CustomerInput, EventInput } from '../engine/ports/store.ts'
import { MEMBER_TIERS } from './demo-catalogue.ts'
import type { MemberTier } from './demo-catalogue.ts'
import { Rng, weightedTable } from './prng.ts'
import type { TelcoProfile } from './telco-profile.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const MONTH = 30.4375 * DAY
const YEAR = 365 * DAY

/** A customer with everything the generator writes for them. */
export interface GeneratedCustomer {
  customer: CustomerInput
  consents: ConsentInput[]
  events: EventInput[]
}

/**
 * Time zones with their weight in the mix, standard UTC offset (minutes; daylight saving is
 * ignored, which only shifts synthetic activity by an hour) and a mobile phone prefix.
 */
const ZONES = [
  ['America/New_York', 22, -300, '+1 555'],
  ['America/Chicago', 10, -360, '+1 555'],
  ['America/Denver', 4, -420, '+1 555'],
  ['America/Los_Angeles', 12, -480, '+1 555'],
  ['America/Sao_Paulo', 3, -180, '+55 11 9'],
  ['Europe/London', 8, 0, '+44 7'],
  ['Europe/Paris', 10, 60, '+33 6'],
  ['Europe/Berlin', 7, 60, '+49 15'],
  ['Asia/Shanghai', 12, 480, '+86 13'],
  ['Asia/Tokyo', 4, 540, '+81 90'],
  ['Australia/Sydney', 3, 600, '+61 4'],
  ['UTC', 5, 0, '+44 7'],
] as const
const ZONE_CHOICES = weightedTable(ZONES.map((zone, index) => [index, zone[1]] as const))

/** Relative activity by local hour: quiet at night, peaks at lunch and in the evening. */
const HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3.5, 3.5, 4, 5, 4.5, 3.5, 3.5, 4, 4.5, 5.5, 6.5, 7, 6, 4, 2]
const HOUR_CHOICES = weightedTable(HOUR_WEIGHTS.map((weight, hour) => [hour, weight] as const))

const FIRST_NAMES = ['ana', 'ben', 'chen', 'dara', 'eli', 'fatima', 'george', 'hana', 'ivan', 'jia', 'kofi', 'lea', 'mateo', 'nina', 'omar', 'priya', 'quinn', 'rosa', 'sam', 'tomo', 'uma', 'victor', 'wei', 'yara', 'zoe']
const LAST_NAMES = ['adams', 'bauer', 'costa', 'dubois', 'evans', 'fischer', 'garcia', 'huang', 'ito', 'jones', 'kim', 'li', 'martin', 'nguyen', 'okafor', 'patel', 'rossi', 'silva', 'smith', 'tanaka', 'wang', 'zhang']
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org']
const PAGES = ['/plans', '/devices', '/support', '/billing', '/offers', '/roaming', '/account']
const SKUS = [
  ['SIM-5G', 10], ['CASE-01', 25], ['CHARGER-30W', 35], ['EARBUDS-2', 129],
  ['ROUTER-AX', 189], ['PHONE-P8', 699], ['PHONE-A15', 999], ['PLAN-UPGRADE', 15],
] as const
const SKU_CHOICES = weightedTable(SKUS.map((sku) => [sku, sku[0] === 'PHONE-A15' || sku[0] === 'PHONE-P8' ? 1 : 4] as const))

/** Lifetime spend thresholds of the member tiers (silver, gold, platinum). */
const TIER_THRESHOLDS = [1_000, 2_500, 5_000]

/** The tier for a lifetime spend. */
export function tierFor(lifetimeSpend: number): MemberTier {
  let tier = 0
  while (tier < TIER_THRESHOLDS.length && lifetimeSpend >= TIER_THRESHOLDS[tier]!) tier++
  return MEMBER_TIERS[tier]!
}

/** ISO date (YYYY-MM-DD) of an epoch-ms instant. */
function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10)
}

/**
 * Builds the synthetic additions and events of one customer. `serial` is a number unique to the
 * customer, used to make addresses unique (a shared address would let one suppression entry
 * silence several customers).
 */
export function synthesizeCustomer(
  seed: string | number,
  id: string,
  serial: number,
  profile: TelcoProfile,
  asOf: number,
  { events: withEvents = true }: { events?: boolean } = {},
): GeneratedCustomer {
  const rng = new Rng(seed, id, 'profile')
  const [zoneName, , offsetMinutes, phonePrefix] = ZONES[rng.choose(ZONE_CHOICES)]!
  const offset = offsetMinutes * 60_000

  const signupAt = asOf - profile.tenure * MONTH - rng.int(0, 27) * DAY
  const hasEmail = rng.chance(0.92)
  const hasPhone = rng.chance(0.88)
  const hasApp = rng.chance(profile.seniorCitizen ? 0.2 : 0.5)
  const hasWechat = rng.chance(zoneName === 'Asia/Shanghai' ? 0.7 : 0.02)
  const first = rng.pick(FIRST_NAMES)
  const last = rng.pick(LAST_NAMES)
  const addresses: CustomerInput['addresses'] = {}
  if (hasEmail) addresses.email = `${first}.${last}.${serial}@${rng.pick(EMAIL_DOMAINS)}`
  if (hasPhone) addresses.phone = `${phonePrefix} ${String(serial).padStart(7, '0')}`
  if (hasApp) addresses.push = `push-${rng.hex(24)}`
  if (hasWechat) addresses.wechat = `wxid_${rng.hex(12)}`

  // Activity ends with churn (in the last month, as in the telco data) and starts at signup.
  const windowStart = asOf - YEAR
  const activeFrom = Math.max(windowStart, signupAt)
  const activeTo = profile.churn ? asOf - rng.int(1, 30) * DAY : asOf
  const time = new EventClock(rng, offset)

  const consents: ConsentInput[] = []
  const consentStatus = new Map<Channel, ConsentInput>()
  const state = (channel: Channel, held: boolean, granted: number, revoked: number) => {
    if (!held) return
    const roll = rng.float()
    if (roll >= granted + revoked) return
    const status = roll < granted ? 'granted' : 'revoked'
    // Consent is collected at signup; a revocation comes later, often within the last year.
    const at = status === 'granted' ? time.between(signupAt, Math.min(signupAt + 30 * DAY, asOf)) : time.between(Math.max(signupAt, asOf - 2 * YEAR), asOf)
    const consent: ConsentInput = { customerId: id, channel, status, at, source: 'demo' }
    consents.push(consent)
    consentStatus.set(channel, consent)
  }
  state('email', hasEmail, 0.78, 0.1)
  state('sms', hasPhone, 0.6, 0.1)
  state('call', hasPhone, 0.45, 0.15)
  state('push', hasApp, 0.7, 0.1)
  state('wechat', hasWechat, 0.8, 0.05)

  const granted = [...consentStatus.values()].filter((consent) => consent.status === 'granted').map((consent) => consent.channel)
  const preferenceWeights: Record<Channel, number> = { email: 40, sms: 25, push: 20, wechat: 10, call: 5, inbox: 0 }
  const preferredChannel = granted.length > 0 && rng.chance(0.65) ? rng.weighted(granted.map((channel) => [channel, preferenceWeights[channel]] as const)) : null

  const lifetime = profile.tenure * profile.monthlyCharges
  const tier = tierFor(lifetime)
  // Events are drawn last, so skipping them (customers-only export) changes nothing else.
  const events = withEvents ? synthesizeEvents({ rng, time, id, profile, activeFrom, activeTo, windowStart, asOf, hasApp, consentStatus }) : []
  if (withEvents) addTierChanges(events, { rng, time, profile, asOf, windowStart })
  // Plain code-unit comparison, not localeCompare: the order must not depend on the ICU build.
  events.sort((a, b) => a.at - b.at || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
  const numbered: EventInput[] = events.map((event, index) => ({ id: `${id}-e${index + 1}`, customerId: id, ...event }))

  const customer: CustomerInput = {
    id,
    attributes: { member_tier: tier, signup_date: isoDate(signupAt) },
    timeZone: zoneName,
    addresses,
    preferredChannel,
  }
  return { customer, consents, events: numbered }
}

type DraftEvent = Omit<EventInput, 'id' | 'customerId'>

/** Draws event times within a span, in the customer's local day rhythm. */
class EventClock {
  constructor(
    private readonly rng: Rng,
    private readonly offset: number,
  ) {}

  /** A time in [from, to): a uniform day, a local hour from HOUR_WEIGHTS. */
  between(from: number, to: number): number {
    if (to <= from) return from
    const uniform = Math.floor(this.rng.between(from, to))
    const localDay = Math.floor((uniform + this.offset) / DAY)
    const hour = this.rng.choose(HOUR_CHOICES)
    const at = localDay * DAY + hour * HOUR + this.rng.int(0, 3_599) * 1_000 - this.offset
    return at >= from && at < to ? at : uniform
  }
}

interface EventContext {
  rng: Rng
  time: EventClock
  id: string
  profile: TelcoProfile
  activeFrom: number
  activeTo: number
  windowStart: number
  asOf: number
  hasApp: boolean
  consentStatus: Map<Channel, ConsentInput>
}

/** Logins, page views, carts, purchases and e-mail engagement over the active span. */
function synthesizeEvents(c: EventContext): DraftEvent[] {
  const { rng, time } = c
  const events: DraftEvent[] = []
  if (c.activeTo <= c.activeFrom) return events
  const share = (c.activeTo - c.activeFrom) / YEAR
  // Heavy-tailed engagement: most customers are light users, a few are very active.
  const activity = rng.logNormal(-0.1, 0.6)
  const span = () => time.between(c.activeFrom, c.activeTo)

  if (c.hasApp) {
    const platform = rng.chance(0.55) ? 'android' : 'ios'
    for (let n = rng.poisson(16 * activity * share); n > 0; n--) events.push({ type: 'app_login', at: span(), properties: { platform } })
  }
  for (let n = rng.poisson(12 * activity * share); n > 0; n--) events.push({ type: 'page_view', at: span(), properties: { page: rng.pick(PAGES) } })

  let orders = 0
  const carts = rng.poisson(1.5 * activity * share)
  for (let cart = 1; cart <= carts; cart++) {
    const [sku, listPrice] = rng.choose(SKU_CHOICES)
    const cartId = `k-${c.id}-${cart}`
    const at = span()
    const price = Math.round(listPrice * rng.between(0.9, 1.1) * 100) / 100
    events.push({ type: 'cart_add', at, properties: { cart_id: cartId, sku, price } })
    const paidAt = at + rng.int(5, 72 * 60) * 60_000
    if (rng.chance(0.45) && paidAt < c.activeTo) {
      events.push({ type: 'purchase', at: paidAt, properties: { order_id: `o-${c.id}-${++orders}`, amount: price, cart_id: cartId } })
    }
  }
  // Purchases without a cart (top-ups, in-store): log-normal amounts, median ~27, long tail.
  for (let n = rng.poisson(1.0 * activity * share); n > 0; n--) {
    const amount = Math.round(rng.logNormal(3.3, 1.0) * 100) / 100
    events.push({ type: 'purchase', at: span(), properties: { order_id: `o-${c.id}-${++orders}`, amount } })
  }

  const email = c.consentStatus.get('email')
  if (email) {
    const revokedAt = email.status === 'revoked' ? email.at : undefined
    if (revokedAt !== undefined && revokedAt >= c.windowStart) {
      events.push({ type: 'unsubscribe', at: revokedAt, properties: { channel: 'email' } })
    }
    const mailTo = Math.min(c.activeTo, revokedAt ?? c.activeTo)
    const engagement = rng.logNormal(-0.2, 0.8)
    const opens = email.status === 'granted' || (revokedAt ?? 0) > c.activeFrom ? rng.poisson(8 * engagement * ((mailTo - c.activeFrom) / YEAR)) : 0
    for (let n = 0; n < opens; n++) {
      const at = time.between(c.activeFrom, mailTo)
      const campaign = `newsletter-${new Date(at).toISOString().slice(0, 7)}`
      events.push({ type: 'email_open', at, properties: { campaign } })
      if (rng.chance(0.2)) {
        const clickAt = at + rng.int(10, 7_200) * 1_000
        if (clickAt < mailTo) events.push({ type: 'email_click', at: clickAt, properties: { campaign, link: rng.pick(['/offers', '/plans', '/devices']) } })
      }
    }
  }
  return events
}

/** One `tier_change` event per tier threshold the customer's lifetime spend crossed in the window. */
function addTierChanges(
  events: DraftEvent[],
  c: { rng: Rng; time: EventClock; profile: TelcoProfile; asOf: number; windowStart: number },
): void {
  const { monthlyCharges, tenure } = c.profile
  if (monthlyCharges <= 0) return
  for (const [index, threshold] of TIER_THRESHOLDS.entries()) {
    const month = Math.ceil(threshold / monthlyCharges)
    if (month > tenure) break
    const at = c.asOf - (tenure - month) * MONTH - c.rng.int(0, 27) * DAY
    if (at < c.windowStart || at >= c.asOf) continue
    events.push({ type: 'tier_change', at: c.time.between(at, Math.min(at + DAY, c.asOf)), properties: { from: MEMBER_TIERS[index]!, to: MEMBER_TIERS[index + 1]! } })
  }
}
