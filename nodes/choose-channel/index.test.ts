import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyUnsubscribe, verifyUnsubscribeToken } from '../../engine/channels/unsubscribe.ts'
import type { CustomerInput, StorePort } from '../../engine/sdk/index.ts'
import { ConfigError } from '../../engine/sdk/index.ts'
import { contactPolicySchema } from '../../engine/sdk/index.ts'
import { openStore } from '../../store/open-store.ts'
import { testNode } from '../../testing/index.ts'
import { sampleBeta } from './beta-sampler.ts'
import chooseChannel from './index.ts'

const NOW = Date.UTC(2025, 0, 1, 14) // 14:00 UTC = 22:00 in Shanghai, 09:00 in New York
const DAY = 86_400_000
const EMAIL = { channel: 'email', subject: 'Hi {{customer.first_name}}', body: '<p>Hello {{customer.first_name}}</p>' } as const
const SMS = { channel: 'sms', body: 'Hello {{customer.first_name}}' } as const

let store: StorePort
beforeEach(async () => {
  store = await openStore({ db: ':memory:', now: () => NOW })
})
afterEach(async () => {
  await store.close()
})

async function given(customers: CustomerInput[], consents: [string, 'email' | 'sms' | 'call' | 'push', 'granted' | 'revoked'][] = []) {
  await store.upsertCustomers(customers)
  if (consents.length > 0) await store.setConsents(consents.map(([customerId, channel, status]) => ({ customerId, channel, status, at: NOW - DAY })))
}

describe('choose-channel eligibility', () => {
  beforeEach(async () => {
    await given(
      [
        { id: 'both', addresses: { email: 'both@example.com', phone: '+1001' }, attributes: { first_name: 'Ann' } },
        { id: 'phone-only', addresses: { phone: '+1002' }, attributes: { first_name: 'Bo' } },
        { id: 'revoked', addresses: { email: 'r@example.com' } },
        { id: 'suppressed', addresses: { email: 's@example.com', phone: '+1004' } },
        { id: 'mail-suppressed', addresses: { email: 'm@example.com', phone: '+1005' } },
      ],
      [
        ['both', 'email', 'granted'], ['both', 'sms', 'granted'], ['phone-only', 'sms', 'granted'], ['phone-only', 'email', 'granted'],
        ['revoked', 'email', 'revoked'], ['suppressed', 'email', 'granted'], ['suppressed', 'sms', 'granted'],
        ['mail-suppressed', 'email', 'granted'], ['mail-suppressed', 'sms', 'granted'],
      ],
    )
    await store.addSuppressions([
      { scope: 'customer', value: 'suppressed', reason: 'complaint', at: NOW - DAY },
      { scope: 'email', value: 'm@example.com', reason: 'bounce', at: NOW - DAY },
    ])
  })

  const ids = ['both', 'phone-only', 'revoked', 'suppressed', 'mail-suppressed']

  it('rules out unreachable, unconsented and suppressed channels with a reason, and sends with the rest as fallbacks', async () => {
    const result = await testNode(chooseChannel, { store, customers: ids, now: NOW, config: { candidates: [EMAIL, SMS] } })
    expect(result.routes).toEqual({ email: ['both'], sms: ['phone-only', 'mail-suppressed'], none: ['revoked', 'suppressed'] })
    const reasons = Object.fromEntries(result.decisions.map((d) => [d.customer, d.reason]))
    expect(reasons).toEqual({
      both: 'email by priority',
      'phone-only': 'sms by priority (not email unreachable)',
      'mail-suppressed': 'sms by priority (not email suppressed)',
      revoked: 'no eligible channel: email no-consent, sms unreachable',
      suppressed: 'no eligible channel: email suppressed, sms suppressed',
    })
    expect(result.decisions.find((d) => d.customer === 'revoked')?.explanation).toBe('no candidate channel could be used (email no-consent, sms unreachable)')
    expect(result.decisions.find((d) => d.customer === 'both')?.explanation).toBe('sent by email, chosen by the priority strategy, falling back to sms')
    expect(result.sends).toEqual([
      {
        customer: 'both', channel: 'email',
        message: { to: 'both@example.com', subject: 'Hi Ann', body: '<p>Hello Ann</p>', fallback: [{ channel: 'sms', to: '+1001', body: 'Hello Ann' }] },
      },
      { customer: 'phone-only', channel: 'sms', message: { to: '+1002', body: 'Hello Bo' } },
      { customer: 'mail-suppressed', channel: 'sms', message: { to: '+1005', body: 'Hello ' } },
    ])
    expect(result.calls).toMatchObject({ customers: 1, channelFacts: 1, events: 0 })
    expect(result.notes).toEqual([
      { message: 'sent 3 (email 1, sms 2), 2 without a channel', data: { sent: { email: 1, sms: 2 }, none: 2, skipped: { unreachable: 2, suppressed: 3, 'no-consent': 1 } } },
    ])
  })

  it('gives the same routes in batches of 2 and in reverse order, with one facts call per batch', async () => {
    const whole = await testNode(chooseChannel, { store, customers: ids, now: NOW, config: { candidates: [EMAIL, SMS] } })
    const batched = await testNode(chooseChannel, { store, customers: ids, now: NOW, config: { candidates: [EMAIL, SMS] }, batchSize: 2, order: 'reverse' })
    expect(batched.routes).toEqual(whole.routes)
    expect(batched.calls).toMatchObject({ customers: 3, channelFacts: 3 })
  })

  it('accepts customers without a statement when consent is `not-revoked`', async () => {
    await store.upsertCustomers([{ id: 'silent', addresses: { email: 'q@example.com' } }])
    const strict = await testNode(chooseChannel, { store, customers: ['silent'], now: NOW, config: { candidates: [EMAIL] } })
    const lenient = await testNode(chooseChannel, { store, customers: ['silent', 'revoked'], now: NOW, config: { candidates: [EMAIL], consent: 'not-revoked' } })
    expect(strict.routes).toEqual({ email: [], none: ['silent'] })
    expect(lenient.routes).toEqual({ email: ['silent'], none: ['revoked'] })
  })
})

