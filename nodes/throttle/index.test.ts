import { describe, expect, it } from 'vitest'
import { contactPolicySchema, type ContactPolicy } from '../../engine/sdk/index.ts'
import type { EngineStore, PositionRow } from '../../engine/ports/engine-store.ts'
import type { CustomerInput, StorePort } from '../../engine/sdk/index.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { testNode } from '../../testing/index.ts'
import throttle from './index.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const MONDAY = Date.UTC(2025, 2, 10) // 2025-03-10, a Monday

function policy(input: Record<string, unknown>): ContactPolicy {
  return contactPolicySchema.parse(input)
}

/**
 * A fresh in-memory store with customers, plus its engine tables for outbox and positions. Every
 * customer has an e-mail address and a phone unless given addresses of their own: capacity counts
 * only passes that can become a send.
 */
async function storeWith(customers: CustomerInput[], now: number): Promise<{ store: StorePort; engine: EngineStore; key: (id: string) => number }> {
  const store = await openStore({ db: ':memory:', now: () => now })
  await store.upsertCustomers(customers.map((c) => ({ addresses: { email: `${c.id}@example.com`, phone: '+15550100' }, ...c })))
  const keys = new Map((await store.getCustomers(customers.map((c) => c.id))).map((c) => [c.id, c.key]))
  return { store, engine: openEngineStore(store), key: (id) => keys.get(id) as number }
}

/** Publishes a running flow with a throttle gate `gate` of this priority (what competing demand is read from). */
async function competingFlow(engine: EngineStore, flowId: string, priority: number, now: number, channel = 'sms'): Promise<string> {
  const definition = JSON.stringify({ id: flowId, nodes: [{ id: 'gate', type: 'throttle', config: { channel } }], settings: { priority } })
  await engine.saveFlowVersion({ flowId, version: 1, definition, publishedAt: now })
  const runId = `run-${flowId}`
  await engine.insertRun({
    id: runId, flowId, flowVersion: 1, state: 'running', snapshot: '{}', seed: 's', accepting: true, policy: null, replaces: null,
    // The gate as publish stores it from the throttle's gatesChannel declaration (run-options.ts).
    options: JSON.stringify({ gates: [{ nodeId: 'gate', channel }] }), createdAt: now, updatedAt: now,
  })
  return runId
}

function waiting(runId: string, customerKey: number, dueAt: number): PositionRow {
  return {
    runId, customerKey, nodeId: 'gate', state: 'active', dueAt, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0, seq: 1,
    holdout: false, enteredAt: dueAt, arrivedAt: dueAt, triggerEventKey: null, lastOutput: null, error: null, updatedAt: dueAt,
  }
}

