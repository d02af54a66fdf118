/**
 * Engine throughput: customers per second through a 5-node flow on a simulated clock.
 *
 *   npx tsx bench/engine-throughput.ts [--customers 100000] [--batch 5000] [--db FILE | --pg URL [--pg-schema NAME]]
 *
 * The flow: trigger (everyone) → filter on an attribute (one profile read per batch) → random
 * split (ctx.random) → wait 1 day (a durable due time) → send (outbox, delivery through `log`,
 * contact history). Customers are loaded first and not timed; the clock measured is the wall
 * clock from publish until every send is delivered. SQLite runs with the engine's
 * synchronous=FULL on a file in a temporary folder unless --db says otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { allChannelsThrough } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { SimulatedClock } from '../engine/clock/simulated-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import type { Flow } from '../engine/flow/schema.ts'
import { NodeRegistry } from '../engine/registry/registry.ts'
import { Scheduler } from '../engine/scheduler/scheduler.ts'
import { defineNode } from '../engine/sdk/index.ts'
import trigger from '../nodes/trigger/index.ts'
import wait from '../nodes/wait/index.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'

const { values } = parseArgs({ options: { customers: { type: 'string', default: '100000' }, batch: { type: 'string', default: '5000' }, db: { type: 'string' }, pg: { type: 'string' }, 'pg-schema': { type: 'string', default: 'sluice_bench' } } })
const customers = Number(values.customers)
const batchSize = Number(values.batch)
const T0 = Date.UTC(2025, 0, 6)

const filter = defineNode({
  type: 'bench-filter', version: 1, title: 'Bench filter', category: 'audience', icon: 'filter', description: 'Keeps customers whose plan is not "none".',
  config: z.object({}), outputs: ['match', 'no match'],
  async run({ customers: cohort, ctx }) {
    const plans = new Map((await ctx.data.customers(cohort)).map((c) => [c.id, c.attributes.plan]))
    return { routes: { match: cohort.filter((c) => plans.get(c.id) !== 'none'), 'no match': cohort.filter((c) => plans.get(c.id) === 'none') } }
  },
})
const split = defineNode({
  type: 'bench-split', version: 1, title: 'Bench split', category: 'flow', icon: 'split', description: 'Half A, half B.',
  config: z.object({}), outputs: ['a', 'b'],
  async run({ customers: cohort, ctx }) {
    return { routes: { a: cohort.filter((c) => ctx.random(c) < 0.5), b: cohort.filter((c) => ctx.random(c) >= 0.5) } }
  },
})
const send = defineNode({
  type: 'bench-send', version: 1, title: 'Bench send', category: 'channel', icon: 'send', description: 'One e-mail each.',
  config: z.object({}), outputs: ['sent'],
  async run({ customers: cohort }) {
    return { routes: { sent: cohort }, sends: cohort.map((customer) => ({ customer, channel: 'email' as const, message: { template: 'bench' } })) }
  },
})

const flow: Flow = {
  id: 'bench', name: 'Bench', version: 1,
  nodes: [
    { id: 'start', type: 'trigger', config: { audience: {} } },
    { id: 'filter', type: 'bench-filter', config: {} },
    { id: 'split', type: 'bench-split', config: {} },
    { id: 'wait', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'send', type: 'bench-send', config: {} },
  ],
  edges: [
    { from: 'start', output: 'entered', to: 'filter' },
    { from: 'filter', output: 'match', to: 'split' },
    { from: 'split', output: 'a', to: 'wait' },
    { from: 'split', output: 'b', to: 'wait' },
    { from: 'wait', output: 'done', to: 'send' },
  ],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: {},
}

const folder = values.db || values.pg ? undefined : mkdtempSync(path.join(tmpdir(), 'sluice-bench-'))
const clock = new SimulatedClock(T0)
// Postgres: a schema of its own (created by migrate), emptied first so runs compare.
const store = await openStore({
  ...(values.pg ? { databaseUrl: values.pg, pgSchema: values['pg-schema'] } : { db: values.db ?? path.join(folder as string, 'bench.db') }),
  now: () => clock.now(),
})
try {
  const loadStarted = performance.now()
  for (let start = 0; start < customers; start += 10_000) {
    const rows = Array.from({ length: Math.min(10_000, customers - start) }, (_, i) => {
      const n = start + i
      return { id: `b-${n}`, attributes: { plan: n % 10 === 0 ? 'none' : 'basic', tenure: n % 72 }, addresses: { email: `b${n}@example.org` } }
    })
    await store.upsertCustomers(rows)
  }
  const loadMs = performance.now() - loadStarted
  const registry = new NodeRegistry()
  for (const node of [trigger, wait, filter, split, send]) registry.register(node)
  const engine = new Engine({ store: openEngineStore(store), registry, clock, channels: allChannelsThrough(createLogChannel()) })
  const phases: { at: number; ms: number; customers: number; delivered: number }[] = []
  let last = performance.now()
  const started = last
  const run = await engine.publish(flow, { options: { batchSize } })
  await new Scheduler(engine, clock, {
    onTick: (tick) => {
      const now = performance.now()
      phases.push({ at: tick.now, ms: now - last, customers: tick.entered + tick.customers, delivered: tick.delivered })
      last = now
    },
  }).runUntil(T0 + 7 * 86_400_000)
  const totalMs = performance.now() - started
  const summary = await engine.summary(run.id)
  const result = {
    dialect: store.dialect,
    customers,
    batchSize,
    loadSeconds: +(loadMs / 1000).toFixed(1),
    seconds: +(totalMs / 1000).toFixed(2),
    customersPerSecond: Math.round(customers / (totalMs / 1000)),
    ticks: phases.map((p) => ({ day: (p.at - T0) / 86_400_000, seconds: +(p.ms / 1000).toFixed(2), customersMoved: p.customers, delivered: p.delivered })),
    sent: summary.delivery.sent,
    nodes: Object.fromEntries(Object.entries(summary.nodes).map(([id, n]) => [id, n.entered])),
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
} finally {
  await store.close()
  if (folder) rmSync(folder, { recursive: true, force: true })
}
