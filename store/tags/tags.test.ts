import { expect, it } from 'vitest'
import { describeEngineStore, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('tags', (ctx) => {
  it('keeps the last of a name written twice in one batch, and every value type including null', async () => {
    await ctx.store.setTags([
      { customerId: 'c-1', tag: { name: 'tier', layer: 'model', value: 'silver', at: T0 } },
      { customerId: 'c-1', tag: { name: 'tier', layer: 'model', value: 'gold', at: T0 + 1, source: 'model' } },
      { customerId: 'c-1', tag: { name: 'churn', layer: 'model', value: 0.25, at: T0 } },
      { customerId: 'c-1', tag: { name: 'vip', layer: 'fact', value: true, at: T0 } },
      { customerId: 'c-1', tag: { name: 'none', layer: 'fact', value: null, at: T0 } },
    ])
    const [customer] = await ctx.store.getCustomers(['c-1'])
    expect(customer?.tags).toEqual([
      { name: 'churn', layer: 'model', value: 0.25, at: T0 },
      { name: 'none', layer: 'fact', value: null, at: T0 },
      { name: 'tier', layer: 'model', value: 'gold', at: T0 + 1, source: 'model' },
      { name: 'vip', layer: 'fact', value: true, at: T0 },
    ])
  })

  it('refuses tags of an unknown customer by the row of the batch, writing none of it', async () => {
    await expect(
      ctx.store.setTags([
        { customerId: 'c-2', tag: { name: 'a', layer: 'model', value: 1, at: T0 } },
        { customerId: 'c-2', tag: { name: 'a', layer: 'model', value: 2, at: T0 } },
        { customerId: 'ghost', tag: { name: 'a', layer: 'model', value: 3, at: T0 } },
      ]),
    ).rejects.toThrow(/tags\[2\]\.customerId/)
    expect((await ctx.store.getCustomers(['c-2']))[0]?.tags).toEqual([])
  })
})
