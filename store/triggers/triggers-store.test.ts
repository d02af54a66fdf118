import { expect, it } from 'vitest'
import { describeEngineStore, HOUR, position, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('triggers', (ctx) => {
  it('resolves customers by page, keys and ids', async () => {
    const { engine, key } = ctx
    const all = await engine.customersPage(0, 10)
    expect(all.map((c) => c.id)).toEqual(['c-1', 'c-2', 'c-3'])
    expect((await engine.customersPage(key('c-1'), 1)).map((c) => c.id)).toEqual(['c-2'])
    expect(await engine.customersByKeys([key('c-3'), key('c-1'), 999_999])).toEqual([{ key: key('c-1'), id: 'c-1' }, { key: key('c-3'), id: 'c-3' }])
    expect((await engine.customersByIds(['c-2', 'nobody'])).map((c) => c.key)).toEqual([key('c-2')])
    expect(await engine.customersByKeys([])).toEqual([])
    expect(await engine.customersByIds([])).toEqual([])
  })

  it('keeps trigger state per run, written whole', async () => {
    const { engine } = ctx
    expect(await engine.getTriggerState('r1')).toEqual({ runId: 'r1', eventCursor: null, lastFireAt: null, audienceFireAt: null, audienceAfterKey: null, audienceDone: false })
    const state = { runId: 'r1', eventCursor: { at: T0, key: 7 }, lastFireAt: T0 - HOUR, audienceFireAt: null, audienceAfterKey: 3, audienceDone: true }
    await engine.setTriggerState(state)
    expect(await engine.getTriggerState('r1')).toEqual(state)
    const next = { ...state, eventCursor: null, audienceFireAt: T0, audienceAfterKey: null, audienceDone: false }
    await engine.setTriggerState(next)
    expect(await engine.getTriggerState('r1')).toEqual(next)
    expect((await engine.getTriggerState('r2')).eventCursor).toBeNull()
  })

  it('reads events after an (at, key) cursor up to a time, and finds the next one', async () => {
    const { engine, store, key } = ctx
    await store.insertEvents([
      { id: 'e-3', customerId: 'c-1', type: 'login', at: T0 + 2 * HOUR },
      { id: 'e-1', customerId: 'c-1', type: 'login', at: T0 },
      { id: 'e-2', customerId: 'c-2', type: 'login', at: T0 },
      { id: 'e-4', customerId: 'c-3', type: 'purchase', at: T0 + HOUR, properties: { amount: 5 } },
    ])
    const all = await engine.eventsAfter(['login', 'purchase'], null, T0 + HOUR, 10)
    expect(all.map((e) => e.id)).toEqual(['e-1', 'e-2', 'e-4'])
    expect(all[2]).toMatchObject({ customerId: 'c-3', customerKey: key('c-3'), type: 'purchase', properties: { amount: 5 } })
    const cursor = { at: all[0]?.at as number, key: all[0]?.key as number }
    expect((await engine.eventsAfter(['login'], cursor, T0 + 3 * HOUR, 10)).map((e) => e.id)).toEqual(['e-2', 'e-3'])
    expect((await engine.eventsAfter(['login'], cursor, T0 + 3 * HOUR, 1)).map((e) => e.id)).toEqual(['e-2'])
    expect(await engine.eventsAfter([], null, T0 + 3 * HOUR, 10)).toEqual([])
    expect(await engine.nextEventAt(['login'], cursor)).toBe(T0)
    expect(await engine.nextEventAt(['login'], { at: T0, key: all[1]?.key as number })).toBe(T0 + 2 * HOUR)
    expect(await engine.nextEventAt(['login', 'purchase'], { at: T0, key: all[1]?.key as number })).toBe(T0 + HOUR)
    expect(await engine.nextEventAt(['nothing'], null)).toBeNull()
    expect(await engine.nextEventAt([], null)).toBeNull()
  })

  it('finds the next event that can wake a customer parked in the run, before a bound', async () => {
    const { engine, store, key } = ctx
    await store.insertEvents([
      { id: 'p-1', customerId: 'c-1', type: 'purchase', at: T0 + HOUR },
      { id: 'p-2', customerId: 'c-2', type: 'purchase', at: T0 + 2 * HOUR },
      { id: 'p-3', customerId: 'c-2', type: 'purchase', at: T0 + 3 * HOUR },
      { id: 'l-1', customerId: 'c-2', type: 'login', at: T0 + 30 * 60_000 },
    ])
    // c-2 waits for a purchase in r1; c-1 is in r1 but waits for nothing, and waits for a purchase in r2.
    await engine.writePositions([
      position('r1', key('c-1'), { nodeId: 'wait', dueAt: T0 + 9 * HOUR }),
      position('r1', key('c-2'), { nodeId: 'wait', dueAt: T0 + 9 * HOUR, phase: 'parked', wakeType: 'purchase' }),
      position('r2', key('c-1'), { nodeId: 'wait', dueAt: T0 + 9 * HOUR, phase: 'parked', wakeType: 'purchase' }),
    ])
    expect(await engine.nextWakeEventAt('r1', ['purchase'], null, null)).toBe(T0 + 2 * HOUR)
    expect(await engine.nextWakeEventAt('r2', ['purchase'], null, null)).toBe(T0 + HOUR)
    const p2 = (await engine.eventsAfter(['purchase'], null, T0 + 2 * HOUR, 10))[1]!
    expect(await engine.nextWakeEventAt('r1', ['purchase'], { at: p2.at, key: p2.key }, null)).toBe(T0 + 3 * HOUR)
    // Nothing before the bound (exclusive), another type, a customer no longer waiting: null.
    expect(await engine.nextWakeEventAt('r1', ['purchase'], null, T0 + 2 * HOUR)).toBeNull()
    expect(await engine.nextWakeEventAt('r1', ['login'], null, null)).toBeNull()
    await engine.writePositions([position('r1', key('c-2'), { state: 'done', dueAt: null, lastOutput: 'timeout' })])
    expect(await engine.nextWakeEventAt('r1', ['purchase'], null, null)).toBeNull()
    expect(await engine.nextWakeEventAt('r1', [], null, null)).toBeNull()
  })
})