describe('choose-channel quiet hours and capacity', () => {
  it('skips a channel during quiet hours in the customer\'s own time zone', async () => {
    await given(
      [
        { id: 'shanghai', timeZone: 'Asia/Shanghai', addresses: { email: 'sh@example.com', phone: '+86' } },
        { id: 'new-york', timeZone: 'America/New_York', addresses: { email: 'ny@example.com', phone: '+1' } },
      ],
      [['shanghai', 'sms', 'granted'], ['shanghai', 'email', 'granted'], ['new-york', 'sms', 'granted'], ['new-york', 'email', 'granted']],
    )
    const config = { candidates: [SMS, EMAIL], quietHours: { from: '21:00', to: '08:00', channels: ['sms' as const] } }
    const result = await testNode(chooseChannel, { store, customers: ['shanghai', 'new-york'], now: NOW, config })
    expect(result.routes).toEqual({ sms: ['new-york'], email: ['shanghai'], none: [] })
    expect(result.decisions.find((d) => d.customer === 'shanghai')?.reason).toBe('email by priority (not sms quiet-hours)')
    // Eleven hours later it is 09:00 in Shanghai (quiet hours over) and 20:00 in New York.
    const later = await testNode(chooseChannel, { store, customers: ['shanghai', 'new-york'], now: NOW + 11 * 3_600_000, config })
    expect(later.routes).toEqual({ sms: ['shanghai', 'new-york'], email: [], none: [] })
  })

  it('keeps quiet hours on local time across the DST change in New York (and in Shanghai, which has none)', async () => {
    await given(
      [
        { id: 'ny', timeZone: 'America/New_York', addresses: { phone: '+1', email: 'ny@example.com' } },
        { id: 'sh', timeZone: 'Asia/Shanghai', addresses: { phone: '+86', email: 'sh@example.com' } },
      ],
      [['ny', 'sms', 'granted'], ['ny', 'email', 'granted'], ['sh', 'sms', 'granted'], ['sh', 'email', 'granted']],
    )
    const config = { candidates: [SMS, EMAIL], quietHours: { from: '21:00', to: '08:00', channels: ['sms' as const] } }
    const smsAt = async (now: number) => (await testNode(chooseChannel, { store, customers: ['ny', 'sh'], now, config })).routes.sms
    // 2025-03-09 is the spring-forward day in New York (EST −5 → EDT −4).
    // 12:30 UTC on 8 March = 07:30 EST (quiet) and 20:30 in Shanghai (not quiet).
    expect(await smsAt(Date.UTC(2025, 2, 8, 12, 30))).toEqual(['sh'])
    // 12:30 UTC on 9 March = 08:30 EDT: quiet hours are over in New York; 20:30 in Shanghai.
    expect(await smsAt(Date.UTC(2025, 2, 9, 12, 30))).toEqual(['ny', 'sh'])
    // 00:30 UTC on 10 March = 20:30 EDT (not quiet) and 08:30 in Shanghai (not quiet).
    expect(await smsAt(Date.UTC(2025, 2, 10, 0, 30))).toEqual(['ny', 'sh'])
    // 01:30 UTC on 10 March = 21:30 EDT (quiet); the same UTC time a week earlier was 20:30 EST.
    expect(await smsAt(Date.UTC(2025, 2, 10, 1, 30))).toEqual(['sh'])
    expect(await smsAt(Date.UTC(2025, 2, 3, 1, 30))).toEqual(['ny', 'sh'])
  })

  it('applies a list of windows and the global contact policy, which only tightens (quiet hours add, smaller capacity, opt-in)', async () => {
    const people = ['q1', 'q2', 'q3']
    await given(
      people.map((id) => ({ id, timeZone: 'Europe/Paris', addresses: { phone: `+${id}`, email: `${id}@example.com` } })),
      [...people.flatMap((id) => [[id, 'call', 'granted'], [id, 'sms', 'granted']] as [string, 'call' | 'sms', 'granted'][]), ['q3', 'email', 'granted']],
    )
    const config = {
      candidates: [{ channel: 'call' as const, body: 'script' }, SMS, EMAIL],
      consent: 'not-revoked' as const,
      quietHours: [{ from: '21:00', to: '08:00', channels: ['sms' as const] }],
      capacity: { perDay: { call: 5 } },
    }
    const contactPolicy = contactPolicySchema.parse({ quietHours: [{ from: '14:00', to: '16:00', channels: ['call'] }], capacity: [{ channel: 'sms', perDay: 1 }], consent: 'granted' })
    // 14:00 UTC = 15:00 in Paris: calls are quiet by the global policy; SMS has room for one today.
    const result = await testNode(chooseChannel, { store, customers: people, now: NOW, config, contactPolicy })
    expect(result.routes).toEqual({ call: [], sms: ['q1'], email: ['q3'], none: ['q2'] })
    expect(result.decisions.find((d) => d.customer === 'q2')?.reason).toBe('no eligible channel: call quiet-hours, sms capacity, email no-consent')
    // Without the global policy the node's own rules allow the call.
    const alone = await testNode(chooseChannel, { store, customers: people, now: NOW, config })
    expect(alone.routes.call).toEqual(people)
  })

  it('counts capacity across campaigns (contacts today) and hands the overflow to the next channel', async () => {
    const people = ['p1', 'p2', 'p3', 'p4']
    await given(people.map((id) => ({ id, addresses: { phone: `+${id}`, email: `${id}@example.com` } })), people.flatMap((id) => [[id, 'call', 'granted'], [id, 'email', 'granted']] as [string, 'call' | 'email', 'granted'][]))
    await store.recordContacts([{ customerId: 'p4', flowId: 'other-campaign', nodeId: 'x', channel: 'call', at: Date.UTC(2025, 0, 1, 9) }])
    const config = { candidates: [{ channel: 'call' as const, body: 'script' }, EMAIL], capacity: { perDay: { call: 3 } } }
    const result = await testNode(chooseChannel, { store, customers: people, now: NOW, config })
    expect(result.routes).toEqual({ call: ['p1', 'p2'], email: ['p3', 'p4'], none: [] })
    expect(result.decisions.find((d) => d.customer === 'p3')?.reason).toBe('email by priority (not call capacity)')
    // Yesterday's contacts do not count against today.
    const tomorrow = await testNode(chooseChannel, { store, customers: people, now: NOW + DAY, config })
    expect(tomorrow.routes.call).toEqual(['p1', 'p2', 'p3'])
  })

  it('routes holdout customers as it would anyone but spends no capacity on them, in key order whatever order the cohort comes in', async () => {
    const people = ['h1', 'p1', 'h2', 'p2', 'p3']
    await given(people.map((id) => ({ id, addresses: { phone: `+${id}`, email: `${id}@example.com` } })), people.flatMap((id) => [[id, 'call', 'granted'], [id, 'email', 'granted']] as [string, 'call' | 'email', 'granted'][]))
    const config = { candidates: [{ channel: 'call' as const, body: 'script' }, EMAIL], capacity: { perDay: { call: 2 } } }
    // Without a holdout the two calls go to the first two customers.
    expect((await testNode(chooseChannel, { store, customers: people, now: NOW, config })).routes).toEqual({ call: ['h1', 'p1'], email: ['h2', 'p2', 'p3'], none: [] })
    // h1 and h2 are held out: they get the channel a contacted customer in their place would
    // (a call while calls are left), and the two real calls go to p1 and p2.
    for (const order of ['key', 'reverse'] as const) {
      const result = await testNode(chooseChannel, { store, customers: people, now: NOW, config, holdout: ['h1', 'h2'], order })
      expect(result.routes, order).toEqual({ call: ['h1', 'p1', 'h2', 'p2'], email: ['p3'], none: [] })
    }
  })

  it('takes its whole cohort at once when it gives out a capacity, and batches otherwise', () => {
    const cohort = (config: unknown, settings = {}) => (chooseChannel.cohort as (c: unknown, s: object) => string)(chooseChannel.config.parse(config), settings)
    expect(cohort({ candidates: [EMAIL], capacity: { perDay: { email: 150 } } })).toBe('whole')
    expect(cohort({ candidates: [EMAIL] })).toBe('batches')
    // A capacity only the global policy sets counts when it is on a candidate channel.
    expect(cohort({ candidates: [EMAIL] }, { contactPolicy: contactPolicySchema.parse({ capacity: [{ channel: 'email', perDay: 4 }] }) })).toBe('whole')
    expect(cohort({ candidates: [EMAIL] }, { contactPolicy: contactPolicySchema.parse({ capacity: [{ channel: 'call', perDay: 4 }] }) })).toBe('batches')
  })
})

