/** One-click unsubscribe applied to the store (engine/channels/unsubscribe.ts) on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyUnsubscribe, signUnsubscribeToken, verifyUnsubscribeToken } from '../engine/channels/unsubscribe.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { openStore } from '../store/open-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'

const SECRET = 'unsubscribe-secret-0123'
const NOW = Date.UTC(2025, 4, 1)

describe.each(['sqlite', 'postgres'] as const)('applyUnsubscribe on %s', (dialect) => {
  let store: StorePort
  let pgSchema: TestSchema | undefined
  beforeAll(async () => {
    if (dialect === 'postgres') {
      pgSchema = await createTestSchema('unsubscribe')
      store = await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema, now: () => NOW })
    } else store = await openStore({ db: ':memory:', now: () => NOW })
    await store.upsertCustomers([{ id: 'ann', addresses: { email: 'ann@example.com' } }, { id: 'bo' }])
    await store.setConsents([{ customerId: 'ann', channel: 'email', status: 'granted', at: NOW - 1_000 }])
  })
  afterAll(async () => {
    await store?.close()
    await pgSchema?.drop()
  })

  it('revokes the consent and suppresses the address at once', async () => {
    const payload = verifyUnsubscribeToken(SECRET, signUnsubscribeToken(SECRET, { customerId: 'ann', channel: 'email', flowId: 'news' }))
    expect(await applyUnsubscribe(store, payload, NOW)).toEqual({ customerId: 'ann', channel: 'email', suppressed: { scope: 'email', value: 'ann@example.com' } })
    expect(await store.getConsents(['ann'])).toEqual([expect.objectContaining({ customerId: 'ann', channel: 'email', status: 'revoked', at: NOW, source: 'unsubscribe:news' })])
    expect(await store.suppressedCustomers(['ann'])).toEqual(new Set(['ann']))
  })

  it('suppresses the customer for a channel without an address, and refuses an unknown customer without writing', async () => {
    expect((await applyUnsubscribe(store, { customerId: 'bo', channel: 'inbox' }, NOW)).suppressed).toEqual({ scope: 'customer', value: 'bo' })
    await expect(applyUnsubscribe(store, { customerId: 'ghost', channel: 'email' }, NOW)).rejects.toThrow("customer 'ghost', who is not in the store")
    expect(await store.suppressedCustomers(['ghost'])).toEqual(new Set())
  })
})