describe('throttle: frequency caps across campaigns', () => {
  it('allows 2 SMS a week over two campaigns, counting a send still pending in the outbox', async () => {
    const now = MONDAY + 3 * DAY + 10 * HOUR // Thursday 10:00 UTC
    const { store, engine, key } = await storeWith([{ id: 'ann' }, { id: 'bob' }, { id: 'cat' }], now)
    try {
      await store.recordContacts([
        { customerId: 'ann', flowId: 'promo-a', nodeId: 'send', channel: 'sms', at: MONDAY + 9 * HOUR },
        { customerId: 'bob', flowId: 'promo-a', nodeId: 'send', channel: 'sms', at: MONDAY + 9 * HOUR },
        // Last week's SMS does not count towards this calendar week.
        { customerId: 'cat', flowId: 'promo-a', nodeId: 'send', channel: 'sms', at: MONDAY - HOUR },
        { customerId: 'cat', flowId: 'promo-a', nodeId: 'send', channel: 'email', at: MONDAY + HOUR },
      ])
      // Campaign B has queued Ann's second SMS of the week; the dispatcher has not delivered it yet.
      await engine.enqueueOutbox([{
        key: 'b:send:1', runId: 'run-b', flowId: 'promo-b', nodeId: 'send', customerKey: key('ann'), channel: 'sms', message: '{}',
        offer: null, createdAt: now - HOUR, nextAttemptAt: now - HOUR,
      }])
      const global = policy({ caps: [{ channel: 'sms', max: 2, per: 'week' }] })
      const result = await testNode(throttle, {
        store, customers: ['ann', 'bob', 'cat'], now, contactPolicy: global, config: { channel: 'sms', onCap: 'drop' },
        flow: { id: 'promo-c', version: 1, priority: 1 },
      })
      expect(result.routes).toEqual({ pass: ['bob', 'cat'], held: ['ann'] })
      expect(result.decisions.find((d) => d.customer === 'ann')).toMatchObject({
        reason: 'cap:sms:week', values: { max: 2, count: 2, window: 'calendar', zone: 'UTC' },
        explanation: 'held (cap:sms:week): the sms cap for the week was reached (2 contact(s) already, at most 2 per calendar week in UTC)',
      })
      expect(result.calls).toMatchObject({ customers: 1, contactPolicy: 1 })

      // Deferred instead: Ann waits at the gate until the next calendar week starts (Monday 00:00 UTC).
      const deferred = await testNode(throttle, {
        store, customers: ['ann', 'bob', 'cat'], now, contactPolicy: global, config: { channel: 'sms' },
      })
      expect(deferred.parked).toEqual([{ customer: 'ann', until: MONDAY + 7 * DAY, reason: 'cap:sms:week' }])
      expect(deferred.routes.pass).toEqual(['bob', 'cat'])
    } finally {
      await store.close()
    }
  })

  it('counts calendar weeks in the customer\'s zone and rolling windows back from now, over all channels too', async () => {
    const now = MONDAY + 2 * HOUR // Monday 02:00 UTC = Sunday 22:00 in New York, still last week there
    const { store } = await storeWith([{ id: 'ny', timeZone: 'America/New_York' }, { id: 'utc' }], now)
    try {
      await store.recordContacts([
        { customerId: 'ny', flowId: 'a', nodeId: 's', channel: 'sms', at: MONDAY - 2 * DAY },
        { customerId: 'ny', flowId: 'b', nodeId: 's', channel: 'email', at: MONDAY - DAY },
        { customerId: 'utc', flowId: 'a', nodeId: 's', channel: 'sms', at: MONDAY - 2 * DAY },
        { customerId: 'utc', flowId: 'b', nodeId: 's', channel: 'email', at: MONDAY - DAY },
      ])
      const calendar = await testNode(throttle, {
        store, customers: ['ny', 'utc'], now, config: { channel: 'sms', caps: [{ channel: 'all', max: 2, per: 'week' }], onCap: 'drop' },
      })
      // For the UTC customer a new week began at 00:00; for New York it is still Sunday.
      expect(calendar.routes).toEqual({ pass: ['utc'], held: ['ny'] })
      expect(calendar.decisions.find((d) => d.customer === 'ny')?.reason).toBe('cap:all:week')

      const rolling = await testNode(throttle, {
        store, customers: ['ny', 'utc'], now, config: { channel: 'sms', caps: [{ channel: 'all', max: 2, per: 'week', window: 'rolling' }] },
      })
      // Both hit 2 in the last 7 days; room again 7 days after the older contact.
      expect(rolling.parked).toEqual([
        { customer: 'ny', until: MONDAY - 2 * DAY + 7 * DAY + 1, reason: 'cap:all:week' },
        { customer: 'utc', until: MONDAY - 2 * DAY + 7 * DAY + 1, reason: 'cap:all:week' },
      ])
    } finally {
      await store.close()
    }
  })

  it('lets a node tighten the global policy but never loosen it', async () => {
    const now = MONDAY + 12 * HOUR
    const { store } = await storeWith([{ id: 'ann' }], now)
    try {
      await store.recordContacts([{ customerId: 'ann', flowId: 'a', nodeId: 's', channel: 'sms', at: MONDAY + HOUR }])
      const loose = await testNode(throttle, {
        store, customers: ['ann'], now, contactPolicy: policy({ caps: [{ channel: 'sms', max: 1, per: 'day' }] }),
        config: { channel: 'sms', caps: [{ channel: 'sms', max: 5, per: 'day' }], onCap: 'drop' },
      })
      expect(loose.decisions[0]).toMatchObject({ output: 'held', reason: 'cap:sms:day', values: { max: 1 } })
      const tight = await testNode(throttle, {
        store, customers: ['ann'], now, contactPolicy: policy({ caps: [{ channel: 'sms', max: 5, per: 'day' }] }),
        config: { channel: 'sms', caps: [{ channel: 'sms', max: 1, per: 'day' }], onCap: 'drop' },
      })
      expect(tight.decisions[0]).toMatchObject({ output: 'held', reason: 'cap:sms:day', values: { max: 1 } })
    } finally {
      await store.close()
    }
  })
})