describe('choose-channel strategies', () => {
  beforeEach(async () => {
    await given(
      [
        { id: 'likes-sms', preferredChannel: 'sms', addresses: { email: 'x@example.com', phone: '+1' } },
        { id: 'no-preference', addresses: { email: 'y@example.com', phone: '+2' } },
        { id: 'likes-push', preferredChannel: 'push', addresses: { email: 'z@example.com', phone: '+3' } },
      ],
      ['likes-sms', 'no-preference', 'likes-push'].flatMap((id) => [[id, 'email', 'granted'], [id, 'sms', 'granted']] as [string, 'email' | 'sms', 'granted'][]),
    )
  })
  const all = ['likes-sms', 'no-preference', 'likes-push']

  it('preferred: the stated channel when eligible, else candidate order', async () => {
    const result = await testNode(chooseChannel, { store, customers: all, now: NOW, config: { candidates: [EMAIL, SMS], strategy: 'preferred' } })
    expect(result.routes).toEqual({ email: ['no-preference', 'likes-push'], sms: ['likes-sms'], none: [] })
  })

  it('cheapest: the lowest cost among eligible channels', async () => {
    const config = { candidates: [{ ...SMS, cost: 0.05 }, { ...EMAIL, cost: 0.001 }], strategy: 'cheapest' as const }
    const result = await testNode(chooseChannel, { store, customers: all, now: NOW, config })
    expect(result.routes).toEqual({ sms: [], email: all, none: [] })
    expect(result.decisions[0]?.values?.scores).toEqual({ sms: 0.05, email: 0.001 })
  })

  it('best-response: per-customer rates shrunk towards everyone\'s, from contacts and response events', async () => {
    const contact = (customerId: string, channel: 'email' | 'sms', n: number) =>
      Array.from({ length: n }, (_, i) => ({ customerId, flowId: 'past', nodeId: 'n', channel, at: NOW - (i + 1) * DAY }))
    await store.recordContacts([...contact('likes-sms', 'email', 4), ...contact('likes-sms', 'sms', 4), ...contact('no-preference', 'email', 5)])
    await store.insertEvents([
      ...Array.from({ length: 3 }, (_, i) => ({ id: `r${i}`, customerId: 'likes-sms', type: 'sms_click', at: NOW - (i + 1) * DAY + 60_000 })),
      ...Array.from({ length: 5 }, (_, i) => ({ id: `o${i}`, customerId: 'no-preference', type: 'email_open', at: NOW - (i + 1) * DAY + 60_000 })),
      { id: 'old', customerId: 'likes-push', type: 'sms_click', at: NOW - 200 * DAY },
    ])
    const config = {
      candidates: [EMAIL, SMS], strategy: 'best-response' as const,
      responses: { events: [{ event: 'email_open', channel: 'email' as const }, { event: 'sms_click', channel: 'sms' as const }], days: 90 },
    }
    const result = await testNode(chooseChannel, { store, customers: all, now: NOW, config })
    // Everyone: email 5 of 9 → (5+1)/(9+2) = 6/11; sms 3 of 4 → 4/6. Customer: (s + 2p) / (n + 2).
    const scores = Object.fromEntries(result.decisions.map((d) => [d.customer, d.values?.scores]))
    expect(scores['likes-sms']).toEqual({ email: (0 + 12 / 11) / 6, sms: (3 + 4 / 3) / 6 })
    expect(scores['no-preference']).toEqual({ email: (5 + 12 / 11) / 7, sms: (0 + 4 / 3) / 2 })
    expect(scores['likes-push']).toEqual({ email: 6 / 11, sms: 2 / 3 })
    expect(result.routes).toEqual({ email: ['no-preference'], sms: ['likes-sms', 'likes-push'], none: [] })
  })
})

