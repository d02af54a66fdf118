import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError, NodeRunError } from '../engine/errors.ts'
import { defineNode } from '../engine/sdk/index.ts'
import testFilter from '../test/fixtures/node-types/test-filter/index.ts'
import testSend from '../test/fixtures/node-types/test-send/index.ts'
import { createIdSource } from '../engine/random.ts'
import { DEFAULT_TEST_NOW, testNode } from './test-node.ts'

const customers = [
  { id: 'c-1', attributes: { tier: 'gold' } },
  { id: 'c-2', attributes: { tier: 'silver' } },
  { id: 'c-3', attributes: { tier: 'gold' } },
]

/** Waits for a purchase: buyers go on, others park until a day after entry or until they buy. */
const awaitPurchase = defineNode({
  type: 'await-purchase',
  version: 1,
  title: 'Await purchase',
  category: 'timing',
  description: 'Parks customers until they buy or a day passes.',
  icon: 'clock',
  timing: 'waits',
  config: z.object({ hours: z.number().int().min(1) }),
  outputs: ['bought', 'timed out'],
  async run({ config, customers: cohort, ctx }) {
    const events = await ctx.data.events(cohort, { type: 'purchase', from: ctx.now() - 30 * 86_400_000 })
    const buyers = new Set(events.map((e) => e.customerId))
    const deadline = (enteredAt: number) => enteredAt + config.hours * 3_600_000
    return {
      routes: {
        bought: cohort.filter((c) => buyers.has(c.id)),
        'timed out': cohort.filter((c) => !buyers.has(c.id) && c.wake === 'due'),
      },
      park: cohort.filter((c) => !buyers.has(c.id) && c.wake !== 'due').map((customer) => ({ customer, until: deadline(customer.enteredAt), wakeOn: { type: 'purchase' } })),
      tags: cohort.filter((c) => buyers.has(c.id)).map((customer) => ({ customer, name: 'recent_buyer', layer: 'fact' as const, value: true })),
      notes: [{ message: `${buyers.size} bought` }],
    }
  },
})