describe('throttle: quiet hours in the customer\'s time zone', () => {
  const quiet = policy({ quietHours: [{ from: '21:00', to: '08:00' }] })

  it('defers to 08:00 local across the spring-forward night in New York; Shanghai (no DST) is at 11:00 and passes', async () => {
    // 2025-03-09 03:00 UTC = Saturday 22:00 EST in New York (clocks jump 02:00 → 03:00 that night) = 11:00 in Shanghai.
    const now = Date.UTC(2025, 2, 9, 3)
    const result = await testNode(throttle, {
      customers: [{ id: 'ny', timeZone: 'America/New_York' }, { id: 'sh', timeZone: 'Asia/Shanghai' }],
      now, contactPolicy: quiet, config: { channel: 'sms' },
    })
    expect(result.routes.pass).toEqual(['sh'])
    // 08:00 EDT (UTC−4) on Sunday is 12:00 UTC, not 13:00 as the evening's EST offset would give.
    expect(result.parked).toEqual([{ customer: 'ny', until: Date.UTC(2025, 2, 9, 12), reason: 'quiet-hours' }])
  })

  it('defers to 08:00 local across the fall-back night in New York', async () => {
    // 2025-11-02 03:00 UTC = Saturday 23:00 EDT; clocks go back 02:00 → 01:00; 08:00 EST = 13:00 UTC.
    const now = Date.UTC(2025, 10, 2, 3)
    const result = await testNode(throttle, {
      customers: [{ id: 'ny', timeZone: 'America/New_York' }], now, contactPolicy: quiet, config: { channel: 'sms' },
    })
    expect(result.parked).toEqual([{ customer: 'ny', until: Date.UTC(2025, 10, 2, 13), reason: 'quiet-hours' }])
  })

  it('defers in Asia/Shanghai at the same local hours whatever the date, and drops when configured to', async () => {
    // 22:00 in Shanghai on the New York spring-forward evening, and again on the fall-back evening: always 08:00 = 00:00 UTC.
    for (const now of [Date.UTC(2025, 2, 8, 14), Date.UTC(2025, 10, 1, 14)]) {
      const result = await testNode(throttle, {
        customers: [{ id: 'sh', timeZone: 'Asia/Shanghai' }], now, contactPolicy: quiet, config: { channel: 'sms' },
      })
      expect(result.parked).toEqual([{ customer: 'sh', until: now + 10 * HOUR, reason: 'quiet-hours' }])
    }
    const dropped = await testNode(throttle, {
      customers: [{ id: 'sh', timeZone: 'Asia/Shanghai' }], now: Date.UTC(2025, 2, 8, 14), contactPolicy: quiet,
      config: { channel: 'sms', onQuietHours: 'drop' },
    })
    expect(dropped.routes).toEqual({ pass: [], held: ['sh'] })
    expect(dropped.decisions[0]).toMatchObject({ reason: 'quiet-hours', explanation: 'held (quiet-hours): it was quiet hours in their time zone' })
  })

  it('passes at 08:00 sharp and holds at 21:00 sharp; quiet hours limited to other channels do not apply', async () => {
    const at0800 = Date.UTC(2025, 2, 10, 12) // 08:00 EDT
    const at2100 = Date.UTC(2025, 2, 11, 1) // 21:00 EDT
    const ny = [{ id: 'ny', timeZone: 'America/New_York' }]
    expect((await testNode(throttle, { customers: ny, now: at0800, contactPolicy: quiet, config: { channel: 'sms' } })).routes.pass).toEqual(['ny'])
    expect((await testNode(throttle, { customers: ny, now: at2100, contactPolicy: quiet, config: { channel: 'sms' } })).parked).toHaveLength(1)
    const callsOnly = policy({ quietHours: [{ from: '21:00', to: '08:00', channels: ['call'] }] })
    expect((await testNode(throttle, { customers: ny, now: at2100, contactPolicy: callsOnly, config: { channel: 'sms' } })).routes.pass).toEqual(['ny'])
  })
})