describe('choose-channel best response by segment', () => {
  it('a customer without history takes the rate of their segment; one without a segment takes everyone\'s', async () => {
    const people = [
      { id: 'n-old', region: 'north' }, { id: 's-old', region: 'south' }, { id: 'n-new', region: 'north' }, { id: 's-new', region: 'south' }, { id: 'nowhere' },
    ]
    await given(
      people.map(({ id, region }) => ({ id, addresses: { email: `${id}@example.com`, phone: `+${id}` }, ...(region ? { attributes: { region } } : {}) })),
      people.flatMap(({ id }) => [[id, 'email', 'granted'], [id, 'sms', 'granted']] as [string, 'email' | 'sms', 'granted'][]),
    )
    const past = (customerId: string, channel: 'email' | 'sms', n: number) => Array.from({ length: n }, (_, i) => ({ customerId, flowId: 'past', nodeId: 'n', channel, at: NOW - (i + 1) * DAY }))
    await store.recordContacts([...past('n-old', 'email', 10), ...past('n-old', 'sms', 10), ...past('s-old', 'email', 10), ...past('s-old', 'sms', 30)])
    await store.insertEvents([
      ...Array.from({ length: 8 }, (_, i) => ({ id: `ns${i}`, customerId: 'n-old', type: 'sms_click', at: NOW - (i + 1) * DAY + 1 })),
      ...Array.from({ length: 6 }, (_, i) => ({ id: `se${i}`, customerId: 's-old', type: 'email_click', at: NOW - (i + 1) * DAY + 1 })),
    ])
    const responses = { events: [{ event: 'email_click', channel: 'email' as const }, { event: 'sms_click', channel: 'sms' as const }], scope: 'segment' as const, segmentBy: 'region' }
    const result = await testNode(chooseChannel, { store, customers: ['n-new', 's-new', 'nowhere'], now: NOW, config: { candidates: [EMAIL, SMS], strategy: 'best-response', responses } })
    const scores = Object.fromEntries(result.decisions.map((d) => [d.customer, d.values?.scores]))
    // north: email 0/10 → 1/12, sms 8/10 → 9/12; south: email 6/10 → 7/12, sms 0/30 → 1/32; everyone: email 6/20 → 7/22, sms 8/40 → 9/42.
    expect(scores).toEqual({ 'n-new': { email: 1 / 12, sms: 9 / 12 }, 's-new': { email: 7 / 12, sms: 1 / 32 }, nowhere: { email: 7 / 22, sms: 9 / 42 } })
    expect(result.routes).toEqual({ email: ['s-new', 'nowhere'], sms: ['n-new'], none: [] })
    expect(result.calls.channelFacts).toBe(1)
  })

  it('asks for the segment attribute when the scope is segment', async () => {
    await given([{ id: 'x' }])
    const error = (await testNode(chooseChannel, { store, customers: ['x'], now: NOW, config: { candidates: [EMAIL], responses: { scope: 'segment' } } }).catch((e: unknown) => e)) as ConfigError
    expect(error.issues.map((i) => i.path)).toEqual(['config.responses.segmentBy'])
  })
})