describe('testNode', () => {
  it('routes by real profile data read in one batch, with reasons and explanations', async () => {
    const result = await testNode(testFilter, { customers, config: { attribute: 'tier', equals: 'gold' } })
    expect(result.routes).toEqual({ match: ['c-1', 'c-3'], 'no match': ['c-2'] })
    // Only the calls named here, whatever capabilities the data port grows.
    expect(result.calls).toMatchObject({ customers: 1, events: 0, matchSegment: 0 })
    expect(Object.values(result.calls).reduce((a, b) => a + b, 0)).toBe(1)
    expect(result.decisions[0]).toEqual({ customer: 'c-1', output: 'match', reason: 'tier is "gold"', explanation: 'went to match because tier is "gold"' })
  })

  it('runs once per batch and still makes one data call per batch', async () => {
    const result = await testNode(testFilter, { customers, config: { attribute: 'tier', equals: 'gold' }, batchSize: 2 })
    expect(result.batches).toBe(2)
    expect(result.calls.customers).toBe(2)
    expect(result.routes).toEqual({ match: ['c-1', 'c-3'], 'no match': ['c-2'] })
  })

  it('loads events, parks customers with a wake-up, and returns tags and notes', async () => {
    const enteredAt = DEFAULT_TEST_NOW - 3_600_000
    const result = await testNode(awaitPurchase, {
      customers,
      events: [{ id: 'e-1', customerId: 'c-2', type: 'purchase', at: DEFAULT_TEST_NOW - 86_400_000, properties: { amount: 12 } }],
      config: { hours: 24 },
      enteredAt,
    })
    expect(result.routes).toEqual({ bought: ['c-2'], 'timed out': [] })
    expect(result.parked).toEqual([
      { customer: 'c-1', until: enteredAt + 86_400_000, wakeOn: { type: 'purchase' } },
      { customer: 'c-3', until: enteredAt + 86_400_000, wakeOn: { type: 'purchase' } },
    ])
    expect(result.tags).toEqual([{ customer: 'c-2', name: 'recent_buyer', layer: 'fact', value: true }])
    expect(result.notes).toEqual([{ message: '1 bought' }])
    expect(result.calls).toMatchObject({ customers: 0, events: 1, matchSegment: 0 })
    expect(Object.values(result.calls).reduce((a, b) => a + b, 0)).toBe(1)
  })

  it('runs a wake-up when told the customers are due', async () => {
    const result = await testNode(awaitPurchase, { customers, config: { hours: 24 }, wake: 'due' })
    expect(result.routes['timed out']).toEqual(['c-1', 'c-2', 'c-3'])
    expect(result.parked).toEqual([])
  })

  it('returns send intents by customer id', async () => {
    const result = await testNode(testSend, { customers: ['c-1'], config: { channel: 'sms', template: 'hello' } })
    expect(result.sends).toEqual([{ customer: 'c-1', channel: 'sms', message: { template: 'hello' } }])
  })

  it('fails on a bad config with every issue', async () => {
    const error = await testNode(testSend, { customers: ['c-1'], config: { channel: 'fax', template: '' } as never }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['config.channel', 'config.template'])
    expect((error as ConfigError).message).toContain('config.channel: expected one of "email", "sms", "call", "push", "wechat", "inbox", got "fax"')
  })

  it('fails a node that loses or duplicates a customer', async () => {
    const leaky = defineNode({
      type: 'leaky', version: 1, title: 'Leaky', category: 'flow', description: 'Drops the last customer.', icon: 'split',
      config: z.object({}), outputs: ['out'],
      async run({ customers: cohort }) {
        return { routes: { out: [...cohort.slice(0, -1), cohort[0]!] } }
      },
    })
    await expect(testNode(leaky, { customers, config: {} })).rejects.toThrow(NodeRunError)
    await expect(testNode(leaky, { customers, config: {} })).rejects.toThrow(/1 customer\(s\) neither routed nor parked: c-3; 1 customer\(s\) placed more than once: c-1/)
  })

  it('fails a node that reads the wall clock in run, naming the node and the call; ctx.now() and ctx.data work', async () => {
    const stamp = defineNode({
      type: 'stamp', version: 3, title: 'Stamp', category: 'flow', icon: 'clock', description: 'Stamps customers with a time.',
      config: z.object({ wall: z.boolean() }),
      outputs: ['next'],
      async run({ config, customers: cohort, ctx }) {
        const profiles = await ctx.data.customers(cohort)
        const at = config.wall ? Date.now() : ctx.now()
        return { routes: { next: cohort.map((customer) => ({ customer, values: { at, known: profiles.length } })) } }
      },
    })
    await expect(testNode(stamp, { customers, config: { wall: true }, nodeId: 'when' })).rejects.toThrow('node "when" (stamp v3) called Date.now(); use ctx.now()')
    const result = await testNode(stamp, { customers, config: { wall: false } })
    expect(result.decisions.map((d) => d.values)).toEqual(customers.map(() => ({ at: DEFAULT_TEST_NOW, known: 3 })))
  })

  it('refuses events of customers that are not loaded', async () => {
    await expect(
      testNode(awaitPurchase, { customers: ['c-1'], events: [{ id: 'e-9', customerId: 'ghost', type: 'purchase', at: 0 }], config: { hours: 1 } }),
    ).rejects.toThrow('testNode: events refer to customers not in the cohort or store: ghost')
  })
  it('answers passedAt from the run journal through the engine port: this run only, up to until; unknown customers refused', async () => {
    const since = defineNode({
      type: 'since', version: 1, title: 'Since', category: 'flow', icon: 'clock', description: 'Routes customers by whether they passed a node.',
      config: z.object({ runId: z.string().optional() }),
      outputs: ['passed', 'not'],
      async run({ config, customers: cohort, ctx }) {
        const passed = await ctx.data.passedAt(cohort, { runId: config.runId ?? ctx.runId, nodeId: 'send', until: ctx.now() })
        return {
          routes: {
            passed: cohort.filter((c) => passed.has(c.key)).map((customer) => ({ customer, values: { at: passed.get(customer.key) } })),
            not: cohort.filter((c) => !passed.has(c.key)),
          },
        }
      },
    })
    const now = DEFAULT_TEST_NOW
    const passed = { send: { 'c-1': now - 1_000, 'c-2': now + 1_000 }, other: { 'c-3': now - 1_000 } }
    const result = await testNode(since, { customers, config: {}, passed, batchSize: 2 })
    expect(result.routes).toEqual({ passed: ['c-1'], not: ['c-2', 'c-3'] })
    expect(result.decisions[0]?.values).toEqual({ at: now - 1_000 })
    expect(result.calls.passedAt).toBe(2)
    // Another run's passages are not this run's (the hand-made answer before ignored the run).
    expect((await testNode(since, { customers, config: { runId: 'other-run' }, passed })).routes.passed).toEqual([])
    await expect(testNode(since, { customers, config: {}, passed: { send: { ghost: now } } })).rejects.toThrow(
      'testNode: passed names customers not in the cohort or store: ghost',
    )
  })

  it('gives each batch its own ids, keyed by the batch number as the executor keys them', async () => {
    const stampId = defineNode({
      type: 'stamp-id', version: 1, title: 'Stamp id', category: 'flow', icon: 'clock', description: 'Gives every customer an id.',
      config: z.object({}),
      outputs: ['next'],
      async run({ customers: cohort, ctx }) {
        return { routes: { next: cohort.map((customer) => ({ customer, values: { id: ctx.id() } })) } }
      },
    })
    const result = await testNode(stampId, { customers, config: {}, batchSize: 2, seed: 's' })
    const first = createIdSource('s:1')
    const second = createIdSource('s:2')
    expect(result.decisions.map((d) => d.values?.id)).toEqual([first(), first(), second()])
  })
})
