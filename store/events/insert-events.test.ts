import { expect, it } from 'vitest'
import { ValidationError } from '../../engine/errors.ts'
import type { EventInput } from '../../engine/ports/store.ts'
import { describeEngineStore, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('events (ingest)', (ctx) => {
  it('stores the first of an id repeated in a batch, counts 1 and 1.0 as the same value, skips unknown customers by index', async () => {
    const result = await ctx.store.insertEvents([
      { id: 'e-1', customerId: 'c-1', type: 'buy', at: T0, properties: { amount: 1, sku: 'a' } },
      { id: 'e-1', customerId: 'c-1', type: 'buy', at: T0, properties: { sku: 'a', amount: 1.0 } },
      { id: 'e-2', customerId: 'nobody', type: 'buy', at: T0 },
      { id: 'e-1', customerId: 'c-2', type: 'buy', at: T0, properties: { amount: 2, sku: 'a' } },
    ])
    expect(result).toEqual({ inserted: 1, duplicates: 2, unknownCustomers: [2], conflicts: [{ index: 3, differs: ['customer', 'properties'] }] })
    expect((await ctx.store.listEvents('c-1')).map((event) => [event.id, event.customerKey, event.properties])).toEqual([['e-1', ctx.key('c-1'), { amount: 1, sku: 'a' }]])
  })

  it('refuses unknown fields naming the row and the field, and writes nothing of the batch', async () => {
    const bad = [
      { id: 'e-1', customerId: 'c-1', type: 'buy', at: T0 },
      { id: 'e-2', customerId: 'c-1', type: 'buy', at: T0, props: { amount: 1 } },
    ] as unknown as EventInput[]
    const error = await ctx.store.insertEvents(bad).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues).toEqual([expect.objectContaining({ path: 'events[1].props', code: 'field.unknown' })])
    expect(await ctx.store.listEvents('c-1')).toEqual([])
  })

  it('reports conflicts by their place in a batch larger than one Postgres statement (6,000 events)', async () => {
    const events = (at: (i: number) => number): EventInput[] =>
      Array.from({ length: 6_000 }, (_, i) => ({ id: `e-${i}`, customerId: i % 2 ? 'c-1' : 'c-2', type: 'open', at: at(i), properties: { i } }))
    expect(await ctx.store.insertEvents(events(() => T0))).toMatchObject({ inserted: 6_000, duplicates: 0, conflicts: [] })
    // Again, with the time changed for three events on either side of the 5,000-row boundary.
    const changed = new Set([3, 4_999, 5_998])
    const result = await ctx.store.insertEvents(events((i) => (changed.has(i) ? T0 + 1 : T0)))
    expect(result).toEqual({
      inserted: 0,
      duplicates: 6_000,
      unknownCustomers: [],
      conflicts: [...changed].map((index) => ({ index, differs: ['at'] })),
    })
  })
})
