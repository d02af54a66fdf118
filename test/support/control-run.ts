/**
 * Runs for the run-control tests (route and CLI): `hold` (signup → wait `first` a day → wait
 * `hold` a day → wait `then` an hour) with customers c-1…c-6 due at `hold` in a day (a wait
 * delays its customers' arrival at the next node; c-1…c-3 on plan gold), and `mail`
 * (signup → choose-channel e-mail) whose sends went out, three of them then dead-lettered
 * (c-1, c-2, c-3) and one failing (c-4, attempt 2); c-3's fallback to SMS already took over.
 */
import { allChannelsThrough } from '../../engine/channels/channel-port.ts'
import { createLogChannel } from '../../engine/channels/log-channel.ts'
import { SimulatedClock } from '../../engine/clock/simulated-clock.ts'
import { Engine } from '../../engine/executor/engine.ts'
import type { Flow } from '../../engine/flow/schema.ts'
import type { EngineStore, OutboxRow } from '../../engine/ports/engine-store.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'

export const HOLD_FLOW = {
  id: 'hold', name: 'Hold', version: 1,
  nodes: [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'first', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'hold', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'then', type: 'wait', config: { for: { amount: 1, unit: 'hours' } } },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'first' }, { from: 'first', output: 'done', to: 'hold' }, { from: 'hold', output: 'done', to: 'then' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: {},
}

export const MAIL_FLOW = {
  id: 'mail', name: 'Mail', version: 1,
  nodes: [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'send', type: 'choose-channel', config: { consent: 'not-revoked', candidates: [{ channel: 'email', subject: 'Hi', body: 'Welcome' }] } },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'send' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: {},
}

export const CUSTOMER_IDS = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6']

export interface ControlRuns {
  hold: string
  mail: string
  /** The mail run's sends by customer id. */
  sends: Map<string, OutboxRow>
}

/** Seeds customers and events at `now − 1 min`, publishes both flows, ticks once at `now`, then fails four sends. */
export async function seedControlRuns(store: EngineStore, registry: NodeRegistry, now: number): Promise<ControlRuns> {
  await store.customers.upsertCustomers(CUSTOMER_IDS.map((id, i) => ({ id, attributes: { plan: i < 3 ? 'gold' : 'basic' }, addresses: { email: `${id}@example.com` } })))
  const clock = new SimulatedClock(now - 120_000)
  const engine = new Engine({ store, registry, clock, channels: allChannelsThrough(createLogChannel(() => {})) })
  const hold = await engine.publish(HOLD_FLOW as Flow)
  const mail = await engine.publish(MAIL_FLOW as Flow)
  await store.customers.insertEvents(CUSTOMER_IDS.map((customerId) => ({ id: `signup-${customerId}`, customerId, type: 'signup', at: now - 60_000 })))
  await clock.sleepUntil(now)
  await engine.tick()
  const rows = await store.listOutbox({ runId: mail.id })
  const byKey = new Map((await store.customersByKeys(rows.map((r) => r.customerKey))).map((c) => [c.key, c.id]))
  const sends = new Map(rows.map((r) => [byKey.get(r.customerKey) as string, r]))
  const failed = (id: string, state: 'dead' | 'pending', attempts: number) => {
    const row = sends.get(id) as OutboxRow
    return { id: row.id, state, attempts, nextAttemptAt: now + 3_600_000, lastError: 'smtp 550', sentAt: null }
  }
  await store.updateOutbox([failed('c-1', 'dead', 5), failed('c-2', 'dead', 5), failed('c-3', 'dead', 5), failed('c-4', 'pending', 2)])
  const c3 = sends.get('c-3') as OutboxRow
  await store.enqueueOutbox([{ key: `${c3.key}>sms`, runId: mail.id, flowId: 'mail', nodeId: 'send', customerKey: c3.customerKey, channel: 'sms', message: '{"body":"Welcome"}', offer: null, createdAt: now, nextAttemptAt: now }])
  return { hold: hold.id, mail: mail.id, sends: new Map((await store.listOutbox({ runId: mail.id })).filter((r) => !r.key.includes('>')).map((r) => [byKey.get(r.customerKey) as string, r])) }
}
