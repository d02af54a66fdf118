import { expect, it } from 'vitest'
import { ValidationError } from '../../engine/errors.ts'
import { describeEngineStore, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('customers (bulk upsert)', (ctx) => {
  it('gives new customers keys after the stored ones and merges known ones, a repeated id last-wins', async () => {
    const result = await ctx.store.upsertCustomers([
      { id: 'c-2', attributes: { plan: 'gold', visits: 1 }, timeZone: 'europe/paris', preferredChannel: 'sms' },
      { id: 'n-1', attributes: { plan: 'basic', gone: null }, addresses: { email: ' New.One@Example.COM ', phone: '+33 (6) 12-34' } },
      { id: 'n-2' },
      { id: 'c-2', attributes: { plan: 'silver' }, addresses: { email: 'C2@Example.com' } },
    ])
    expect(result).toEqual({ inserted: 2, updated: 2 })
    const [c2, n1, n2] = await ctx.store.getCustomers(['c-2', 'n-1', 'n-2'])
    expect(c2).toMatchObject({ key: ctx.key('c-2'), attributes: { plan: 'silver', visits: 1 }, timeZone: 'Europe/Paris', preferredChannel: 'sms' })
    expect(c2?.addresses).toEqual({ email: 'c2@example.com' })
    // A key set to null on a new customer is simply absent; addresses are normalised.
    expect(n1).toMatchObject({ attributes: { plan: 'basic' }, timeZone: 'UTC', preferredChannel: null, createdAt: T0, updatedAt: T0 })
    expect(n1?.addresses).toEqual({ email: 'new.one@example.com', phone: '+3361234' })
    const stored = Math.max(ctx.key('c-1'), ctx.key('c-2'), ctx.key('c-3'))
    expect(n1?.key).toBeGreaterThan(stored)
    expect(n2?.key).toBeGreaterThan(n1?.key as number)
    // The next batch's new customer takes a key no earlier one has.
    await ctx.store.upsertCustomers([{ id: 'n-3' }])
    const [n3] = await ctx.store.getCustomers(['n-3'])
    expect(n3?.key).toBeGreaterThan(n2?.key as number)
  })

  it('on known customers: null clears an attribute, an address or the preferred channel; omitted fields stay; tags upserted', async () => {
    await ctx.store.upsertCustomers([
      {
        id: 'c-1', attributes: { plan: 'gold', age: 40 }, timeZone: 'Asia/Tokyo', preferredChannel: 'email',
        addresses: { email: 'a@example.com', phone: '+331' }, tags: [{ name: 'score', layer: 'model', value: 0.5, at: T0 }],
      },
    ])
    const result = await ctx.store.upsertCustomers([
      {
        id: 'c-1', attributes: { age: null, city: 'Lyon' }, preferredChannel: null, addresses: { phone: null, email: 'b@example.com' },
        tags: [{ name: 'score', layer: 'model', value: 0.9, at: T0 + 1 }, { name: 'cell', layer: 'fact', value: '555', at: T0 + 1, source: 'score' }],
      },
      { id: 'c-1', tags: [{ name: 'score', layer: 'model', value: 0.7, at: T0 + 2 }] },
    ])
    expect(result).toEqual({ inserted: 0, updated: 2 })
    const [c1] = await ctx.store.getCustomers(['c-1'])
    expect(c1).toMatchObject({ attributes: { plan: 'gold', city: 'Lyon' }, timeZone: 'Asia/Tokyo', preferredChannel: null })
    expect(c1?.addresses).toEqual({ email: 'b@example.com' })
    expect(c1?.tags.map((tag) => [tag.name, tag.value, tag.at, tag.source ?? null]).sort()).toEqual([
      ['cell', '555', T0 + 1, 'score'],
      ['score', 0.7, T0 + 2, null],
    ])
    // A batch that mentions nothing but the id changes nothing but the update time.
    await ctx.store.upsertCustomers([{ id: 'c-1' }])
    expect((await ctx.store.getCustomers(['c-1']))[0]).toMatchObject({ attributes: { plan: 'gold', city: 'Lyon' }, timeZone: 'Asia/Tokyo' })
  })

  it('refuses unknown fields naming the row and the field, and writes nothing of the batch', async () => {
    const bad = [{ id: 'n-1' }, { id: 'c-1', attribute: { plan: 'gold' } }] as unknown as Parameters<typeof ctx.store.upsertCustomers>[0]
    const error = await ctx.store.upsertCustomers(bad).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues).toEqual([expect.objectContaining({ path: 'customers[1].attribute', code: 'field.unknown' })])
    expect((error as ValidationError).message).toContain("customers[1].attribute: unknown field 'attribute'")
    expect(await ctx.store.getCustomers(['n-1'])).toEqual([])
  })

  it('inserts and then updates more customers than one Postgres statement carries (5,001), each once', async () => {
    const ids = Array.from({ length: 5_001 }, (_, i) => `b-${i}`)
    expect(await ctx.store.upsertCustomers(ids.map((id, i) => ({ id, attributes: { n: i }, addresses: { email: `${id}@example.com` } })))).toEqual({
      inserted: 5_001,
      updated: 0,
    })
    expect(
      await ctx.store.upsertCustomers(ids.map((id, i) => ({ id, attributes: { m: i }, addresses: i % 2 ? { email: null } : {}, tags: [{ name: 't', layer: 'model', value: i, at: T0 }] }))),
    ).toEqual({ inserted: 0, updated: 5_001 })
    expect(await ctx.store.countCustomers()).toBe(5_004)
    const read = await ctx.store.getCustomers(['b-0', 'b-4999', 'b-5000'])
    expect(read.map((c) => [c.id, c.attributes, c.addresses.email ?? null, c.tags[0]?.value])).toEqual([
      ['b-0', { n: 0, m: 0 }, 'b-0@example.com', 0],
      ['b-4999', { n: 4999, m: 4999 }, null, 4999],
      ['b-5000', { n: 5000, m: 5000 }, 'b-5000@example.com', 5000],
    ])
    expect(new Set(read.map((c) => c.key)).size).toBe(3)
  })
})
