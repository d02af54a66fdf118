/**
 * choose-channel in a running flow: the send goes through the outbox and the channel adapters;
 * a delivery rejected for good (an SMTP 550 bounce) falls back to the next eligible channel in
 * the same dispatch, contact history records the channel that delivered, and the holdout gets
 * no message at all.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelAdapter, OutboundMessage } from '../engine/channels/channel-port.ts'
import { verifyUnsubscribeToken } from '../engine/channels/unsubscribe.ts'
import { routeChannels } from '../engine/channels/webhook.ts'
import { secretsOf } from '../engine/config/secrets.ts'
import { Engine } from '../engine/executor/engine.ts'
import chooseChannel from '../nodes/choose-channel/index.ts'
import { engineHarness, flowOf, T0, DAY, type EngineHarness } from './engine-harness.ts'

function recorder(name: string, answer: (m: OutboundMessage) => Awaited<ReturnType<ChannelAdapter['deliver']>>[number]) {
  const seen: OutboundMessage[] = []
  const adapter: ChannelAdapter = {
    name,
    async deliver(messages) {
      seen.push(...messages)
      return messages.map(answer)
    },
  }
  return { adapter, seen }
}

let h: EngineHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const config = {
  candidates: [
    { channel: 'email' as const, subject: 'Hi', body: 'Hello {{customer.first_name}}' },
    { channel: 'sms' as const, body: 'Hi {{customer.first_name}}' },
    { channel: 'push' as const, body: 'Hey' },
  ],
}

describe('choose-channel delivery', () => {
  it('falls back to the next eligible channel when a delivery bounces, and records the delivered one', async () => {
    h = await engineHarness({ nodes: [chooseChannel] })
    const email = recorder('smtp', (m) => (m.customerId === 'bounces' ? { status: 'failed', permanent: true, error: '550 5.1.1 mailbox unavailable' } : { status: 'sent' }))
    const sms = recorder('sms-provider', () => ({ status: 'sent' }))
    const engine = new Engine({ store: h.engineStore, registry: h.registry, clock: h.clock, channels: routeChannels({ email: email.adapter, sms: sms.adapter }) })
    await h.store.upsertCustomers([
      { id: 'fine', addresses: { email: 'fine@example.com', phone: '+1' }, attributes: { first_name: 'Fi' } },
      { id: 'bounces', addresses: { email: 'gone@example.com', phone: '+2' }, attributes: { first_name: 'Bo' } },
      { id: 'no-phone', addresses: { email: 'np@example.com' } },
    ])
    await h.store.setConsents(['fine', 'bounces', 'no-phone'].flatMap((customerId) => (['email', 'sms', 'push'] as const).map((channel) => ({ customerId, channel, status: 'granted' as const, at: T0 - DAY }))))
    const run = await engine.publish(
      flowOf('greet', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'choose', type: 'choose-channel', config }], [{ from: 'start', output: 'entered', to: 'choose' }]),
    )
    await engine.tick()

    expect(email.seen.map((m) => [m.customerId, m.message.to])).toEqual([['fine', 'fine@example.com'], ['bounces', 'gone@example.com'], ['no-phone', 'np@example.com']])
    expect(sms.seen.map((m) => [m.customerId, m.key, m.message])).toEqual([['bounces', `${email.seen[1]?.key}>sms`, { to: '+2', body: 'Hi Bo' }]])
    const outbox = await h.engineStore.listOutbox({ runId: run.id })
    expect(outbox.map((row) => [row.customerId, row.channel, row.state])).toEqual([
      ['fine', 'email', 'sent'], ['bounces', 'email', 'dead'], ['no-phone', 'email', 'sent'], ['bounces', 'sms', 'sent'],
    ])
    expect(outbox[1]?.lastError).toBe('550 5.1.1 mailbox unavailable')
    expect((await h.store.listContacts('bounces')).map((c) => [c.channel, c.nodeId, c.status])).toEqual([['sms', 'choose', 'sent']])
    expect((await h.store.listContacts('fine')).map((c) => c.channel)).toEqual(['email'])
  })

  it('dead-letters for good when the last fallback also fails (push has no adapter here)', async () => {
    h = await engineHarness({ nodes: [chooseChannel] })
    const email = recorder('smtp', () => ({ status: 'failed', permanent: true, error: '550 no such user' }))
    const engine = new Engine({ store: h.engineStore, registry: h.registry, clock: h.clock, channels: routeChannels({ email: email.adapter }) })
    await h.store.upsertCustomers([{ id: 'x', addresses: { email: 'x@example.com', push: 'token-x' } }])
    await h.store.setConsents([{ customerId: 'x', channel: 'email', status: 'granted', at: T0 - DAY }, { customerId: 'x', channel: 'push', status: 'granted', at: T0 - DAY }])
    const run = await engine.publish(
      flowOf('greet', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'choose', type: 'choose-channel', config }], [{ from: 'start', output: 'entered', to: 'choose' }]),
    )
    await engine.tick()
    const outbox = await h.engineStore.listOutbox({ runId: run.id })
    expect(outbox.map((row) => [row.channel, row.state, row.lastError])).toEqual([
      ['email', 'dead', '550 no such user'],
      ['push', 'dead', 'no channel adapter is configured for "push"'],
    ])
    expect(await h.store.listContacts('x')).toEqual([])
  })

  it('sends nothing to the holdout, which still leaves on the chosen channel', async () => {
    h = await engineHarness({ nodes: [chooseChannel] })
    const email = recorder('smtp', () => ({ status: 'sent' }))
    const engine = new Engine({ store: h.engineStore, registry: h.registry, clock: h.clock, channels: routeChannels({ email: email.adapter }) })
    const ids = Array.from({ length: 40 }, (_, i) => `h${i}`)
    await h.store.upsertCustomers(ids.map((id) => ({ id, addresses: { email: `${id}@example.com` } })))
    await h.store.setConsents(ids.map((customerId) => ({ customerId, channel: 'email' as const, status: 'granted' as const, at: T0 - DAY })))
    const run = await engine.publish(
      flowOf('greet', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'choose', type: 'choose-channel', config }], [{ from: 'start', output: 'entered', to: 'choose' }], { holdout: { percent: 25 } }),
    )
    await engine.tick()
    const outbox = await h.engineStore.listOutbox({ runId: run.id })
    const held = (await h.engineStore.journalTotals(run.id)).filter((t) => t.kind === 'held').reduce((n, t) => n + t.count, 0)
    expect(held).toBeGreaterThan(0)
    expect(outbox.length + held).toBe(40)
    expect(email.seen.length).toBe(outbox.length)
  })

  it('hands the project secrets and the public URL to nodes: the e-mail carries a signed link to this server', async () => {
    h = await engineHarness({ nodes: [chooseChannel] })
    const email = recorder('smtp', () => ({ status: 'sent' }))
    const secrets = secretsOf({ unsubscribe: 'engine-unsubscribe-secret-0123' })
    const engine = new Engine({ store: h.engineStore, registry: h.registry, clock: h.clock, channels: routeChannels({ email: email.adapter }), secrets, publicUrl: 'https://sluice.example.com' })
    await h.store.upsertCustomers([{ id: 'u', addresses: { email: 'u@example.com' } }])
    await h.store.setConsents([{ customerId: 'u', channel: 'email', status: 'granted', at: T0 - DAY }])
    await engine.publish(
      flowOf('news', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'choose', type: 'choose-channel', config: { candidates: [config.candidates[0]], unsubscribe: {} } }], [{ from: 'start', output: 'entered', to: 'choose' }]),
    )
    await engine.tick()
    const link = /^<(.*)>$/.exec(email.seen[0]?.message.headers?.['List-Unsubscribe'] ?? '')?.[1] ?? ''
    expect(link.startsWith('https://sluice.example.com/unsubscribe?token=')).toBe(true)
    expect(verifyUnsubscribeToken('engine-unsubscribe-secret-0123', new URL(link).searchParams.get('token') ?? '')).toEqual({ customerId: 'u', channel: 'email', flowId: 'news' })
  })
})