describe('throttle: channel capacity and arbitration by priority', () => {
  it('defers the overflow beyond the day\'s call capacity to the next capacity day', async () => {
    const now = MONDAY + 15 * HOUR
    const ids = ['c1', 'c2', 'c3', 'c4']
    const { store } = await storeWith(ids.map((id) => ({ id })), now)
    try {
      await store.recordContacts([{ customerId: 'c4', flowId: 'other', nodeId: 'call', channel: 'call', at: MONDAY + 9 * HOUR }])
      const result = await testNode(throttle, {
        store, customers: ['c1', 'c2', 'c3'], now,
        contactPolicy: policy({ capacity: [{ channel: 'call', perDay: 3 }], capacityTimeZone: 'Asia/Shanghai' }),
        config: { channel: 'call' },
      })
      // 3 a day, 1 used today: the first two in cohort order pass, the third waits for the next Shanghai day (16:00 UTC).
      expect(result.routes.pass).toEqual(['c1', 'c2'])
      expect(result.parked).toEqual([{ customer: 'c3', until: MONDAY + 16 * HOUR, reason: 'capacity:call' }])
    } finally {
      await store.close()
    }
  })

  it('lets holdout customers through as it would anyone but spends no capacity on them, in key order whatever order the cohort comes in', async () => {
    const now = MONDAY + 10 * HOUR
    const ids = ['h1', 'c1', 'h2', 'c2', 'c3']
    const { store } = await storeWith(ids.map((id) => ({ id })), now)
    try {
      const config = { channel: 'email' as const, capacityPerDay: 2, onCapacity: 'drop' as const }
      expect((await testNode(throttle, { store, customers: ids, now, config })).routes).toEqual({ pass: ['h1', 'c1'], held: ['h2', 'c2', 'c3'] })
      for (const order of ['key', 'reverse'] as const) {
        const result = await testNode(throttle, { store, customers: ids, now, config, holdout: ['h1', 'h2'], order })
        expect(result.routes, order).toEqual({ pass: ['h1', 'c1', 'h2', 'c2'], held: ['c3'] })
      }
      const cohort = (c: unknown, settings = {}) => (throttle.cohort as (c: unknown, s: object) => string)(throttle.config.parse(c), settings)
      expect(cohort(config)).toBe('whole')
      expect(cohort({ channel: 'email' })).toBe('batches')
      // A capacity only the global policy sets makes the gate whole too, but only for its channel.
      expect(cohort({ channel: 'email' }, { contactPolicy: policy({ capacity: [{ channel: 'email', perDay: 4 }] }) })).toBe('whole')
      expect(cohort({ channel: 'email' }, { contactPolicy: policy({ capacity: [{ channel: 'sms', perDay: 4 }] }) })).toBe('batches')
    } finally {
      await store.close()
    }
  })

  it('spends a capacity only the global policy sets on passes that can become a send, not on customers without an address on the channel', async () => {
    const now = MONDAY + 10 * HOUR
    const { store } = await storeWith([{ id: 'c1' }, { id: 'nomail', addresses: { phone: '+15550101' } }, { id: 'c2' }, { id: 'c3' }, { id: 'late', addresses: {} }], now)
    try {
      const contactPolicy = policy({ capacity: [{ channel: 'email', perDay: 2 }] })
      const result = await testNode(throttle, { store, customers: ['c1', 'nomail', 'c2', 'c3', 'late'], now, contactPolicy, config: { channel: 'email', onCapacity: 'drop' } })
      // nomail passes (the send step will route them to none) and leaves room for c2; once the
      // capacity is used up, someone without an address is held like anyone.
      expect(result.routes).toEqual({ pass: ['c1', 'nomail', 'c2'], held: ['c3', 'late'] })
      expect(result.decisions.find((d) => d.customer === 'late')).toMatchObject({ reason: 'capacity:email', values: { perDay: 2, used: 0 } })
    } finally {
      await store.close()
    }
  })

  it('keeps capacity for customers a higher-priority flow has waiting today, and drops overflow when configured to', async () => {
    const now = MONDAY + 10 * HOUR
    const { store, engine, key } = await storeWith(['c1', 'c2', 'v1', 'v2'].map((id) => ({ id })), now)
    try {
      const vip = await competingFlow(engine, 'vip-retention', 10, now, 'call')
      await engine.writePositions([waiting(vip, key('v1'), now + HOUR), waiting(vip, key('v2'), now + 2 * HOUR)])
      const result = await testNode(throttle, {
        store, customers: ['c1', 'c2'], now, flow: { id: 'upsell', version: 1, priority: 1 },
        contactPolicy: policy({ capacity: [{ channel: 'call', perDay: 5 }] }), config: { channel: 'call', capacityPerDay: 3, onCapacity: 'drop' },
      })
      // The node lowered capacity to 3; two calls are kept for the VIP flow: one left for this flow.
      expect(result.routes).toEqual({ pass: ['c1'], held: ['c2'] })
      expect(result.decisions[1]).toMatchObject({ reason: 'capacity:call', values: { perDay: 3, used: 0, reserved: 2 } })
    } finally {
      await store.close()
    }
  })

  it('lets the higher-priority campaign win a customer both want in the same window; the other waits or drops', async () => {
    const now = MONDAY + 10 * HOUR
    const { store, engine, key } = await storeWith(['ann', 'bob', 'cat'].map((id) => ({ id })), now)
    try {
      const high = await competingFlow(engine, 'renewal', 10, now)
      const low = await competingFlow(engine, 'newsletter', 1, now)
      await engine.writePositions([
        waiting(high, key('ann'), now + HOUR), // wanted by a higher-priority flow within 24 h
        waiting(high, key('bob'), now + 2 * DAY), // wanted, but outside the default 24 h window
        waiting(low, key('cat'), now), // wanted only by a lower-priority flow
      ])
      const mid = { id: 'winback', version: 1, priority: 5 }
      const waits = await testNode(throttle, { store, customers: ['ann', 'bob', 'cat'], now, flow: mid, config: { channel: 'sms' } })
      expect(waits.routes.pass).toEqual(['bob', 'cat'])
      expect(waits.parked).toEqual([{ customer: 'ann', until: now + 24 * HOUR, reason: 'priority' }])

      const drops = await testNode(throttle, {
        store, customers: ['ann', 'bob', 'cat'], now, flow: mid, config: { channel: 'sms', arbitration: { action: 'drop', windowHours: 72 } },
      })
      expect(drops.routes).toEqual({ pass: ['cat'], held: ['ann', 'bob'] })
      expect(drops.decisions.filter((d) => d.output === 'held').map((d) => d.values)).toEqual([
        { priority: 5, competingPriority: 10 },
        { priority: 5, competingPriority: 10 },
      ])

      // The higher-priority flow's own gate is not held by the lower ones.
      const winner = await testNode(throttle, {
        store, customers: ['ann'], now, flow: { id: 'renewal', version: 1, priority: 10 }, config: { channel: 'sms' },
      })
      expect(winner.routes.pass).toEqual(['ann'])
    } finally {
      await store.close()
    }
  })
})

