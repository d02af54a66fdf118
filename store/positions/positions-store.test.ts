import { expect, it } from 'vitest'
import { describeEngineStore, HOUR, position, run, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('positions', (ctx) => {
  it('picks up due positions in (due, key) order with the customer id and trigger event, and moves, counts and cancels them', async () => {
    const { engine, store, key } = ctx
    await engine.insertRun(run('r1'))
    await engine.insertRun(run('r2'))
    await store.insertEvents([{ id: 'e-1', customerId: 'c-2', type: 'cart', at: T0 - HOUR, properties: { order: 'o-9' } }])
    const [event] = await engine.eventsAfter(['cart'], null, T0, 10)
    await engine.writePositions([
      position('r1', key('c-3'), { dueAt: T0 }),
      position('r1', key('c-2'), { dueAt: T0, triggerEventKey: event?.key ?? null }),
      position('r1', key('c-1'), { dueAt: T0 - HOUR }),
      position('r2', key('c-1'), { nodeId: 'send', dueAt: T0 + 2 * HOUR, phase: 'parked', wakeType: 'purchase', wakeWhere: '{"order":"o-1"}' }),
    ])
    expect(await engine.dueNodes(['r1', 'r2'], T0)).toEqual([{ runId: 'r1', nodeId: 'wait' }])
    expect(await engine.nextDueAt(['r1', 'r2'])).toBe(T0 - HOUR)
    expect(await engine.nextDueAt(['r2'])).toBe(T0 + 2 * HOUR)
    expect(await engine.wakeTypes('r2')).toEqual(['purchase'])

    const first = await engine.duePositions('r1', 'wait', T0, { limit: 2 })
    expect(first.map((p) => p.customerId)).toEqual(['c-1', 'c-2'])
    expect(first[0]?.trigger).toBeUndefined()
    expect(first[1]?.trigger).toEqual({ id: 'e-1', type: 'cart', at: T0 - HOUR, properties: { order: 'o-9' } })
    const rest = await engine.duePositions('r1', 'wait', T0, { after: { at: first[1]?.dueAt as number, key: key('c-2') } })
    expect(rest.map((p) => p.customerId)).toEqual(['c-3'])

    await engine.writePositions([position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' })])
    expect(await engine.getPositions('r1', [key('c-1')])).toEqual([position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' })])
    expect(await engine.countPositions('r1')).toEqual([{ nodeId: 'wait', state: 'active', count: 2 }, { nodeId: 'wait', state: 'done', count: 1 }])
    const page = await engine.listPositions('r1', { nodeId: 'wait', state: 'active', limit: 1 })
    expect(page.map((p) => p.customerId)).toEqual(['c-2'])
    expect((await engine.listPositions('r1', { nodeId: 'wait', afterKey: page[0]?.customerKey as number, limit: 10 })).map((p) => [p.customerId, p.state])).toEqual([['c-3', 'active']])
    expect((await engine.listPositions('r1', { state: 'done', limit: 10 })).map((p) => p.customerId)).toEqual(['c-1'])
    expect(await engine.listPositions('r1', { nodeId: 'nowhere', limit: 10 })).toEqual([])

    const moved = await engine.movePositions('r1', 'r2', new Map([['wait', 'wait-2']]), T0 + 1)
    expect(moved).toBe(2)
    expect((await engine.getPositions('r2', [key('c-2')]))[0]).toMatchObject({ nodeId: 'wait-2', runId: 'r2', triggerEventKey: event?.key })
    expect(await engine.cancelPositions('r2', T0 + 2)).toBe(3)
    expect(await engine.nextDueAt(['r1', 'r2'])).toBeNull()
  })

  it('replaces a position whole: fields a later write leaves null are null, holdout and the wake round-trip', async () => {
    const { engine, key } = ctx
    const parked = position('r1', key('c-1'), { phase: 'parked', wakeType: 'purchase', wakeWhere: '{"sku":"a"}', holdout: true, attempt: 2, error: 'timeout', triggerEventKey: 42, seq: 7 })
    await engine.writePositions([parked])
    expect(await engine.getPositions('r1', [key('c-1')])).toEqual([parked])
    const done = position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'converted', seq: 8 })
    await engine.writePositions([done])
    expect(await engine.getPositions('r1', [key('c-1')])).toEqual([done])
    expect(await engine.wakeTypes('r1')).toEqual([])
  })

  it('moves only active positions, renaming mapped nodes and keeping the others', async () => {
    const { engine, key } = ctx
    await engine.writePositions([
      position('r1', key('c-1'), { nodeId: 'wait' }),
      position('r1', key('c-2'), { nodeId: 'send' }),
      position('r1', key('c-3'), { nodeId: 'wait', state: 'done', dueAt: null }),
    ])
    expect(await engine.movePositions('r1', 'r2', new Map([['wait', 'pause']]), T0 + 5)).toBe(2)
    expect((await engine.getPositions('r2', [key('c-1'), key('c-2')])).map((p) => [p.nodeId, p.updatedAt])).toEqual([['pause', T0 + 5], ['send', T0 + 5]])
    expect((await engine.getPositions('r1', [key('c-3')])).map((p) => p.nodeId)).toEqual(['wait'])
    expect(await engine.cancelPositions('r1', T0 + 6)).toBe(0)
  })

  it('writes a batch larger than one multi-row statement in one call, every row readable', async () => {
    const { engine, store } = ctx
    await store.upsertCustomers(Array.from({ length: 200 }, (_, i) => ({ id: `bulk-${i}` })))
    const customers = await store.getCustomers(Array.from({ length: 200 }, (_, i) => `bulk-${i}`))
    await engine.writePositions(customers.map((c, i) => position('r1', c.key, { dueAt: T0 + (i % 3), seq: i })))
    expect(await engine.countPositions('r1')).toEqual([{ nodeId: 'wait', state: 'active', count: 200 }])
    const due = await engine.duePositions('r1', 'wait', T0 + 1, {})
    expect(due).toHaveLength(134)
    expect(due.map((p) => p.dueAt)).toEqual([...due.map((p) => p.dueAt)].sort((a, b) => (a as number) - (b as number)))
  })

  it('counts the customers in error per node and message, largest groups first', async () => {
    const { engine, key } = ctx
    await engine.insertRun(run('r1'))
    const failed = (error: string | null, nodeId = 'score') => ({ state: 'error' as const, dueAt: null, nodeId, error })
    await engine.writePositions([
      position('r1', key('c-1'), failed('scoring service unavailable')),
      position('r1', key('c-2'), failed('scoring service unavailable')),
      position('r1', key('c-3'), failed('no model', 'send')),
    ])
    expect(await engine.positionErrors('r1')).toEqual([
      { nodeId: 'score', message: 'scoring service unavailable', count: 2 },
      { nodeId: 'send', message: 'no model', count: 1 },
    ])
    // Only the error state counts: a customer being retried carries its last error too.
    await engine.writePositions([position('r1', key('c-2'), { error: 'scoring service unavailable', attempt: 1 }), position('r1', key('c-3'), failed(null))])
    expect(await engine.positionErrors('r1')).toEqual([
      { nodeId: 'score', message: '', count: 1 },
      { nodeId: 'score', message: 'scoring service unavailable', count: 1 },
    ])
    expect(await engine.positionErrors('nowhere')).toEqual([])
  })

  it("lists one customer's positions across runs, newest run first", async () => {
    const { engine, key } = ctx
    await engine.insertRun(run('r1'))
    await engine.insertRun({ ...run('r2', 'other'), state: 'paused', flowVersion: 3, createdAt: T0 + 1 })
    await engine.writePositions([position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' }), position('r2', key('c-1')), position('r2', key('c-2'))])
    const positions = await engine.customerPositions(key('c-1'))
    expect(positions.map((p) => [p.runId, p.flowId, p.flowVersion, p.runState, p.state, p.holdout])).toEqual([
      ['r2', 'other', 3, 'paused', 'active', false],
      ['r1', 'welcome', 1, 'running', 'done', false],
    ])
    expect(positions[1]).toMatchObject(position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' }))
    expect(await engine.customerPositions(key('c-3'))).toEqual([])
  })

  it('groups a run\'s positions per node and whereabout (held: parked at a gate), due day and last output, and pages them by whereabout', async () => {
    const { engine, store, key } = ctx
    const DAY = 24 * HOUR
    await store.upsertCustomers([{ id: 'c-4' }, { id: 'c-5' }, { id: 'c-6' }, { id: 'c-7' }])
    const [c4, c5, c6, c7] = (await store.getCustomers(['c-4', 'c-5', 'c-6', 'c-7'])).map((c) => c.key) as [number, number, number, number]
    await engine.writePositions([
      // Two waiting on day 0 (one for an event), one on day 2; a woken one is waiting too (due now).
      position('r1', key('c-1'), { nodeId: 'wait', dueAt: T0 + HOUR, phase: 'parked' }),
      position('r1', key('c-2'), { nodeId: 'wait', dueAt: T0 + 3 * HOUR, phase: 'parked', wakeType: 'purchase' }),
      position('r1', key('c-3'), { nodeId: 'wait', dueAt: T0 + 2 * DAY + 5, phase: 'parked' }),
      position('r1', c4, { nodeId: 'gate', dueAt: T0 + DAY, phase: 'parked' }),
      position('r1', c5, { nodeId: 'gate', dueAt: T0, phase: 'woken' }),
      position('r1', c6, { nodeId: 'send', state: 'done', dueAt: null, lastOutput: 'sent' }),
      position('r1', c7, { nodeId: 'send', state: 'error', dueAt: null, error: 'boom' }),
      position('r2', key('c-1'), { nodeId: 'gate', dueAt: T0, phase: 'parked' }),
    ])
    const day = Math.floor(T0 / DAY)
    const group = (nodeId: string, whereabout: string, patch: object) => ({ nodeId, whereabout, dueDay: null, lastOutput: null, forEvent: 0, earliestDue: null, latestDue: null, ...patch })
    expect(await engine.whereabouts('r1', ['gate'])).toEqual([
      group('gate', 'held', { dueDay: day + 1, count: 1, earliestDue: T0 + DAY, latestDue: T0 + DAY }),
      group('gate', 'waiting', { dueDay: day, count: 1, earliestDue: T0, latestDue: T0 }),
      group('send', 'done', { lastOutput: 'sent', count: 1 }),
      group('send', 'error', { count: 1 }),
      group('wait', 'waiting', { dueDay: day, count: 2, forEvent: 1, earliestDue: T0 + HOUR, latestDue: T0 + 3 * HOUR }),
      group('wait', 'waiting', { dueDay: day + 2, count: 1, earliestDue: T0 + 2 * DAY + 5, latestDue: T0 + 2 * DAY + 5 }),
    ])
    // Without gates nobody is held.
    expect((await engine.whereabouts('r1', [])).filter((g) => g.whereabout === 'held')).toEqual([])
    expect(await engine.whereabouts('nowhere', ['gate'])).toEqual([])

    const page = await engine.whereaboutsPage('r1', { gates: ['gate'], whereabout: 'waiting', limit: 2 })
    expect(page.map((p) => [p.customerId, p.nodeId, p.whereabout])).toEqual([['c-1', 'wait', 'waiting'], ['c-2', 'wait', 'waiting']])
    expect(page[1]).toMatchObject({ wakeType: 'purchase', dueAt: T0 + 3 * HOUR })
    const rest = await engine.whereaboutsPage('r1', { gates: ['gate'], whereabout: 'waiting', afterKey: page[1]?.customerKey as number, limit: 10 })
    expect(rest.map((p) => p.customerId)).toEqual(['c-3', 'c-5'])
    expect((await engine.whereaboutsPage('r1', { gates: ['gate'], nodeId: 'gate', limit: 10 })).map((p) => [p.customerId, p.whereabout])).toEqual([['c-4', 'held'], ['c-5', 'waiting']])
    expect((await engine.whereaboutsPage('r1', { gates: ['gate'], whereabout: 'held', limit: 10 })).map((p) => p.customerId)).toEqual(['c-4'])
    expect((await engine.whereaboutsPage('r1', { gates: ['gate'], whereabout: 'error', limit: 10 })).map((p) => [p.customerId, p.error])).toEqual([['c-7', 'boom']])
    expect((await engine.whereaboutsPage('r1', { gates: [], nodeId: 'gate', whereabout: 'held', limit: 10 }))).toEqual([])
    // The stored state: active is the waiting and the held together.
    expect((await engine.whereaboutsPage('r1', { gates: ['gate'], state: 'active', afterKey: key('c-3'), limit: 10 })).map((p) => [p.customerId, p.whereabout])).toEqual([['c-4', 'held'], ['c-5', 'waiting']])
    expect(await engine.whereaboutsPage('r1', { gates: ['gate'], state: 'done', whereabout: 'held', limit: 10 })).toEqual([])
  })
})
