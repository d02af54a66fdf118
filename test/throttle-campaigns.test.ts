/**
 * The throttle in running flows, on SQLite and Postgres: caps counted across campaigns
 * (including a send another campaign queued in the same tick, still pending in the outbox),
 * quiet-hours deferral that parks the customer at the gate and lets them through at 08:00 local
 * on the night clocks spring forward in New York, arbitration by priority, and call capacity
 * overflow deferred day by day.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { OpenStoreOptions } from '../store/open-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import throttle from '../nodes/throttle/index.ts'
import { DAY, engineHarness, flowOf, HOUR, sendNode, T0, type EngineHarness } from './engine-harness.ts'
import { readDetails } from '../engine/journal/batch-journal.ts'

function campaign(id: string, customers: string[], at: number, gate: Record<string, unknown>, priority = 1) {
  return flowOf(
    id,
    [
      { id: 'start', type: 'trigger', config: { audience: { customers, at: new Date(at).toISOString() } } },
      { id: 'gate', type: 'throttle', config: { channel: 'sms', ...gate } },
      { id: 'sms', type: 'send', config: { channel: 'sms', template: id } },
    ],
    [
      { from: 'start', output: 'entered', to: 'gate' },
      { from: 'gate', output: 'pass', to: 'sms' },
    ],
    { priority },
  )
}

let pg: TestSchema
beforeAll(async () => {
  pg = await createTestSchema('the throttle campaign tests')
})
afterAll(() => pg?.drop())

describe.each(['sqlite', 'postgres'] as const)('throttle in running flows on %s', (dialect) => {
  let h: EngineHarness
  afterEach(() => h?.close())
  const store = async (): Promise<{ store?: OpenStoreOptions }> => {
    if (dialect === 'sqlite') return {}
    await pg.truncate()
    return { store: { databaseUrl: pg.url, pgSchema: pg.schema } }
  }

  it('allows 2 SMS a week per customer across campaigns, counting intents still pending in the outbox', async () => {
    h = await engineHarness({ nodes: [sendNode(), throttle], ...(await store()) })
    await h.store.upsertCustomers([{ id: 'a' }, { id: 'b' }, { id: 'c' }])
    const cap = { caps: [{ channel: 'sms', max: 2, per: 'week' }], onCap: 'drop' }
    const runs = {
      monday: await h.engine.publish(campaign('monday', ['a', 'b'], T0 + 10 * HOUR, cap)),
      tuesday: await h.engine.publish(campaign('tuesday', ['a', 'c'], T0 + DAY + 10 * HOUR, cap)),
      // Both fire in the same tick on Wednesday; the first queues b's SMS, the second sees it pending.
      wednesday: await h.engine.publish(campaign('wednesday', ['a', 'b', 'c'], T0 + 2 * DAY + 10 * HOUR, cap)),
      wednesdayLate: await h.engine.publish(campaign('wednesday-late', ['b'], T0 + 2 * DAY + 10 * HOUR, cap)),
      // A new calendar week: everyone may get SMS again.
      nextMonday: await h.engine.publish(campaign('next-monday', ['a', 'b', 'c'], T0 + 7 * DAY + 10 * HOUR, cap)),
    }
    await h.scheduler.runUntil(T0 + 10 * DAY)
    const sent = async (runId: string) => (await h.engineStore.listOutbox({ runId })).map((o) => o.customerId)
    expect(await sent(runs.monday.id)).toEqual(['a', 'b'])
    expect(await sent(runs.tuesday.id)).toEqual(['a', 'c'])
    // b's second SMS of the week went out once, from whichever Wednesday campaign ran first in the tick.
    const wednesday = [...(await sent(runs.wednesday.id)), ...(await sent(runs.wednesdayLate.id))].sort()
    expect(wednesday).toEqual(['b', 'c'])
    expect(await sent(runs.nextMonday.id)).toEqual(['a', 'b', 'c'])
    const held = async (runId: string) =>
      readDetails(await h.engineStore.readJournal(runId, { nodeId: 'gate' }))
        .filter((d) => d.output === 'held')
        .map((d) => [d.customerKey, d.detail.reason])
    const keys = new Map((await h.store.getCustomers(['a', 'b'])).map((c) => [c.key, c.id]))
    const heldWednesday = [...(await held(runs.wednesday.id)), ...(await held(runs.wednesdayLate.id))].map(([key, reason]) => [keys.get(key as number), reason])
    expect(heldWednesday.sort()).toEqual([['a', 'cap:sms:week'], ['b', 'cap:sms:week']])
    // Every send reached contact history: 2 a week at most per customer.
    const week1 = await Promise.all(['a', 'b', 'c'].map(async (id) => (await h.store.listContacts(id, { from: T0, to: T0 + 7 * DAY })).length))
    expect(week1).toEqual([2, 2, 2])
  })

  it('parks a customer in quiet hours and sends at 08:00 local after the spring-forward night (New York), 08:00 in Shanghai', async () => {
    const start = Date.UTC(2025, 2, 9, 2) // Sat 21:00 EST in New York, Sun 10:00 in Shanghai
    h = await engineHarness({ nodes: [sendNode(), throttle], start, ...(await store()) })
    await h.store.upsertCustomers([{ id: 'ny', timeZone: 'America/New_York' }, { id: 'sh', timeZone: 'Asia/Shanghai' }])
    const run = await h.engine.publish(campaign('late', ['ny', 'sh'], Date.UTC(2025, 2, 9, 3), { quietHours: [{ from: '21:00', to: '08:00' }] }))
    await h.scheduler.runUntil(Date.UTC(2025, 2, 10))
    const outbox = (await h.engineStore.listOutbox({ runId: run.id })).map((o) => [o.customerId, new Date(o.createdAt).toISOString()])
    expect(outbox).toEqual([
      ['sh', '2025-03-09T03:00:00.000Z'], // 11:00 in Shanghai: not quiet
      ['ny', '2025-03-09T12:00:00.000Z'], // 08:00 EDT, the first morning after clocks moved forward
    ])
  })

  it('lets the higher-priority campaign go first; the lower one waits, then respects the daily cap the winner used', async () => {
    const saturday = Date.UTC(2025, 2, 8)
    h = await engineHarness({ nodes: [sendNode(), throttle], start: saturday + 20 * HOUR, ...(await store()) })
    await h.store.upsertCustomers([{ id: 'x' }])
    // The renewal (priority 10) reaches x at 21:30, in quiet hours: x waits at its gate until 08:00.
    const renewal = await h.engine.publish(campaign('renewal', ['x'], saturday + 21.5 * HOUR, { quietHours: [{ from: '21:00', to: '08:00' }] }, 10))
    // The newsletter (priority 1) wants x at 22:00 and has no quiet hours, but one SMS a day at most.
    const newsletter = await h.engine.publish(campaign('newsletter', ['x'], saturday + 22 * HOUR, { caps: [{ channel: 'sms', max: 1, per: 'day' }] }, 1))
    await h.scheduler.runUntil(saturday + 3 * DAY)
    const sentAt = async (runId: string) => (await h.engineStore.listOutbox({ runId })).map((o) => new Date(o.createdAt).toISOString())
    expect(await sentAt(renewal.id)).toEqual(['2025-03-09T08:00:00.000Z'])
    // Held for priority until Sunday 22:00, then by the cap (the renewal's SMS that day) until Monday 00:00.
    expect(await sentAt(newsletter.id)).toEqual(['2025-03-10T00:00:00.000Z'])
    const reasons = readDetails(await h.engineStore.readJournal(newsletter.id, { nodeId: 'gate' }))
      .filter((d) => d.output === null)
      .map((d) => d.detail.reason)
    expect(reasons).toEqual(['priority', 'cap:sms:day'])
  })

  it('defers the calls beyond the day\'s capacity to the following days, in customer order', async () => {
    h = await engineHarness({ nodes: [sendNode(), throttle], ...(await store()) })
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5']
    // Capacity is spent only on passes that become calls, so everyone has a phone to be called on.
    await h.store.upsertCustomers(ids.map((id, i) => ({ id, addresses: { phone: `+3361200000${i}` } })))
    const flow = flowOf(
      'churn-calls',
      [
        { id: 'start', type: 'trigger', config: { audience: { customers: ids, at: new Date(T0 + 9 * HOUR).toISOString() } } },
        { id: 'gate', type: 'throttle', config: { channel: 'call', capacityPerDay: 2 } },
        { id: 'call', type: 'send', config: { channel: 'call', template: 'retention' } },
      ],
      [
        { from: 'start', output: 'entered', to: 'gate' },
        { from: 'gate', output: 'pass', to: 'call' },
      ],
    )
    const run = await h.engine.publish(flow)
    await h.scheduler.runUntil(T0 + 5 * DAY)
    const calls = (await h.engineStore.listOutbox({ runId: run.id })).map((o) => [o.customerId, (o.createdAt - T0) / HOUR])
    expect(calls).toEqual([['c1', 9], ['c2', 9], ['c3', 24], ['c4', 24], ['c5', 48]])
    expect((await h.engineStore.getRun(run.id))?.state).toBe('completed')
  })
})

