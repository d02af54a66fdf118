import { expect, it } from 'vitest'
import { describeEngineStore } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('attributes', (ctx) => {
  it('round-trips enum values and descriptions, keeps a description a later definition omits, and lists by name', async () => {
    await ctx.store.defineAttributes([
      { name: 'tier', type: 'enum', values: ['gold', 'silver'], source: 'declared', description: 'loyalty tier' },
      { name: 'age', type: 'number', source: 'inferred' },
    ])
    await ctx.store.defineAttributes([{ name: 'tier', type: 'enum', values: ['gold', 'silver', 'bronze'], source: 'declared' }])
    expect(await ctx.store.listAttributes()).toEqual([
      { name: 'age', type: 'number', source: 'inferred' },
      { name: 'tier', type: 'enum', values: ['gold', 'silver', 'bronze'], source: 'declared', description: 'loyalty tier' },
    ])
  })

  it('lets an inferred definition replace an inferred one but never a declared one', async () => {
    await ctx.store.defineAttributes([{ name: 'age', type: 'string', source: 'inferred' }])
    await ctx.store.defineAttributes([{ name: 'age', type: 'number', source: 'inferred' }])
    expect((await ctx.store.listAttributes())[0]).toEqual({ name: 'age', type: 'number', source: 'inferred' })
    await ctx.store.defineAttributes([{ name: 'age', type: 'string', source: 'declared' }])
    await ctx.store.defineAttributes([{ name: 'age', type: 'number', source: 'inferred' }])
    expect((await ctx.store.listAttributes())[0]).toEqual({ name: 'age', type: 'string', source: 'declared' })
  })
})
