import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ChannelAdapter, OutboundMessage } from '../engine/channels/channel-port.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import { secretsOf } from '../engine/config/secrets.ts'
import { contactPolicySchema } from '../engine/policy/contact-policy.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { openStore } from '../store/open-store.ts'
import { localAuthenticator } from './http/api-env.ts'
import { startLive, type LiveServer } from './live.ts'

let live: LiveServer | undefined
let store: StorePort | undefined
afterEach(async () => {
  await live?.stop()
  await store?.close()
  live = store = undefined
})

describe('startLive', () => {
  it('delivers what an ingested event leads to through its own dispatch loop, with the project secrets and public URL in ctx, and stops cleanly', async () => {
    store = await openStore({ db: ':memory:' })
    await store.upsertCustomers([{ id: 'c-1', addresses: { email: 'c1@example.com' } }])
    await store.setConsents([{ customerId: 'c-1', channel: 'email', status: 'granted', at: 0 }])
    const seen: OutboundMessage[] = []
    const mail: ChannelAdapter = { name: 'mail', deliver: async (messages) => (seen.push(...messages), messages.map(() => ({ status: 'sent' as const }))) }
    live = startLive({
      store, registry: await loadRegistry({ root: false }), channels: () => mail, auth: localAuthenticator('admin'), version: 'test', idleMs: 50,
      secrets: secretsOf({ unsubscribe: 'live-unsubscribe-secret-0123' }), publicUrl: 'https://sluice.example.com',
      contactPolicy: contactPolicySchema.parse({ duplicateOfferDays: 3 }),
    })
    // What the engine's nodes see, simulations see too (the simulate route runs with nodeSettings()).
    expect(live.ctx.engine.nodeSettings()).toEqual({ contactPolicy: contactPolicySchema.parse({ duplicateOfferDays: 3 }), secrets: expect.anything(), publicUrl: 'https://sluice.example.com' })
    await live.ctx.engine.publish({
      id: 'welcome', name: 'Welcome', version: 1,
      nodes: [
        { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
        { id: 'mail', type: 'choose-channel', config: { candidates: [{ channel: 'email', subject: 'Hi', body: '<a href="{{unsubscribe_url}}">stop</a>' }], unsubscribe: {} } },
      ],
      edges: [{ from: 'in', output: 'entered', to: 'mail' }],
      settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
      layout: {},
    })
    live.ctx.nudge()
    // Let the run start before the event, so the trigger takes it in.
    await vi.waitFor(async () => expect((await live!.ctx.engineStore.listRuns({ states: ['running'] })).length).toBe(1), { timeout: 3_000, interval: 10 })
    const response = await live.app.request('/api/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'e-1', customerId: 'c-1', type: 'signup' }) })
    expect(response.status).toBe(202)
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 3_000, interval: 10 })
    expect(seen[0]?.message.headers?.['List-Unsubscribe']).toMatch(/^<https:\/\/sluice\.example\.com\/unsubscribe\?token=/)
    await live.stop()
    live = undefined
  })
})
