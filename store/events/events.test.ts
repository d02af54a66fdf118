import { expect, it } from 'vitest'
import { describeEngineStore, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('events (reads)', (ctx) => {
  it('reads the newest `last` events of a type within [from, to), oldest first, with their properties', async () => {
    await ctx.store.insertEvents([0, 1, 2, 3, 4].map((n) => ({ id: `e${n}`, customerId: 'c-1', type: n % 2 ? 'open' : 'login', at: T0 + n, properties: { n, nested: { a: [n] } } })))
    const read = await ctx.store.listEvents('c-1', { type: 'login', from: T0 + 1, to: T0 + 5, last: 1 })
    expect(read.map((e) => [e.id, e.properties])).toEqual([['e4', { n: 4, nested: { a: [4] } }]])
    expect((await ctx.store.listEvents('c-1', { last: 2 })).map((e) => e.id)).toEqual(['e3', 'e4'])
    expect((await ctx.store.listEvents('c-2')).length).toBe(0)
  })

  it('reads the events of many customers grouped in the order asked, a repeated id once', async () => {
    await ctx.store.insertEvents([
      { id: 'a', customerId: 'c-1', type: 'login', at: T0 + 2 },
      { id: 'b', customerId: 'c-2', type: 'login', at: T0 + 1 },
      { id: 'c', customerId: 'c-1', type: 'login', at: T0 + 1 },
    ])
    const read = await ctx.store.listEventsOf(['c-2', 'c-1', 'c-2'], { type: 'login' })
    expect(read.map((e) => [e.customerId, e.id, e.customerKey === ctx.key(e.customerId)])).toEqual([['c-2', 'b', true], ['c-1', 'c', true], ['c-1', 'a', true]])
  })
})
