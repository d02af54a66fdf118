/**
 * Acceptance on the simulated clock: event trigger → wait 3 days → filter → send gives exactly
 * the expected sends at the expected times, and no others — on SQLite and on Postgres.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { OpenStoreOptions } from '../store/open-store.ts'
import { attributeFilter, DAY, engineHarness, flowOf, HOUR, sendNode, T0, type EngineHarness } from './engine-harness.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'

let pg: TestSchema | undefined
let pgUnavailable: unknown
beforeAll(async () => {
  pg = await createTestSchema('the engine acceptance flow').catch((error: unknown) => {
    pgUnavailable = error
    return undefined
  })
})
afterAll(() => pg?.drop())

const dialects: { name: string; store: () => OpenStoreOptions }[] = [
  { name: 'sqlite', store: () => ({ db: ':memory:' }) },
  {
    name: 'postgres',
    store: () => {
      if (!pg) throw pgUnavailable
      return { databaseUrl: pg.url, pgSchema: pg.schema }
    },
  },
]

describe.each(dialects)('event trigger → wait 3 days → filter → send ($name)', ({ store }) => {
  let h: EngineHarness
  afterEach(() => h?.close())

  const flow = flowOf(
    'welcome',
    [
      { id: 'start', type: 'trigger', config: { event: { type: 'signup', where: { source: 'web' } } } },
      { id: 'pause', type: 'wait', config: { for: { amount: 3, unit: 'days' } } },
      { id: 'gold', type: 'attribute-filter', config: { attribute: 'tier', equals: 'gold' } },
      { id: 'mail', type: 'send', config: { channel: 'email', template: 'welcome' } },
    ],
    [
      { from: 'start', output: 'entered', to: 'pause' },
      { from: 'pause', output: 'done', to: 'gold' },
      { from: 'gold', output: 'match', to: 'mail' },
    ],
  )

  it('sends to exactly the matching customers, 3 days after their event, once', async () => {
    h = await engineHarness({ nodes: [attributeFilter(), sendNode()], store: store() })
    await h.store.upsertCustomers([
      { id: 'ann', attributes: { tier: 'gold' } },
      { id: 'bob', attributes: { tier: 'silver' } },
      { id: 'cat', attributes: { tier: 'gold' } },
      { id: 'dan', attributes: { tier: 'gold' } },
      { id: 'eve', attributes: { tier: 'gold' } },
    ])
    await h.store.insertEvents([
      { id: 'e1', customerId: 'ann', type: 'signup', at: T0 + 2 * HOUR, properties: { source: 'web' } },
      { id: 'e2', customerId: 'bob', type: 'signup', at: T0 + 3 * HOUR, properties: { source: 'web' } },
      // Not from the web: does not match the trigger.
      { id: 'e3', customerId: 'cat', type: 'signup', at: T0 + 4 * HOUR, properties: { source: 'shop' } },
      { id: 'e4', customerId: 'dan', type: 'signup', at: T0 + DAY + 30 * 60_000, properties: { source: 'web' } },
      // A second signup of ann: the entry policy "once" keeps her from entering again.
      { id: 'e5', customerId: 'ann', type: 'signup', at: T0 + 2 * DAY, properties: { source: 'web' } },
      // Before the flow was published: history, not an entry.
      { id: 'e6', customerId: 'eve', type: 'signup', at: T0 - HOUR, properties: { source: 'web' } },
      // After the simulation's end.
      { id: 'e7', customerId: 'cat', type: 'signup', at: T0 + 9 * DAY, properties: { source: 'web' } },
    ])
    const run = await h.engine.publish(flow)
    await h.scheduler.runUntil(T0 + 8 * DAY)

    const sent = await h.engineStore.listOutbox({ runId: run.id })
    expect(sent.map((o) => [o.customerId, o.channel, o.createdAt, o.state])).toEqual([
      ['ann', 'email', T0 + 2 * HOUR + 3 * DAY, 'sent'],
      ['dan', 'email', T0 + DAY + 30 * 60_000 + 3 * DAY, 'sent'],
    ])
    expect((await h.store.listContacts('ann')).map((c) => [c.at, c.channel, c.flowId, c.nodeId])).toEqual([[T0 + 2 * HOUR + 3 * DAY, 'email', 'welcome', 'mail']])
    expect(await h.store.listContacts('bob')).toEqual([])

    const summary = await h.engine.summary(run.id)
    expect(summary.nodes).toEqual({
      start: { entered: 3, outputs: { entered: 3 }, parked: 0, failed: 0 },
      pause: { entered: 3, outputs: { done: 3 }, parked: 0, failed: 0 },
      gold: { entered: 3, outputs: { match: 2, 'no match': 1 }, parked: 0, failed: 0 },
      mail: { entered: 2, outputs: { sent: 2 }, parked: 0, failed: 0 },
    })
    expect(summary.sends).toEqual({ email: 2 })
    expect(summary.positions).toEqual({ active: 0, done: 3, error: 0, cancelled: 0 })

    // Running on: cat's later web signup lets her in; nothing else happens, however long it ticks.
    await h.scheduler.runUntil(T0 + 60 * DAY)
    const later = await h.engineStore.listOutbox({ runId: run.id })
    expect(later.map((o) => [o.customerId, o.createdAt])).toEqual([
      ['ann', T0 + 2 * HOUR + 3 * DAY],
      ['dan', T0 + DAY + 30 * 60_000 + 3 * DAY],
      ['cat', T0 + 12 * DAY],
    ])
  })
})
