/**
 * Triggers and entry rules on the simulated clock: schedule fires in a time zone (and missed
 * fires after downtime), audiences at a set time, entry policies, and waits for an event
 * correlated with the triggering event (the abandoned cart).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { DAY, engineHarness, flowOf, HOUR, sendNode, T0, type EngineHarness } from './engine-harness.ts'

const MINUTE = 60_000

describe('triggers', () => {
  let h: EngineHarness
  afterEach(() => h?.close())

  const mailAfter = (trigger: Record<string, unknown>, settings: Parameters<typeof flowOf>[3] = {}) =>
    flowOf(
      'campaign',
      [
        { id: 'start', type: 'trigger', config: trigger },
        { id: 'mail', type: 'send', config: { channel: 'email', template: 't' } },
      ],
      [{ from: 'start', output: 'entered', to: 'mail' }],
      settings,
    )

  it('fires a schedule at its local time, each fire with the audience of that time and the entry policy', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await h.store.upsertCustomers([{ id: 'a' }, { id: 'b' }])
    // 09:00 Paris every day = 08:00Z in winter; "again after 2 days" lets a customer in every other fire.
    const run = await h.engine.publish(mailAfter({ schedule: { cron: '0 9 * * *', timeZone: 'Europe/Paris' } }, { entry: { policy: 'again-after', days: 2 } }))
    await h.scheduler.runUntil(T0 + 4 * DAY + 12 * HOUR)
    const times = (await h.engineStore.listOutbox({ runId: run.id })).map((o) => [o.customerId, (o.createdAt - T0) / HOUR])
    expect(times).toEqual([['a', 8], ['b', 8], ['a', 56], ['b', 56], ['a', 104], ['b', 104]])
    expect((await h.engineStore.getTriggerState(run.id)).lastFireAt).toBe(T0 + 4 * DAY + 8 * HOUR)
  })

  it('evaluates a schedule\'s segment as of each fire: who bought in the last 7 days', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await h.store.upsertCustomers([{ id: 'early' }, { id: 'late' }, { id: 'never' }])
    await h.store.insertEvents([
      { id: 'p1', customerId: 'early', type: 'purchase', at: T0 + HOUR },
      { id: 'p2', customerId: 'late', type: 'purchase', at: T0 + 9 * DAY },
    ])
    const segment = { type: 'event', event: 'purchase', within: { amount: 7, unit: 'days' }, aggregate: { op: 'gte', value: 1 } }
    // Mondays 06:00 UTC, T0 being Monday 00:00: fires at days 0, 7 and 14. At day 7 nobody has
    // bought within the week (early's purchase is 7 days and 5 hours old, late's still to come).
    const run = await h.engine.publish(mailAfter({ schedule: { cron: '0 6 * * 1', audience: { segment } } }, { entry: { policy: 'always' } }))
    await h.scheduler.runUntil(T0 + 15 * DAY)
    expect((await h.engineStore.listOutbox({ runId: run.id })).map((o) => [o.customerId, (o.createdAt - T0 - 6 * HOUR) / DAY])).toEqual([
      ['early', 0],
      ['late', 14],
    ])
  })

  it('runs each missed fire once after downtime, oldest first, at most maxCatchUpFires', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await h.store.upsertCustomers([{ id: 'a' }])
    const run = await h.engine.publish(mailAfter({ schedule: { cron: '0 6 * * *' } }, { entry: { policy: 'always' } }), { options: { maxCatchUpFires: 3 } })
    // The engine was down for five days: one tick at the end catches up.
    h.clock.advanceTo(T0 + 5 * DAY + HOUR)
    const tick = await h.engine.tick()
    expect(tick.fires).toBe(3)
    const sent = (await h.engineStore.listOutbox({ runId: run.id })).map((o) => o.createdAt)
    expect(sent).toEqual([T0 + 5 * DAY + HOUR, T0 + 5 * DAY + HOUR, T0 + 5 * DAY + HOUR])
    const notes = (await h.engineStore.readJournal(run.id)).filter((r) => r.kind === 'note').map((r) => JSON.parse(r.data as string).message)
    expect(notes).toContain('2 missed schedule fire(s) skipped; the latest 3 run')
    expect(await h.engine.nextWakeAt()).toBe(T0 + 5 * DAY + 6 * HOUR)
  })

  it('lets an audience in at a set time, then completes the run', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await h.store.upsertCustomers([{ id: 'a' }, { id: 'b' }, { id: 'c' }])
    const run = await h.engine.publish(mailAfter({ audience: { customers: ['c', 'a', 'ghost'], at: new Date(T0 + 2 * DAY).toISOString() } }))
    expect(await h.engine.nextWakeAt()).toBe(T0 + 2 * DAY)
    await h.scheduler.runUntil(T0 + 10 * DAY)
    expect((await h.engineStore.listOutbox({ runId: run.id })).map((o) => [o.customerId, o.createdAt])).toEqual([['a', T0 + 2 * DAY], ['c', T0 + 2 * DAY]])
    expect((await h.engineStore.getRun(run.id))?.state).toBe('completed')
  })

  it('wakes a customer waiting for an event correlated with the trigger, and times out the others (abandoned cart)', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await h.store.upsertCustomers([{ id: 'buyer' }, { id: 'other-cart' }, { id: 'quitter' }])
    await h.store.insertEvents([
      { id: 'c1', customerId: 'buyer', type: 'add_to_cart', at: T0 + HOUR, properties: { cart: 'k1' } },
      { id: 'c2', customerId: 'other-cart', type: 'add_to_cart', at: T0 + HOUR, properties: { cart: 'k2' } },
      { id: 'c3', customerId: 'quitter', type: 'add_to_cart', at: T0 + 2 * HOUR, properties: { cart: 'k3' } },
      // The buyer buys the same cart 10 minutes later; the other customer buys a different cart.
      { id: 'p1', customerId: 'buyer', type: 'purchase', at: T0 + HOUR + 10 * MINUTE, properties: { cart: 'k1' } },
      { id: 'p2', customerId: 'other-cart', type: 'purchase', at: T0 + HOUR + 20 * MINUTE, properties: { cart: 'zz' } },
    ])
    const flow = flowOf(
      'abandoned-cart',
      [
        { id: 'start', type: 'trigger', config: { event: { type: 'add_to_cart' } } },
        { id: 'wait', type: 'wait', config: { event: { type: 'purchase', correlate: ['cart'], timeout: { amount: 4, unit: 'hours' } } } },
        { id: 'remind', type: 'send', config: { channel: 'push', template: 'your cart' } },
      ],
      [
        { from: 'start', output: 'entered', to: 'wait' },
        { from: 'wait', output: 'timeout', to: 'remind' },
      ],
    )
    const run = await h.engine.publish(flow)
    await h.scheduler.runUntil(T0 + DAY)
    expect((await h.engineStore.listOutbox({ runId: run.id })).map((o) => [o.customerId, o.createdAt])).toEqual([
      ['other-cart', T0 + 5 * HOUR],
      ['quitter', T0 + 6 * HOUR],
    ])
    const summary = await h.engine.summary(run.id)
    expect(summary.nodes.wait).toMatchObject({ entered: 3, parked: 3, outputs: { event: 1, timeout: 2 } })
  })

  it('wakes a customer on an event that arrives in the same tick as the one they entered on', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await h.store.upsertCustomers([{ id: 'fast' }])
    const run = await h.engine.publish(
      flowOf(
        'fast',
        [
          { id: 'start', type: 'trigger', config: { event: { type: 'view' } } },
          { id: 'wait', type: 'wait', config: { event: { type: 'buy', timeout: { amount: 1, unit: 'days' } } } },
          { id: 'thanks', type: 'send', config: { channel: 'email', template: 'thanks' } },
        ],
        [
          { from: 'start', output: 'entered', to: 'wait' },
          { from: 'wait', output: 'event', to: 'thanks' },
        ],
      ),
    )
    // Both events are already there when the engine looks (as after downtime): one page holds both.
    await h.store.insertEvents([
      { id: 'v', customerId: 'fast', type: 'view', at: T0 + MINUTE },
      { id: 'b', customerId: 'fast', type: 'buy', at: T0 + 2 * MINUTE },
    ])
    h.clock.advanceTo(T0 + HOUR)
    await h.engine.tick()
    await h.engine.tick()
    expect((await h.engineStore.listOutbox({ runId: run.id })).map((o) => o.customerId)).toEqual(['fast'])
  })
})
