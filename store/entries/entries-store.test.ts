import { expect, it } from 'vitest'
import { describeEngineStore, HOUR, position, run, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('entries', (ctx) => {
  it('counts entries per flow and customer and keeps the last entry time', async () => {
    const { engine, key } = ctx
    await engine.recordEntries('welcome', [{ customerKey: key('c-1'), at: T0 }])
    await engine.recordEntries('welcome', [{ customerKey: key('c-1'), at: T0 + HOUR }, { customerKey: key('c-2'), at: T0 }])
    await engine.recordEntries('other', [{ customerKey: key('c-3'), at: T0 }])
    await engine.recordEntries('welcome', [])
    const entries = await engine.getEntries('welcome', [key('c-1'), key('c-2'), key('c-3')])
    expect(entries.get(key('c-1'))).toEqual({ customerKey: key('c-1'), lastEntryAt: T0 + HOUR, count: 2 })
    expect(entries.get(key('c-2'))?.count).toBe(1)
    expect(entries.has(key('c-3'))).toBe(false)
    expect((await engine.getEntries('other', [key('c-3')])).get(key('c-3'))?.count).toBe(1)
    expect(await engine.getEntries('welcome', [])).toEqual(new Map())
  })

  it('records a batch larger than one multi-row statement, each batch adding one entry per customer', async () => {
    const { engine, store } = ctx
    const ids = Array.from({ length: 150 }, (_, i) => `bulk-${i}`)
    await store.upsertCustomers(ids.map((id) => ({ id })))
    const keys = (await store.getCustomers(ids)).map((c) => c.key)
    await engine.recordEntries('welcome', keys.map((customerKey, i) => ({ customerKey, at: T0 + i })))
    await engine.recordEntries('welcome', keys.slice(0, 70).map((customerKey) => ({ customerKey, at: T0 + HOUR })))
    const entries = await engine.getEntries('welcome', keys)
    expect(entries.size).toBe(150)
    expect(entries.get(keys[0]!)).toEqual({ customerKey: keys[0], lastEntryAt: T0 + HOUR, count: 2 })
    expect(entries.get(keys[149]!)).toEqual({ customerKey: keys[149], lastEntryAt: T0 + 149, count: 1 })
    expect([...entries.values()].filter((e) => e.count === 2)).toHaveLength(70)
  })

  it('finds who is active in any run of a flow, not done ones nor other flows', async () => {
    const { engine, key } = ctx
    await engine.insertRun(run('r1'))
    await engine.insertRun(run('r2'))
    await engine.insertRun(run('r3', 'other'))
    await engine.writePositions([
      position('r1', key('c-1')),
      position('r2', key('c-2'), { state: 'done', dueAt: null }),
      position('r2', key('c-1')),
      position('r3', key('c-3')),
    ])
    expect(await engine.activeInFlow('welcome', [key('c-1'), key('c-2'), key('c-3')])).toEqual(new Set([key('c-1')]))
    expect(await engine.activeInFlow('other', [key('c-1'), key('c-3')])).toEqual(new Set([key('c-3')]))
    expect(await engine.activeInFlow('welcome', [])).toEqual(new Set())
  })
})
