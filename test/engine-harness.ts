/**
 * Shared set-up of the engine tests: a store (in-memory SQLite unless a file or Postgres is
 * given), the engine on a simulated clock with every channel through `log`, a registry of the
 * built-in trigger and wait plus the test's own node types, and small flow and node builders.
 */
import { z } from 'zod'
import { allChannelsThrough } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { SimulatedClock } from '../engine/clock/simulated-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import type { ExecutorHooks } from '../engine/executor/move-batch.ts'
import type { Flow, FlowEdge, FlowNode } from '../engine/flow/schema.ts'
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { NodeRegistry } from '../engine/registry/registry.ts'
import { Scheduler } from '../engine/scheduler/scheduler.ts'
import { defineNode, type AnyNodeDefinition } from '../engine/sdk/index.ts'
import { CHANNELS } from '../engine/ports/store.ts'
import trigger from '../nodes/trigger/index.ts'
import wait from '../nodes/wait/index.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore, type OpenStoreOptions } from '../store/open-store.ts'

export const DAY = 86_400_000
export const HOUR = 3_600_000
/** 2025-03-03T00:00:00Z, a Monday. */
export const T0 = Date.UTC(2025, 2, 3)

export interface EngineHarness {
  store: StorePort
  engineStore: EngineStore
  engine: Engine
  clock: SimulatedClock
  scheduler: Scheduler
  registry: NodeRegistry
  close(): Promise<void>
}

/** Opens a store and an engine on a simulated clock at `start`. */
export async function engineHarness(options: { start?: number; nodes?: AnyNodeDefinition[]; store?: OpenStoreOptions; hooks?: ExecutorHooks } = {}): Promise<EngineHarness> {
  const clock = new SimulatedClock(options.start ?? T0)
  const store = await openStore({ db: ':memory:', now: () => clock.now(), ...options.store })
  const engineStore = openEngineStore(store)
  const registry = new NodeRegistry()
  for (const node of [trigger, wait, ...(options.nodes ?? [])]) registry.register(node)
  const engine = new Engine({ store: engineStore, registry, clock, channels: allChannelsThrough(createLogChannel()), ...(options.hooks ? { hooks: options.hooks } : {}) })
  return { store, engineStore, engine, clock, scheduler: new Scheduler(engine, clock), registry, close: () => store.close() }
}

/** A flow from nodes and edges, with settings defaulting to "once", no holdout. */
export function flowOf(id: string, nodes: FlowNode[], edges: FlowEdge[], settings: Partial<Flow['settings']> = {}, version = 1): Flow {
  return { id, name: id, version, nodes, edges, settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 }, ...settings }, layout: {} }
}

/** A filter on one attribute, counting its calls (cohorts) in `calls`. */
export function attributeFilter(calls: { count: number } = { count: 0 }) {
  return defineNode({
    type: 'attribute-filter', version: 1, title: 'Attribute filter', category: 'audience', icon: 'filter',
    description: 'Customers whose attribute equals a value go to `match`.',
    config: z.object({ attribute: z.string(), equals: z.union([z.string(), z.number(), z.boolean()]) }),
    outputs: ['match', 'no match'],
    async run({ config, customers, ctx }) {
      calls.count++
      const profiles = new Map((await ctx.data.customers(customers)).map((c) => [c.id, c]))
      const match = customers.filter((c) => profiles.get(c.id)?.attributes[config.attribute] === config.equals)
      const noMatch = customers.filter((c) => profiles.get(c.id)?.attributes[config.attribute] !== config.equals)
      return { routes: { match, 'no match': noMatch } }
    },
  })
}

/** Sends one message per customer on a channel, counting its calls in `calls`. */
export function sendNode(calls: { count: number } = { count: 0 }) {
  return defineNode({
    type: 'send', version: 1, title: 'Send', category: 'channel', icon: 'send', description: 'One message per customer.',
    config: z.object({ channel: z.enum(CHANNELS), template: z.string() }),
    outputs: ['sent'],
    async run({ config, customers }) {
      calls.count++
      return { routes: { sent: customers }, sends: customers.map((customer) => ({ customer, channel: config.channel, message: { template: config.template } })) }
    },
  })
}