describe('choose-channel conversions', () => {
  it('credits a purchase within the window to the channel contacted before it', async () => {
    await given(
      [{ id: 'buyer', addresses: { email: 'b@example.com', phone: '+1' } }],
      [['buyer', 'email', 'granted'], ['buyer', 'sms', 'granted']],
    )
    await store.recordContacts([
      { customerId: 'buyer', flowId: 'past', nodeId: 'n', channel: 'email', at: NOW - 10 * DAY },
      { customerId: 'buyer', flowId: 'past', nodeId: 'n', channel: 'sms', at: NOW - 20 * DAY },
    ])
    await store.insertEvents([{ id: 'p', customerId: 'buyer', type: 'purchase', at: NOW - 8 * DAY }])
    const config = { candidates: [SMS, EMAIL], strategy: 'best-response' as const, responses: { events: [], conversion: { event: 'purchase', withinDays: 3 }, scope: 'everyone' as const } }
    const result = await testNode(chooseChannel, { store, customers: ['buyer'], now: NOW, config })
    // email 1 of 1 → 2/3; sms 0 of 1 (the purchase came 12 days after it) → 1/3.
    expect(result.decisions[0]?.values?.scores).toEqual({ sms: 1 / 3, email: 2 / 3 })
    expect(result.routes.email).toEqual(['buyer'])
  })
})

