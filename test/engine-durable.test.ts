/**
 * Durable time: a 30-day wait is a due time on a position row. The engine is stopped (store
 * closed, every in-memory object dropped), a new engine opens the same file 30 days later, and
 * the wait fires exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createTempFolder } from './support/sqlite.ts'
import { DAY, engineHarness, flowOf, sendNode, T0 } from './engine-harness.ts'

const folder = createTempFolder('sluice-durable-')
afterAll(() => folder.remove())

const flow = flowOf(
  'renewal',
  [
    { id: 'start', type: 'trigger', config: { event: { type: 'contract_signed' } } },
    { id: 'month', type: 'wait', config: { for: { amount: 30, unit: 'days' } } },
    { id: 'mail', type: 'send', config: { channel: 'email', template: 'how-is-it-going' } },
  ],
  [
    { from: 'start', output: 'entered', to: 'month' },
    { from: 'month', output: 'done', to: 'mail' },
  ],
)

describe('a 30-day wait across a restart', () => {
  it('survives the process going away and fires once', async () => {
    const db = folder.db('durable')
    const first = await engineHarness({ nodes: [sendNode()], store: { db } })
    await first.store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }])
    await first.store.insertEvents([{ id: 'e-1', customerId: 'c-1', type: 'contract_signed', at: T0 + 1000 }])
    const run = await first.engine.publish(flow)
    await first.scheduler.runUntil(T0 + 2 * DAY)
    expect(await first.engineStore.nextDueAt([run.id])).toBe(T0 + 1000 + 30 * DAY)
    expect(await first.engineStore.listOutbox()).toEqual([])
    await first.close()

    // A new process: nothing carried over but the file. Its clock starts well after the due time.
    const second = await engineHarness({ nodes: [sendNode()], store: { db }, start: T0 + 45 * DAY })
    const tick = await second.engine.tick()
    expect(tick).toMatchObject({ customers: 1, sends: 1, delivered: 1 })
    await second.scheduler.runUntil(T0 + 120 * DAY)
    const sent = await second.engineStore.listOutbox()
    expect(sent.map((o) => [o.customerId, o.createdAt, o.state])).toEqual([['c-1', T0 + 45 * DAY, 'sent']])
    expect(await second.store.listContacts('c-1')).toHaveLength(1)
    expect((await second.engine.summary(run.id)).positions).toEqual({ active: 0, done: 1, error: 0, cancelled: 0 })
    await second.close()
  })
})
