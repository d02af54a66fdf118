/**
 * Cohorts, not customers: a node's `run` is called once per batch of its cohort, a `whole` node
 * once for everyone due, and the holdout gets no messages but is followed like everyone else.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { unpackKeys } from '../engine/journal/packed-keys.ts'
import { contactPolicySchema, defineNode } from '../engine/sdk/index.ts'
import { attributeFilter, DAY, engineHarness, flowOf, sendNode, T0, type EngineHarness } from './engine-harness.ts'

const CUSTOMERS = 12_000

async function loadCustomers(h: EngineHarness, count: number): Promise<void> {
  await h.store.upsertCustomers(Array.from({ length: count }, (_, i) => ({ id: `c-${String(i).padStart(5, '0')}`, attributes: { tier: i % 3 === 0 ? 'gold' : 'silver' } })))
}

describe('cohort execution', () => {
  let h: EngineHarness
  afterEach(() => h?.close())

  it('calls each node once per batch, far fewer times than there are customers', async () => {
    const filterCalls = { count: 0 }
    const sendCalls = { count: 0 }
    h = await engineHarness({ nodes: [attributeFilter(filterCalls), sendNode(sendCalls)] })
    await loadCustomers(h, CUSTOMERS)
    const flow = flowOf(
      'everyone',
      [
        { id: 'start', type: 'trigger', config: { audience: {} } },
        { id: 'gold', type: 'attribute-filter', config: { attribute: 'tier', equals: 'gold' } },
        { id: 'mail', type: 'send', config: { channel: 'email', template: 'hello' } },
      ],
      [
        { from: 'start', output: 'entered', to: 'gold' },
        { from: 'gold', output: 'match', to: 'mail' },
      ],
    )
    const run = await h.engine.publish(flow, { options: { batchSize: 5_000 } })
    await h.scheduler.runUntil(T0 + DAY)

    // 12,000 customers in batches of 5,000: 3 calls of the filter, 3 of the send.
    expect(filterCalls.count).toBe(3)
    expect(sendCalls.count).toBe(3)
    const summary = await h.engine.summary(run.id)
    expect(summary.nodes.gold?.outputs).toEqual({ match: 4_000, 'no match': 8_000 })
    expect(summary.sends).toEqual({ email: 4_000 })
    expect(summary.delivery).toEqual({ sent: 4_000, pending: 0, dead: 0 })
    expect(summary.state).toBe('completed')
    const journal = await h.engineStore.readJournal(run.id)
    // Compact: a handful of group rows per batch, no row per customer.
    expect(journal.length).toBeLessThan(40)
  })

  it('runs a `whole` node once over everyone due, whatever the batch size', async () => {
    const sizes: number[] = []
    const topTen = defineNode({
      type: 'top-ten', version: 1, title: 'Top ten', category: 'scoring', icon: 'gauge', description: 'The ten highest keys win.',
      cohort: 'whole', config: z.object({}), outputs: ['top', 'rest'],
      async run({ customers }) {
        sizes.push(customers.length)
        const sorted = [...customers].sort((a, b) => b.key - a.key)
        return { routes: { top: sorted.slice(0, 10), rest: sorted.slice(10) } }
      },
    })
    h = await engineHarness({ nodes: [topTen, attributeFilter()] })
    await loadCustomers(h, 1_000)
    const flow = flowOf(
      'ranking',
      [
        { id: 'start', type: 'trigger', config: { audience: {} } },
        { id: 'rank', type: 'top-ten', config: {} },
      ],
      [{ from: 'start', output: 'entered', to: 'rank' }],
    )
    const run = await h.engine.publish(flow, { options: { batchSize: 100 } })
    await h.scheduler.runUntil(T0 + DAY)
    expect(sizes).toEqual([1_000])
    expect((await h.engine.summary(run.id)).nodes.rank?.outputs).toEqual({ top: 10, rest: 990 })
  })

  it('asks a cohort mode that reads the contact policy every tick: a policy set while the run runs makes the node whole from then on', async () => {
    const calls: { size: number; wake: boolean }[] = []
    // Whole only while the engine's global policy has a channel capacity (as the throttle is).
    const gate = defineNode({
      type: 'policy-gate', version: 1, title: 'Policy gate', category: 'policy', icon: 'shield', description: 'Parks everyone a day, then lets them on.',
      timing: 'waits', config: z.object({}), outputs: ['next'],
      cohort: (_config, settings) => ((settings.contactPolicy?.capacity.length ?? 0) > 0 ? 'whole' : 'batches'),
      async run({ customers, ctx }) {
        const woken = customers.filter((c) => c.wake === 'due')
        calls.push({ size: customers.length, wake: woken.length > 0 })
        return { routes: { next: woken }, park: customers.filter((c) => c.wake !== 'due').map((customer) => ({ customer, until: ctx.now() + DAY })) }
      },
    })
    h = await engineHarness({ nodes: [gate] })
    await loadCustomers(h, 1_000)
    const flow = flowOf('policy-cohort', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'gate', type: 'policy-gate', config: {} }], [{ from: 'start', output: 'entered', to: 'gate' }])
    const run = await h.engine.publish(flow, { options: { batchSize: 100 } })
    await h.scheduler.runUntil(T0 + DAY / 2)
    // No policy: the arrivals are run in the trigger's batches of 100.
    expect(calls).toEqual(Array.from({ length: 10 }, () => ({ size: 100, wake: false })))
    h.engine.setContactPolicy(contactPolicySchema.parse({ capacity: [{ channel: 'email', perDay: 10 }] }))
    calls.length = 0
    await h.scheduler.runUntil(T0 + 2 * DAY)
    // The same compiled run, the policy changed: everyone due at the gate in one call.
    expect(calls).toEqual([{ size: 1_000, wake: true }])
    expect((await h.engine.summary(run.id)).nodes.gate?.outputs).toEqual({ next: 1_000 })
  })

  it('keeps the holdout out of every send but follows it through the flow, the same customers every time', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await loadCustomers(h, 2_000)
    const flow = flowOf(
      'with-holdout',
      [
        { id: 'start', type: 'trigger', config: { audience: {} } },
        { id: 'mail', type: 'send', config: { channel: 'sms', template: 'offer' } },
      ],
      [{ from: 'start', output: 'entered', to: 'mail' }],
      { holdout: { percent: 10 } },
    )
    const run = await h.engine.publish(flow)
    await h.scheduler.runUntil(T0 + DAY)
    const summary = await h.engine.summary(run.id)
    const held = summary.held.sms ?? 0
    expect(held).toBeGreaterThan(150)
    expect(held).toBeLessThan(250)
    expect((summary.sends.sms ?? 0) + held).toBe(2_000)
    expect(summary.nodes.mail?.entered).toBe(2_000)
    const heldKeys = (await h.engineStore.readJournal(run.id)).filter((r) => r.kind === 'held')
    expect(heldKeys.reduce((n, r) => n + r.count, 0)).toBe(held)
  })

  it('tells nodes who is in the holdout: members carry it from entry through every later node and wake-up', async () => {
    const seen = new Map<string, boolean[]>()
    const spy = defineNode({
      type: 'spy', version: 1, title: 'Spy', category: 'flow', icon: 'code', description: 'Records the holdout flag of each member.',
      config: z.object({ label: z.string() }), outputs: ['next'],
      async run({ config, customers }) {
        for (const c of customers) seen.set(`${config.label}:${c.id}`, [...(seen.get(`${config.label}:${c.id}`) ?? []), c.holdout === true])
        return { routes: { next: customers } }
      },
    })
    h = await engineHarness({ nodes: [spy, sendNode()] })
    await loadCustomers(h, 400)
    const flow = flowOf(
      'holdout-flag',
      [
        { id: 'start', type: 'trigger', config: { audience: {} } },
        { id: 'first', type: 'spy', config: { label: 'first' } },
        { id: 'pause', type: 'wait', config: { for: { amount: 1, unit: 'hours' } } },
        { id: 'after-wait', type: 'spy', config: { label: 'after-wait' } },
        { id: 'mail', type: 'send', config: { channel: 'email', template: 'offer' } },
      ],
      [
        { from: 'start', output: 'entered', to: 'first' },
        { from: 'first', output: 'next', to: 'pause' },
        { from: 'pause', output: 'done', to: 'after-wait' },
        { from: 'after-wait', output: 'next', to: 'mail' },
      ],
      { holdout: { percent: 30 } },
    )
    const run = await h.engine.publish(flow, { options: { batchSize: 64 } })
    await h.scheduler.runUntil(T0 + DAY)
    const heldKeys = new Set((await h.engineStore.readJournal(run.id)).filter((r) => r.kind === 'held').flatMap((r) => unpackKeys(r.keys as string)))
    const positions = await h.engineStore.listPositions(run.id, { limit: 1_000 })
    const inHoldout = new Set(positions.filter((p) => p.holdout).map((p) => p.customerId))
    expect(inHoldout.size).toBeGreaterThan(80)
    expect(heldKeys.size).toBe(inHoldout.size)
    for (const p of positions) {
      expect(seen.get(`first:${p.customerId}`), p.customerId).toEqual([p.holdout])
      expect(seen.get(`after-wait:${p.customerId}`), p.customerId).toEqual([p.holdout])
      expect(heldKeys.has(p.customerKey)).toBe(p.holdout)
    }
  })
})