describe('choose-channel bandit', () => {
  const people = Array.from({ length: 200 }, (_, i) => `b${String(i).padStart(3, '0')}`)
  beforeEach(async () => {
    await given(
      people.map((id) => ({ id, addresses: { email: `${id}@example.com`, phone: `+${id}` } })),
      people.flatMap((id) => [[id, 'email', 'granted'], [id, 'sms', 'granted']] as [string, 'email' | 'sms', 'granted'][]),
    )
  })
  const config = {
    candidates: [EMAIL, SMS], strategy: 'bandit' as const,
    responses: { events: [{ event: 'email_click', channel: 'email' as const }, { event: 'sms_click', channel: 'sms' as const }], scope: 'everyone' as const },
  }

  it('explores both channels without evidence, the same way in any batch and order', async () => {
    const whole = await testNode(chooseChannel, { store, customers: people, now: NOW, config })
    const batched = await testNode(chooseChannel, { store, customers: people, now: NOW, config, batchSize: 7, order: 'reverse' })
    expect(batched.routes).toEqual(whole.routes)
    expect(whole.routes.email.length).toBeGreaterThan(60)
    expect(whole.routes.sms.length).toBeGreaterThan(60)
    const otherSeed = await testNode(chooseChannel, { store, customers: people, now: NOW, config, seed: 'another' })
    expect(otherSeed.routes).not.toEqual(whole.routes)
  })

  it('exploits the channel that earned responses: sms 90 of 100 against email 5 of 100', async () => {
    const contacts = people.slice(0, 100).flatMap((id, i) => [
      { customerId: id, flowId: 'past', nodeId: 'n', channel: 'email' as const, at: NOW - DAY - i },
      { customerId: id, flowId: 'past', nodeId: 'n', channel: 'sms' as const, at: NOW - DAY - i },
    ])
    await store.recordContacts(contacts)
    await store.insertEvents([
      ...people.slice(0, 90).map((id, i) => ({ id: `s${i}`, customerId: id, type: 'sms_click', at: NOW - DAY + 1 })),
      ...people.slice(0, 5).map((id, i) => ({ id: `e${i}`, customerId: id, type: 'email_click', at: NOW - DAY + 1 })),
    ])
    const result = await testNode(chooseChannel, { store, customers: people, now: NOW, config })
    // Beta(91, 11) against Beta(6, 96): their supports barely touch.
    expect(result.routes).toEqual({ email: [], sms: people, none: [] })
  })
})

