import { expect, it } from 'vitest'
import { describeEngineStore, HOUR, intent, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('outbox', (ctx) => {
  it('writes outbox intents once per key and tracks delivery', async () => {
    const { engine, key } = ctx
    expect(await engine.enqueueOutbox([intent('r1:send:1:1', key('c-1')), intent('r1:send:2:1', key('c-2'), { nextAttemptAt: T0 + HOUR })])).toBe(2)
    expect(await engine.enqueueOutbox([intent('r1:send:1:1', key('c-1'))])).toBe(0)
    const due = await engine.dueOutbox(T0, 10)
    expect(due.map((o) => o.customerId)).toEqual(['c-1'])
    expect(due[0]).toMatchObject({ state: 'pending', attempts: 0, channel: 'email', message: '{"template":"hi"}', offer: null, sentAt: null, lastError: null })
    await engine.updateOutbox([{ id: due[0]?.id as number, state: 'sent', attempts: 1, nextAttemptAt: T0, lastError: null, sentAt: T0 }])
    expect(await engine.nextOutboxAt()).toBe(T0 + HOUR)
    expect(await engine.outboxCounts('r1')).toEqual([{ channel: 'email', state: 'pending', count: 1 }, { channel: 'email', state: 'sent', count: 1 }])
    expect((await engine.listOutbox({ runId: 'r1' })).map((o) => o.state)).toEqual(['sent', 'pending'])
    expect(await engine.hasPendingSends('r1')).toBe(true)
    expect(await engine.hasPendingSends('r2')).toBe(false)
    await engine.updateOutbox([{ id: (await engine.dueOutbox(T0 + HOUR, 10))[0]?.id as number, state: 'dead', attempts: 1, nextAttemptAt: T0 + HOUR, lastError: 'gone', sentAt: null }])
    expect(await engine.hasPendingSends('r1')).toBe(false)
    expect(await engine.nextOutboxAt()).toBeNull()
  })

  it('writes several different outcomes in one update, and skips keys already queued within one batch', async () => {
    const { engine, key } = ctx
    const intents = Array.from({ length: 100 }, (_, i) => intent(`r1:send:${i}`, key(['c-1', 'c-2', 'c-3'][i % 3]!), { offer: i === 0 ? 'spring' : null }))
    expect(await engine.enqueueOutbox([...intents, intent('r1:send:0', key('c-2'))])).toBe(100)
    const due = await engine.dueOutbox(T0, 1_000)
    expect(due).toHaveLength(100)
    expect(due[0]).toMatchObject({ key: 'r1:send:0', customerId: 'c-1', offer: 'spring' })
    await engine.updateOutbox(due.map((o, i) => (i % 2 === 0
      ? { id: o.id, state: 'sent' as const, attempts: 1, nextAttemptAt: T0, lastError: null, sentAt: T0 + i }
      : { id: o.id, state: 'pending' as const, attempts: 1, nextAttemptAt: T0 + HOUR, lastError: `busy ${i}`, sentAt: null })))
    expect(await engine.outboxCounts()).toEqual([{ channel: 'email', state: 'pending', count: 50 }, { channel: 'email', state: 'sent', count: 50 }])
    const listed = await engine.listOutbox({ afterId: due[1]!.id, limit: 2 })
    expect(listed.map((o) => [o.key, o.state, o.sentAt, o.lastError])).toEqual([['r1:send:2', 'sent', T0 + 2, null], ['r1:send:3', 'pending', null, 'busy 3']])
    expect(await engine.dueOutbox(T0, 10)).toEqual([])
    expect(await engine.enqueueOutbox([])).toBe(0)
  })

  it("lists one customer's send intents, newest first", async () => {
    const { engine, key } = ctx
    await engine.enqueueOutbox([intent('r1:send:1:1', key('c-1')), intent('r1:send:2:1', key('c-2')), intent('r2:send:1:1', key('c-1'), { runId: 'r2', channel: 'sms' })])
    const sends = await engine.customerOutbox(key('c-1'), 10)
    expect(sends.map((o) => [o.key, o.customerId, o.channel, o.state])).toEqual([['r2:send:1:1', 'c-1', 'sms', 'pending'], ['r1:send:1:1', 'c-1', 'email', 'pending']])
    expect((await engine.customerOutbox(key('c-1'), 1)).map((o) => o.key)).toEqual(['r2:send:1:1'])
    expect(await engine.customerOutbox(key('c-3'), 10)).toEqual([])
    expect(await engine.outboxCounts('r2')).toEqual([{ channel: 'sms', state: 'pending', count: 1 }])
  })
})
