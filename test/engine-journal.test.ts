/**
 * The journal answers "where did customer X go, and why": compact group rows per batch, node
 * and output, plus a row per customer only where the node gave a reason. Rows survive JSON.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { customerTrail } from '../engine/journal/customer-trail.ts'
import { unpackKeys } from '../engine/journal/packed-keys.ts'
import { defineNode } from '../engine/sdk/index.ts'
import { DAY, engineHarness, flowOf, sendNode, T0, type EngineHarness } from './engine-harness.ts'

const scored = defineNode({
  type: 'score-cut', version: 1, title: 'Score cut', category: 'scoring', icon: 'gauge', description: 'Score ≥ 50 goes to `high`.',
  config: z.object({}), outputs: ['high', 'low'],
  async run({ customers, ctx }) {
    const profiles = new Map((await ctx.data.customers(customers)).map((c) => [c.id, Number(c.attributes.score)]))
    ctx.log.info('scored', { customers: customers.length })
    const item = (customer: (typeof customers)[number]) => ({ customer, reason: `score ${profiles.get(customer.id)} vs 50`, values: { score: profiles.get(customer.id) } })
    return {
      routes: {
        high: customers.filter((c) => (profiles.get(c.id) ?? 0) >= 50).map(item),
        low: customers.filter((c) => (profiles.get(c.id) ?? 0) < 50).map(item),
      },
    }
  },
})

describe('the journal', () => {
  let h: EngineHarness
  afterEach(() => h?.close())

  it('tells where a customer went and why, from compact rows', async () => {
    h = await engineHarness({ nodes: [scored, sendNode()] })
    await h.store.upsertCustomers([{ id: 'hi', attributes: { score: 80 } }, { id: 'lo', attributes: { score: 20 } }])
    const run = await h.engine.publish(
      flowOf(
        'scored',
        [
          { id: 'start', type: 'trigger', config: { audience: {} } },
          { id: 'pause', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
          { id: 'score', type: 'score-cut', config: {} },
          { id: 'mail', type: 'send', config: { channel: 'email', template: 'x' } },
        ],
        [
          { from: 'start', output: 'entered', to: 'pause' },
          { from: 'pause', output: 'done', to: 'score' },
          { from: 'score', output: 'high', to: 'mail' },
        ],
      ),
    )
    await h.scheduler.runUntil(T0 + 5 * DAY)
    const [hi] = await h.engineStore.customersByIds(['hi'])
    const trail = await customerTrail(h.engineStore, run.id, hi?.key as number)
    expect(trail.map((s) => [s.nodeId, s.kind, s.output, (s.at - T0) / DAY])).toEqual([
      ['start', 'arrive', null, 0],
      ['start', 'route', 'entered', 0],
      ['pause', 'arrive', null, 0],
      ['pause', 'route', 'done', 0],
      ['score', 'arrive', null, 1],
      ['score', 'route', 'high', 1],
      ['score', 'detail', 'high', 1],
      ['mail', 'arrive', null, 1],
      ['mail', 'route', 'sent', 1],
    ])
    expect(trail.find((s) => s.kind === 'detail')?.data).toEqual({ reason: 'score 80 vs 50', values: { score: 80 } })

    const rows = await h.engineStore.readJournal(run.id)
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows)
    // Per-customer rows only where a node gave a reason; everything else is one row per group.
    expect(rows.filter((r) => r.kind === 'detail')).toHaveLength(2)
    const routedHigh = rows.find((r) => r.nodeId === 'score' && r.kind === 'route' && r.output === 'high')
    expect(unpackKeys(routedHigh?.keys as string)).toEqual([hi?.key])
    expect(rows.some((r) => r.kind === 'note' && JSON.parse(r.data as string).message === 'scored')).toBe(true)
  })
})