describe('Beta sampler from keyed uniforms', () => {
  // A fixed deterministic uniform stream (splitmix-style hash of the index).
  const keyed = (seed: number) => (i: number) => {
    let x = BigInt(seed * 1_000_003 + i) + 0x9e3779b97f4a7c15n
    x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn
    x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn
    x = x ^ (x >> 31n)
    return Number(x >> 11n) / 2 ** 53
  }

  it.each([[2, 5], [0.5, 0.5], [30, 3]])('Beta(%d, %d) has the right mean and variance over 20,000 keyed draws', (a, b) => {
    const draws = Array.from({ length: 20_000 }, (_, n) => sampleBeta(a, b, keyed(n)))
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length
    expect(mean).toBeCloseTo(a / (a + b), 2)
    expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 2)
    expect(draws.every((x) => x > 0 && x < 1)).toBe(true)
  })

  it('is a pure function of the stream and refuses non-positive shapes', () => {
    expect(sampleBeta(3, 4, keyed(7))).toBe(sampleBeta(3, 4, keyed(7)))
    expect(() => sampleBeta(0, 1, keyed(1))).toThrow('Beta parameters must be positive')
  })
})

describe('choose-channel messages', () => {
  const SECRET = 'test-secret-0123456789'
  beforeEach(async () => {
    await given(
      [{ id: 'html', addresses: { email: 'h@example.com', phone: '+9' }, attributes: { first_name: '<b>Ann & "Bo"</b>\u0007' } }],
      [['html', 'email', 'granted'], ['html', 'sms', 'granted']],
    )
  })

  it('escapes customer fields: HTML on e-mail, control characters on SMS', async () => {
    const result = await testNode(chooseChannel, { store, customers: ['html'], now: NOW, config: { candidates: [EMAIL, SMS] } })
    const message = result.sends[0]?.message
    expect(message?.body).toBe('<p>Hello &lt;b&gt;Ann &amp; &quot;Bo&quot;&lt;&#x2F;b&gt;\u0007</p>')
    expect(message?.fallback?.[0]?.body).toBe('Hello <b>Ann & "Bo"</b>')
  })

  it('refuses unescaped output, partials and broken templates with the field path', async () => {
    const config = { candidates: [{ channel: 'email' as const, body: '{{{customer.first_name}}}', subject: '{{> header}}' }, { channel: 'sms' as const, body: 'Hi {{#x}}' }] }
    const error = await testNode(chooseChannel, { store, customers: ['html'], now: NOW, config }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`)
    expect(issues).toEqual([
      'config.candidates[0].subject: partial "header" at character 0 is not allowed: templates are self-contained',
      'config.candidates[0].body: unescaped output "customer.first_name" at character 0 is not allowed: use {{customer.first_name}} (values are escaped)',
      'config.candidates[1].body: template does not parse: Unclosed section "x" at 9',
    ])
  })

  it('signs a one-click unsubscribe link with RFC 8058 headers; applying it revokes consent and suppresses the address', async () => {
    const config = {
      candidates: [{ ...EMAIL, body: '<a href="{{unsubscribe_url}}">unsubscribe</a>' }, SMS],
      unsubscribe: { url: 'https://mail.example.com/u' },
    }
    const secrets = { unsubscribe: SECRET }
    const result = await testNode(chooseChannel, { store, customers: ['html'], now: NOW, config, secrets })
    const headers = result.sends[0]?.message.headers ?? {}
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    const url = new URL(/^<(.*)>$/.exec(headers['List-Unsubscribe'] ?? '')?.[1] ?? '')
    expect(url.origin + url.pathname).toBe('https://mail.example.com/u')
    const token = url.searchParams.get('token') ?? ''
    expect(result.sends[0]?.message.body).toBe(`<a href="${url.toString().replaceAll('&', '&amp;').replaceAll('/', '&#x2F;').replaceAll('=', '&#x3D;')}">unsubscribe</a>`)
    expect(verifyUnsubscribeToken(SECRET, token)).toEqual({ customerId: 'html', channel: 'email', flowId: 'test-flow' })
    expect(() => verifyUnsubscribeToken('another-secret-0123456789', token)).toThrow('not valid')
    expect(() => verifyUnsubscribeToken(SECRET, token.replace(/^./, (c) => (c === 'e' ? 'f' : 'e')))).toThrow('not valid')

    expect(await applyUnsubscribe(store, verifyUnsubscribeToken(SECRET, token), NOW + 1)).toEqual({ customerId: 'html', channel: 'email', suppressed: { scope: 'email', value: 'h@example.com' } })
    expect((await store.getConsents(['html'])).find((c) => c.channel === 'email')?.status).toBe('revoked')
    // At once: the next run falls back to SMS.
    const after = await testNode(chooseChannel, { store, customers: ['html'], now: NOW + 2, config, secrets })
    expect(after.routes).toEqual({ email: [], sms: ['html'], none: [] })
    expect(after.decisions[0]?.reason).toBe('sms by priority (not email suppressed)')
  })

  it("points the link at this server's /unsubscribe under its public URL when the node names no URL", async () => {
    const config = { candidates: [EMAIL], unsubscribe: {} }
    const result = await testNode(chooseChannel, { store, customers: ['html'], now: NOW, config, secrets: { unsubscribe: SECRET }, publicUrl: 'https://sluice.example.com/' })
    const link = /^<(.*)>$/.exec(result.sends[0]?.message.headers?.['List-Unsubscribe'] ?? '')?.[1] ?? ''
    expect(link).toMatch(/^https:\/\/sluice\.example\.com\/unsubscribe\?token=[\w-]+\.[\w-]+$/)
    expect(verifyUnsubscribeToken(SECRET, new URL(link).searchParams.get('token') ?? '')).toMatchObject({ customerId: 'html', channel: 'email' })
  })

  it('fails naming the node and the secret when the unsubscribe secret is not configured, too short, or there is no URL', async () => {
    const run = (config: Record<string, unknown>, extra: { secrets?: Record<string, string>; publicUrl?: string }) =>
      testNode(chooseChannel, { store, customers: ['html'], now: NOW, nodeId: 'mail-step', config: { candidates: [EMAIL], ...config }, ...extra })
    await expect(run({ unsubscribe: { url: 'https://mail.example.com/u' } }, {})).rejects.toThrow(
      `choose-channel node "mail-step": the unsubscribe secret "unsubscribe" is not configured; declare it in sluice.config.ts as secrets: { unsubscribe: { env: 'SLUICE_UNSUBSCRIBE_SECRET' } } and set that variable (16 characters or more)`,
    )
    await expect(run({ unsubscribe: {} }, { secrets: { unsubscribe: 'short' } })).rejects.toThrow('choose-channel node "mail-step": the unsubscribe secret "unsubscribe" must be at least 16 characters, got 5')
    await expect(run({ unsubscribe: {} }, { secrets: { unsubscribe: SECRET } })).rejects.toThrow("choose-channel node \"mail-step\": unsubscribe has no url and the server's public URL is not known")
    // Without unsubscribe, nothing is asked of the config.
    expect((await run({}, {})).sends).toHaveLength(1)
  })

  it('upgrades a version 1 config: the secret no longer comes from a variable the node names', () => {
    const upgraded = chooseChannel.migrate?.[1]?.({ candidates: [EMAIL], unsubscribe: { url: 'https://mail.example.com/u', secretEnv: 'OLD_SECRET' } })
    expect(upgraded).toEqual({ candidates: [EMAIL], unsubscribe: { url: 'https://mail.example.com/u' } })
    expect(chooseChannel.config.safeParse(upgraded).success).toBe(true)
  })

  it('refuses duplicate candidate channels and an unknown capacity time zone', async () => {
    const config = { candidates: [EMAIL, EMAIL], capacity: { perDay: { call: 1 }, timeZone: 'Mars/Olympus' } }
    const error = (await testNode(chooseChannel, { store, customers: ['html'], now: NOW, config }).catch((e: unknown) => e)) as ConfigError
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'config: this config gives the node unusable outputs: outputs: "email" is listed twice',
      'config.candidates[1].channel: channel "email" is already a candidate',
      'config.capacity.timeZone: unknown time zone "Mars/Olympus", expected an IANA name such as Europe/Paris',
    ])
  })
})

describe('choose-channel limits', () => {
  const config = chooseChannel.config.parse({ candidates: [{ channel: 'sms', body: 'hi' }, { channel: 'email', subject: 's', body: 'hi' }] })
  it('names each channel skipped for want of capacity, whether another channel took the customer or none did', () => {
    const limits = chooseChannel.limits!
    expect(limits({ output: 'email', values: { skipped: { sms: 'capacity' } } }, config)).toEqual([{ limit: 'capacity:sms', description: "the day's sms capacity was used up" }])
    expect(limits({ output: 'none', values: { skipped: { sms: 'capacity', email: 'no-consent' } } }, config)).toEqual([{ limit: 'capacity:sms', description: "the day's sms capacity was used up" }])
    expect(limits({ output: 'sms', values: { skipped: {} } }, config)).toEqual([])
  })
})
