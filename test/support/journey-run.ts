/**
 * A run for the journey-trace tests (route and CLI): `gate` (signup → throttle on e-mail with
 * its own cap of 1 per rolling week → choose-channel by the bandit over e-mail and SMS). j-1 was
 * e-mailed an hour before signing up, so the cap defers them at the gate; j-2 passes and is sent
 * a message on the channel the bandit sampled highest.
 */
import { allChannelsThrough } from '../../engine/channels/channel-port.ts'
import { createLogChannel } from '../../engine/channels/log-channel.ts'
import { SimulatedClock } from '../../engine/clock/simulated-clock.ts'
import { Engine } from '../../engine/executor/engine.ts'
import type { Flow } from '../../engine/flow/schema.ts'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'

export const GATE_FLOW = {
  id: 'gate', name: 'Gate', version: 1,
  nodes: [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'cap', type: 'throttle', title: 'Weekly cap', config: { channel: 'email', caps: [{ channel: 'email', max: 1, per: 'week', window: 'rolling' }] } },
    { id: 'send', type: 'choose-channel', config: { strategy: 'bandit', consent: 'not-revoked', candidates: [{ channel: 'email', subject: 'Hi', body: 'Welcome' }, { channel: 'sms', body: 'Welcome' }] } },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'cap' }, { from: 'cap', output: 'pass', to: 'send' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: {},
}

/** Seeds j-1 and j-2, publishes the flow, lets both sign up at `now − 1 min` and ticks at `now` (the tick delivers the outbox inline). Returns the run id. */
export async function seedJourneyRun(store: EngineStore, registry: NodeRegistry, now: number): Promise<string> {
  await store.customers.upsertCustomers(['j-1', 'j-2'].map((id) => ({ id, attributes: {}, addresses: { email: `${id}@example.com`, phone: '+33600000000' } })))
  await store.customers.recordContacts([{ customerId: 'j-1', flowId: 'earlier', nodeId: 'mail', channel: 'email', at: now - 3_600_000 }])
  const clock = new SimulatedClock(now - 120_000)
  const engine = new Engine({ store, registry, clock, channels: allChannelsThrough(createLogChannel(() => {})) })
  const run = await engine.publish(GATE_FLOW as Flow)
  await store.customers.insertEvents(['j-1', 'j-2'].map((customerId) => ({ id: `signup-${customerId}`, customerId, type: 'signup', at: now - 60_000 })))
  await clock.sleepUntil(now)
  await engine.tick()
  return run.id
}
