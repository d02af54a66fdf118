import { expect, it } from 'vitest'
import { ValidationError } from '../../engine/errors.ts'
import type { ContactInput } from '../../engine/ports/store.ts'
import { describeEngineStore, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('contact (consents, suppressions, contact history)', (ctx) => {
  it('keeps the latest consent of a batch that states one channel twice, the later row winning a tie', async () => {
    await ctx.store.setConsents([
      { customerId: 'c-1', channel: 'email', status: 'granted', at: T0 + 5 },
      { customerId: 'c-1', channel: 'email', status: 'revoked', at: T0 + 1 },
      { customerId: 'c-2', channel: 'sms', status: 'granted', at: T0, source: 'form' },
      { customerId: 'c-2', channel: 'sms', status: 'revoked', at: T0, source: 'call' },
    ])
    expect(await ctx.store.getConsents(['c-2', 'c-1', 'c-3'])).toEqual([
      { customerId: 'c-1', channel: 'email', status: 'granted', at: T0 + 5 },
      { customerId: 'c-2', channel: 'sms', status: 'revoked', at: T0, source: 'call' },
    ])
  })

  it('removes suppressions of several scopes in one call, leaving the others', async () => {
    await ctx.store.upsertCustomers([{ id: 'c-1', addresses: { email: 'Ana@Example.com' } }])
    await ctx.store.addSuppressions([
      { scope: 'customer', value: 'c-2', reason: 'complaint', at: T0 },
      { scope: 'customer', value: 'c-9', reason: 'complaint', at: T0 },
      { scope: 'email', value: 'ANA@example.com', reason: 'bounce', at: T0 },
    ])
    expect(await ctx.store.suppressedCustomers(['c-1', 'c-2', 'c-3', 'c-9', 'c-2'])).toEqual(new Set(['c-1', 'c-2', 'c-9']))
    await ctx.store.removeSuppressions([
      { scope: 'customer', value: 'c-2' },
      { scope: 'email', value: 'ana@example.com' },
    ])
    expect(await ctx.store.suppressedCustomers(['c-1', 'c-2', 'c-9'])).toEqual(new Set(['c-9']))
    expect((await ctx.store.stats()).suppressions).toBe(1)
  })

  it('records contacts for known customers only, naming the unknown one, and lists them within [from, to)', async () => {
    const contact: Omit<ContactInput, 'customerId' | 'at'> = { flowId: 'f', runId: 'r', nodeId: 'send', channel: 'email', status: 'sent' }
    await expect(ctx.store.recordContacts([{ ...contact, customerId: 'c-1', at: T0 }, { ...contact, customerId: 'nobody', at: T0 }])).rejects.toThrow(ValidationError)
    await expect(ctx.store.recordContacts([{ ...contact, customerId: 'nobody', at: T0 }])).rejects.toThrow(/contacts\[0\]\.customerId/)
    await ctx.store.recordContacts([2, 0, 1].map((n): ContactInput => {
      const row: ContactInput = { ...contact, customerId: 'c-1', at: T0 + n }
      if (n === 1) {
        delete row.runId
        row.offer = 'ten'
      }
      return row
    }))
    const listed = await ctx.store.listContacts('c-1', { from: T0 + 1, to: T0 + 3 })
    expect(listed.map((c) => [c.at, c.runId, c.offer])).toEqual([[T0 + 1, undefined, 'ten'], [T0 + 2, 'r', undefined]])
    expect((await ctx.store.listContacts('c-1')).length).toBe(3)
  })
})