describe('throttle: suppression, consent, repeated offers and reasons', () => {
  it('gives every held or deferred customer a reason code; suppression and consent win over everything', async () => {
    const now = Date.UTC(2025, 2, 10, 10) // 10:00 UTC, 06:00 in New York
    const { store, engine, key } = await storeWith([
      { id: 'sup', addresses: { phone: '+15550001' } },
      { id: 'rev' },
      { id: 'none' },
      { id: 'dup' },
      { id: 'cap' },
      { id: 'pri' },
      { id: 'quiet', timeZone: 'America/New_York' },
      { id: 'ok' }, // before cap2 in key order: it takes the day's last SMS of capacity
      { id: 'cap2' },
    ], now)
    try {
      await store.addSuppressions([{ scope: 'phone', value: '+15550001', reason: 'STOP', at: now - DAY }])
      await store.setConsents([
        { customerId: 'rev', channel: 'sms', status: 'revoked', at: now - DAY },
        ...['sup', 'dup', 'cap', 'pri', 'quiet', 'cap2', 'ok'].map((customerId) => ({ customerId, channel: 'sms' as const, status: 'granted' as const, at: now - DAY })),
      ])
      await store.recordContacts([
        { customerId: 'dup', flowId: 'a', nodeId: 's', channel: 'email', offer: 'spring-10', at: now - 5 * DAY },
        { customerId: 'cap', flowId: 'a', nodeId: 's', channel: 'sms', at: now - HOUR },
      ])
      // Its gate guards e-mail: it competes for the customer (any channel) but reserves no SMS capacity.
      const high = await competingFlow(engine, 'renewal', 9, now, 'email')
      await engine.writePositions([waiting(high, key('pri'), now), waiting(high, key('sup'), now)])
      const result = await testNode(throttle, {
        store, now, enteredAt: now,
        customers: ['sup', 'rev', 'none', 'dup', 'cap', 'pri', 'quiet', 'cap2', 'ok'],
        contactPolicy: policy({
          caps: [{ channel: 'all', max: 1, per: 'day', window: 'rolling' }],
          quietHours: [{ from: '21:00', to: '08:00' }],
          // 2 a day, one used by cap's SMS an hour ago.
          capacity: [{ channel: 'sms', perDay: 2 }],
          consent: 'granted',
        }),
        config: { channel: 'sms', offer: 'spring-10', duplicateOfferDays: 30, onCap: 'drop' },
      })
      const reasons = Object.fromEntries([
        ...result.decisions.filter((d) => d.output === 'held').map((d) => [d.customer, d.reason]),
        ...result.parked.map((p) => [p.customer, p.reason]),
      ])
      expect(reasons).toEqual({
        sup: 'suppressed', rev: 'no-consent', none: 'no-consent', dup: 'duplicate-offer', cap: 'cap:all:day',
        pri: 'priority', quiet: 'quiet-hours', cap2: 'capacity:sms',
      })
      expect(result.routes.pass).toEqual(['ok'])
      for (const d of result.decisions.filter((d) => d.output === 'held')) expect(d.explanation).toMatch(/^held \([a-z:-]+\): \w/)
      expect(result.decisions.find((d) => d.customer === 'none')?.values).toEqual({ channel: 'sms', consent: 'none', required: 'granted' })
      expect(result.calls).toMatchObject({ customers: 1, contactPolicy: 1 })
    } finally {
      await store.close()
    }
  })

  it('drops a deferred customer once they have waited longer than maxDeferDays', async () => {
    const now = Date.UTC(2025, 2, 9, 3)
    const result = await testNode(throttle, {
      customers: [{ id: 'ny', timeZone: 'America/New_York' }], now, enteredAt: now - 2 * DAY,
      contactPolicy: policy({ quietHours: [{ from: '21:00', to: '08:00' }] }), config: { channel: 'sms', maxDeferDays: 1 },
    })
    expect(result.routes.held).toEqual(['ny'])
    expect(result.decisions[0]?.values).toMatchObject({ deferLimitReached: true })
    expect(result.decisions[0]?.explanation).toBe('held (quiet-hours): it was quiet hours in their time zone, and they had waited as long as the gate defers')
  })

  it('gives the same answer in any batch split or order', async () => {
    const customers = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, timeZone: i % 2 === 0 ? 'America/New_York' : 'Asia/Shanghai' }))
    const options = { customers, now: Date.UTC(2025, 2, 9, 3), contactPolicy: policy({ quietHours: [{ from: '21:00', to: '08:00' }] }), config: { channel: 'sms' as const } }
    const whole = await testNode(throttle, options)
    const split = await testNode(throttle, { ...options, batchSize: 5, order: 'reverse' })
    expect(split.routes).toEqual(whole.routes)
    expect([...split.parked].sort((a, b) => a.customer.localeCompare(b.customer))).toEqual([...whole.parked].sort((a, b) => a.customer.localeCompare(b.customer)))
    expect(whole.routes.pass).toHaveLength(6)
    expect(split.calls.contactPolicy).toBe(3)
  })

  it('rejects a bad config with the field path, and warns about a cap on another channel', () => {
    expect(() => throttle.config.parse({ channel: 'fax' })).toThrow()
    const parsed = throttle.config.parse({ channel: 'sms', caps: [{ channel: 'email', max: 1, per: 'day' }], duplicateOfferDays: 3 })
    expect(throttle.validate?.(parsed, { nodeId: 't', nodes: [], edges: [] })).toEqual([
      { code: 'throttle.cap-other-channel', path: 'config.caps[0].channel', message: 'this cap counts email but the gate guards sms: it never holds anyone', severity: 'warning' },
      { code: 'throttle.offer-missing', path: 'config.offer', message: 'duplicateOfferDays needs the offer id the send carries' },
    ])
    expect(() => contactPolicySchema.parse({ quietHours: [{ from: '9pm', to: '08:00' }] })).toThrow(/HH:MM/)
    expect(() => contactPolicySchema.parse({ capacityTimeZone: 'Mars/Olympus' })).toThrow(/IANA time zone/)
  })
})

describe('throttle limits', () => {
  const config = throttle.config.parse({ channel: 'sms' })
  it('names the cap or capacity that held or deferred a customer, and nothing else', () => {
    const limits = throttle.limits!
    expect(limits({ output: 'held', reason: 'cap:sms:week' }, config)).toEqual([{ limit: 'cap:sms:week', description: 'the sms cap for the week was reached' }])
    expect(limits({ output: null, reason: 'capacity:sms' }, config)).toEqual([{ limit: 'capacity:sms', description: "the day's sms capacity was used up" }])
    expect(limits({ output: null, reason: 'quiet-hours' }, config)).toEqual([])
    expect(limits({ output: 'held', reason: 'suppressed' }, config)).toEqual([])
    expect(limits({ output: 'pass' }, config)).toEqual([])
  })
})
