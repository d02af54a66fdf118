/**
 * A run for the whereabouts tests (engine, CLI, route, editor): `where` (signup → throttle on
 * e-mail with its own cap of 1 per rolling week → wait 3 days after entry → wait 1 minute after
 * entry → end). A wait routes a customer on to the next node at a later time, so w-2 and w-3,
 * who passed the gate, wait at `settle` until three days after signing up; w-4 signed up five
 * days ago and is done; w-1 was e-mailed an hour before signing up, so the cap defers (holds)
 * them at the gate until that e-mail is a week old.
 */
import { allChannelsThrough } from '../../engine/channels/channel-port.ts'
import { createLogChannel } from '../../engine/channels/log-channel.ts'
import { SimulatedClock } from '../../engine/clock/simulated-clock.ts'
import { Engine } from '../../engine/executor/engine.ts'
import type { Flow } from '../../engine/flow/schema.ts'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'

export const DAY = 86_400_000

export const WHERE_FLOW = {
  id: 'where', name: 'Where', version: 1,
  nodes: [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'cap', type: 'throttle', title: 'Weekly cap', config: { channel: 'email', caps: [{ channel: 'email', max: 1, per: 'week', window: 'rolling' }] } },
    { id: 'pause', type: 'wait', title: 'Three days', config: { for: { amount: 3, unit: 'days' } } },
    { id: 'settle', type: 'wait', title: 'Settle', config: { for: { amount: 1, unit: 'minutes' } } },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'cap' }, { from: 'cap', output: 'pass', to: 'pause' }, { from: 'pause', output: 'done', to: 'settle' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: { in: { x: 0, y: 0 }, cap: { x: 0, y: 150 }, pause: { x: 0, y: 300 }, settle: { x: 0, y: 450 } },
}

/** Publishing and ticking through someone else's engine (a test server's): its simulated clock must stand at or before `now` − 5 days. */
export interface WhereaboutsVia {
  clock: SimulatedClock
  publish(flow: Flow): Promise<{ id: string }>
  tick(): Promise<unknown>
}

/**
 * Seeds w-1…w-4 (and `extra` more who sign up with w-2 and w-3 and wait as they do), publishes
 * the flow five days before `now`, and ticks then and at `now`. Returns the run id.
 */
export async function seedWhereaboutsRun(store: EngineStore, registry: NodeRegistry, now: number, options: { extra?: number; via?: WhereaboutsVia } = {}): Promise<string> {
  const extra = Array.from({ length: options.extra ?? 0 }, (_, i) => `w-${String(i + 5).padStart(2, '0')}`)
  const ids = ['w-1', 'w-2', 'w-3', 'w-4', ...extra]
  await store.customers.upsertCustomers(ids.map((id) => ({ id, attributes: {}, addresses: { email: `${id}@example.com` } })))
  await store.customers.recordContacts([{ customerId: 'w-1', flowId: 'earlier', nodeId: 'mail', channel: 'email', at: now - 3_600_000 }])
  let via = options.via
  if (!via) {
    const clock = new SimulatedClock(now - 5 * DAY)
    const engine = new Engine({ store, registry, clock, channels: allChannelsThrough(createLogChannel(() => {})) })
    via = { clock, publish: (flow) => engine.publish(flow), tick: () => engine.tick() }
  }
  await via.clock.sleepUntil(now - 5 * DAY)
  const run = await via.publish(WHERE_FLOW as Flow)
  await store.customers.insertEvents([{ id: 'signup-w-4', customerId: 'w-4', type: 'signup', at: now - 5 * DAY + 60_000 }])
  await via.clock.sleepUntil(now - 5 * DAY + 120_000)
  await via.tick()
  await store.customers.insertEvents(['w-1', 'w-2', 'w-3', ...extra].map((customerId) => ({ id: `signup-${customerId}`, customerId, type: 'signup', at: now - 60_000 })))
  await via.clock.sleepUntil(now)
  await via.tick()
  return run.id
}
