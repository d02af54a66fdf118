/**
 * The outbox dispatcher in its own loop (Engine `dispatch: 'separate'` + OutboxLoop), on the
 * real clock: while a deliberately slow adapter holds a delivery, ticks go on and queue more
 * sends; once it answers, every intent is delivered exactly once, and retries are the loop's
 * business, not the scheduler's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from '../engine/channels/channel-port.ts'
import { RealClock } from '../engine/clock/real-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import { OutboxLoop } from '../engine/outbox/outbox-loop.ts'
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { NodeRegistry } from '../engine/registry/registry.ts'
import trigger from '../nodes/trigger/index.ts'
import wait from '../nodes/wait/index.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { flowOf, sendNode } from './engine-harness.ts'

/** An adapter whose deliveries wait until the test opens the gate. */
function gatedAdapter(answer: (m: OutboundMessage, call: number) => DeliveryResult = () => ({ status: 'sent' })) {
  let open: () => void = () => {}
  let gate = new Promise<void>((resolve) => (open = resolve))
  const calls: OutboundMessage[][] = []
  let inFlight = 0
  const adapter: ChannelAdapter = {
    name: 'slow-smtp',
    async deliver(messages) {
      calls.push([...messages])
      inFlight++
      await gate
      inFlight--
      return messages.map((m) => answer(m, calls.length))
    },
  }
  return {
    adapter, calls,
    get inFlight() { return inFlight },
    open: () => open(),
    close: () => (gate = new Promise<void>((resolve) => (open = resolve))),
  }
}

const FLOW = flowOf(
  'welcome',
  [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'mail', type: 'send', config: { channel: 'email', template: 'welcome' } },
    { id: 'later', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'then', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
  ],
  [{ from: 'in', output: 'entered', to: 'mail' }, { from: 'mail', output: 'sent', to: 'later' }, { from: 'later', output: 'done', to: 'then' }],
)

let store: StorePort | undefined
let stop: (() => Promise<void>) | undefined
afterEach(async () => {
  await stop?.()
  await store?.close()
  stop = store = undefined
})

async function live(adapter: ChannelAdapter) {
  const clock = new RealClock()
  store = await openStore({ db: ':memory:', now: () => clock.now() })
  const engineStore: EngineStore = openEngineStore(store)
  const registry = new NodeRegistry()
  for (const node of [trigger, wait, sendNode()]) registry.register(node)
  const engine = new Engine({ store: engineStore, registry, clock, channels: () => adapter, dispatch: 'separate' })
  const loop = new OutboxLoop(engine, clock, { idleMs: 50 })
  const abort = new AbortController()
  const running = loop.runForever(abort.signal)
  stop = async () => {
    abort.abort()
    await running
  }
  await store.upsertCustomers(['c1', 'c2', 'c3'].map((id) => ({ id, addresses: { email: `${id}@example.com` } })))
  const signup = (id: string) => store!.insertEvents([{ id: `e-${id}`, customerId: id, type: 'signup', at: clock.now() - 1 }])
  return { clock, engine, engineStore, loop, signup }
}

describe('outbox loop', () => {
  it('keeps ticking while a slow adapter holds a delivery, then delivers every intent exactly once', async () => {
    const slow = gatedAdapter()
    const { engine, engineStore, loop, signup } = await live(slow.adapter)
    const run = await engine.publish(FLOW)
    await engine.tick() // starts the run
    await signup('c1')
    // Event intake moves the customer on at once (the send is queued; intake sends are not in `sends`).
    const first = await engine.tick()
    expect([first.entered, first.delivered]).toEqual([1, 0])
    loop.nudge()
    await vi.waitFor(() => expect(slow.inFlight).toBe(1), { timeout: 2_000, interval: 5 })

    // The delivery is held: ticks still complete, and queue the next sends.
    await signup('c2')
    await signup('c3')
    const during = await engine.tick()
    expect([during.entered, during.delivered]).toEqual([2, 0])
    loop.nudge()
    expect(slow.inFlight).toBe(1)
    expect((await engineStore.listOutbox({ runId: run.id })).map((r) => [r.customerId, r.state])).toEqual([['c1', 'pending'], ['c2', 'pending'], ['c3', 'pending']])
    expect(await engine.tick()).toMatchObject({ sends: 0, delivered: 0 })

    slow.open()
    await vi.waitFor(async () => expect((await engineStore.listOutbox({ runId: run.id })).every((r) => r.state === 'sent')).toBe(true), { timeout: 3_000, interval: 10 })
    // c1 alone in the held delivery; c2 and c3 in the next one; nothing twice.
    expect(slow.calls.map((batch) => batch.map((m) => m.customerId))).toEqual([['c1'], ['c2', 'c3']])
    const keys = slow.calls.flat().map((m) => m.key)
    expect(new Set(keys).size).toBe(3)
    for (const id of ['c1', 'c2', 'c3']) expect((await store!.listContacts(id)).map((c) => [c.channel, c.nodeId])).toEqual([['email', 'mail']])
    // Idle for a while: nothing is delivered again.
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(slow.calls).toHaveLength(2)
  })

  it('retries a failed delivery at its retry time without the scheduler waking for it', async () => {
    const flaky = gatedAdapter((_m, call) => (call === 1 ? { status: 'failed', error: '421 try later' } : { status: 'sent' }))
    flaky.open()
    const { engine, engineStore, loop, signup } = await live(flaky.adapter)
    const run = await engine.publish(FLOW, { options: { sendRetryMs: 100 } })
    await engine.tick()
    await signup('c1')
    await engine.tick()
    loop.nudge()
    await vi.waitFor(async () => expect((await engineStore.listOutbox({ runId: run.id }))[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: '421 try later' }), { timeout: 2_000, interval: 5 })
    const [row] = await engineStore.listOutbox({ runId: run.id })
    // The retry is due within 100 ms, but the only thing the tick waits for is the customer's 1-day wait.
    expect(await engine.nextOutboxAt()).toBe(row?.nextAttemptAt)
    expect(((await engine.nextWakeAt()) ?? 0) - (row?.nextAttemptAt ?? 0)).toBeGreaterThan(23 * 3_600_000)
    await vi.waitFor(async () => expect((await engineStore.listOutbox({ runId: run.id }))[0]).toMatchObject({ state: 'sent', attempts: 2 }), { timeout: 3_000, interval: 10 })
    expect(flaky.calls).toHaveLength(2)
  })
})
