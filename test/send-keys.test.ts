/**
 * Outbox keys come from stable facts — run, node, customer and the visit the customer arrived
 * with — so the same campaign run in batches of 1, 7 or 5,000 writes the same keys, and each lap
 * of a loop through a send node is a send of its own (engine/planner/send-key.ts).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineNode } from '../engine/sdk/index.ts'
import { DAY, engineHarness, flowOf, HOUR, sendNode, T0, type EngineHarness } from './engine-harness.ts'

/** Sends customers round again until day 3 of the simulation. */
const lap = defineNode({
  type: 'lap', version: 1, title: 'Lap', category: 'flow', icon: 'split', description: 'Round again until day 3.',
  config: z.object({}),
  outputs: ['again', 'done'],
  async run({ customers, ctx }) {
    return ctx.now() < T0 + 3 * DAY ? { routes: { again: customers } } : { routes: { done: customers } }
  },
})

const flow = flowOf(
  'laps',
  [
    { id: 'start', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'mail', type: 'send', config: { channel: 'email', template: 'hello' } },
    { id: 'pause', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'round', type: 'lap', config: {} },
  ],
  [
    { from: 'start', output: 'entered', to: 'mail' },
    { from: 'mail', output: 'sent', to: 'pause' },
    { from: 'pause', output: 'done', to: 'round' },
    { from: 'round', output: 'again', to: 'mail' },
  ],
)

const CUSTOMERS = 12

describe('send keys', () => {
  let h: EngineHarness | undefined
  afterEach(() => h?.close())

  /** The outbox keys of the run at `batchSize`, without the run id (which differs per run), per customer. */
  async function keysAt(batchSize: number): Promise<Record<string, string[]>> {
    h = await engineHarness({ nodes: [sendNode(), lap] })
    const ids = Array.from({ length: CUSTOMERS }, (_, i) => `c-${String(i).padStart(2, '0')}`)
    await h.store.upsertCustomers(ids.map((id) => ({ id, attributes: {} })))
    // Signups spread over the first hours, several at the same instant, so batches split cohorts.
    await h.store.insertEvents(ids.map((customerId, i) => ({ id: `e-${i}`, customerId, type: 'signup', at: T0 + HOUR + Math.floor(i / 4) * HOUR, properties: {} })))
    const run = await h.engine.publish(flow, { options: { batchSize } })
    await h.scheduler.runUntil(T0 + 6 * DAY)
    const byCustomer: Record<string, string[]> = {}
    for (const intent of await h.engineStore.listOutbox({ runId: run.id })) (byCustomer[intent.customerId] ??= []).push(intent.key.slice(run.id.length))
    await h.close()
    h = undefined
    for (const keys of Object.values(byCustomer)) keys.sort()
    return byCustomer
  }

  it('are the same at batch sizes 1, 7 and 5,000, one per lap of the loop', async () => {
    const [one, seven, all] = [await keysAt(1), await keysAt(7), await keysAt(5_000)]
    expect(Object.keys(all)).toHaveLength(CUSTOMERS)
    // Day 0, 1 and 2 send; the lap on day 3 ends the journey. Arrivals: start 1, mail 2, pause 3, round 4, mail 5, …
    const key = (one['c-00'] as string[])[0]?.split(':')[2]
    expect(all['c-00']).toEqual([`:mail:${key}:v2`, `:mail:${key}:v5`, `:mail:${key}:v8`])
    for (const keys of Object.values(all)) expect(new Set(keys).size).toBe(3)
    expect(one).toEqual(all)
    expect(seven).toEqual(all)
  })
})
