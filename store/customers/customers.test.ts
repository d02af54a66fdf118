import { expect, it } from 'vitest'
import { describeEngineStore, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('customers (reads and stats)', (ctx) => {
  it('reads customers once each in the order asked, with addresses and tags, paging by key', async () => {
    await ctx.store.upsertCustomers([{ id: 'c-2', addresses: { email: 'b@example.com', phone: '+33 6 12' }, tags: [{ name: 't', layer: 'model', value: 1, at: T0 }] }])
    const read = await ctx.store.getCustomers(['c-3', 'nobody', 'c-2', 'c-3'])
    expect(read.map((c) => c.id)).toEqual(['c-3', 'c-2'])
    expect(read[1]?.addresses).toEqual({ email: 'b@example.com', phone: '+33612' })
    expect(read[1]?.tags.map((t) => t.name)).toEqual(['t'])
    const first = await ctx.store.listCustomers({ limit: 2 })
    const rest = await ctx.store.listCustomers({ afterKey: first.at(-1)?.key as number })
    expect([...first, ...rest].map((c) => c.id)).toEqual(['c-1', 'c-2', 'c-3'])
    expect(await ctx.store.countCustomers()).toBe(3)
  })

  it('counts what the store holds, event types by frequency then name', async () => {
    await ctx.store.insertEvents([
      { id: 'e1', customerId: 'c-1', type: 'login', at: T0 },
      { id: 'e2', customerId: 'c-2', type: 'purchase', at: T0 },
      { id: 'e3', customerId: 'c-2', type: 'open', at: T0 },
      { id: 'e4', customerId: 'c-3', type: 'purchase', at: T0 },
    ])
    const stats = await ctx.store.stats()
    expect(stats).toMatchObject({ dialect: ctx.dialect, customers: 3, events: 4, consents: 0, suppressions: 0, contacts: 0 })
    expect(stats.eventTypes).toEqual([{ type: 'purchase', count: 2 }, { type: 'login', count: 1 }, { type: 'open', count: 1 }])
  })
})
