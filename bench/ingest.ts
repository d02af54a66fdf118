/**
 * Event ingest through the HTTP endpoint (`POST /api/events` of the real app, served on
 * loopback by @hono/node-server in this process), on a copy of the data set with its events
 * and indexes:
 *
 * 1. Throughput: batches of 1,000 events per request, two requests in flight, as fast as
 *    they go (request parsing and validation, the store's ingest path, the response).
 * 2. Latency: the engine on the real clock runs an event-triggered flow (every `app_open`
 *    gets a message on the first eligible channel through the `log` adapter) while a producer
 *    POSTs events at a steady rate; the endpoint nudges the scheduler as in `sluice serve`.
 *    Latency = from the request to the `log` adapter's delivery of that customer's message,
 *    so it covers intake, the flow, the outbox and the dispatcher.
 *
 * Both phases run with the engine store open (`synchronous = FULL`), as a server running the
 * engine would. Bounded: the producer stops after the given seconds and the engine gets at most
 * a few seconds to drain.
 */
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { serve } from '@hono/node-server'
import { allChannelsThrough } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { RealClock } from '../engine/clock/real-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import type { Flow } from '../engine/flow/schema.ts'
import type { EventInput } from '../engine/ports/store.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { Scheduler } from '../engine/scheduler/scheduler.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { createApp } from '../server/app.ts'
import type { ServerContext } from '../server/context.ts'
import { contactPolicySchema } from '../engine/policy/contact-policy.ts'
import { localAuthenticator } from '../server/http/api-env.ts'
import { openAuthStore } from '../server/auth/auth-store.ts'
import { createAuthenticator } from '../server/auth/authenticator.ts'
import { BENCH_NOW } from './dataset.ts'
import { round } from './reference.ts'
import { percentile } from './segments.ts'

/** Events per `insertEvents` call in the throughput phase. */
export const INGEST_BATCH = 1_000

/** The event-triggered flow of the latency phase. */
export const LATENCY_FLOW: Flow = {
  id: 'bench-app-open',
  name: 'App open nudge',
  version: 1,
  nodes: [
    { id: 'opened', type: 'trigger', config: { event: { type: 'app_open' } } },
    {
      id: 'nudge',
      type: 'choose-channel',
      config: {
        strategy: 'priority',
        consent: 'not-revoked',
        candidates: [
          { channel: 'push', body: 'Welcome back! Your offer is waiting.' },
          { channel: 'email', subject: 'Welcome back', body: 'Your offer is waiting.' },
          { channel: 'sms', body: 'Your offer is waiting. Reply STOP to opt out.' },
        ],
      },
    },
  ],
  edges: [{ from: 'opened', output: 'entered', to: 'nudge' }],
  settings: { priority: 10, entry: { policy: 'always' }, holdout: { percent: 0 } },
  layout: {},
}

export interface IngestResult {
  /** Throughput phase. */
  events: number
  batchSize: number
  seconds: number
  eventsPerSecond: number
  /** Latency phase. */
  latency: {
    targetRate: number
    seconds: number
    events: number
    /** Events written per second, as achieved. */
    achievedRate: number
    /** Events whose send was delivered. */
    sends: number
    /** Events without a delivered send: no eligible channel (the flow's `none`), or not drained in time. */
    withoutSend: number
    p50: number
    p99: number
    max: number
  }
  /** The brief's shape: `ingest.latencyMs.{p50,p99}`. */
  latencyMs: { p50: number; p99: number }
}

function customerId(key: number): string {
  return `bc-${String(key).padStart(7, '0')}`
}

/** Requests in flight at once in the throughput phase (a client pipelining batches). */
const IN_FLIGHT = 2

/** POSTs a batch to the ingest endpoint; every event must be accepted. */
async function post(url: string, events: readonly EventInput[]): Promise<void> {
  const body = JSON.stringify({ events: events.map((e) => ({ id: e.id, customerId: e.customerId, type: e.type, ...(e.at === undefined ? {} : { at: new Date(e.at).toISOString() }), properties: e.properties ?? {} })) })
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const result = (await response.json()) as { accepted?: number; error?: { message: string } }
  if (response.status !== 202 || result.accepted !== events.length) throw new Error(`ingest: HTTP ${response.status}, ${result.accepted ?? 0} of ${events.length} events accepted${result.error ? `: ${result.error.message}` : ''}`)
}

/** Runs both phases on `file` (a copy of the data set of `customers` customers). */
export async function runIngest(options: {
  file: string
  registry: NodeRegistry
  customers: number
  /** Throughput phase size (default min(200,000, 20 × customers)). */
  events?: number
  seconds: number
  rate?: number
  onProgress?: (phase: 'throughput' | 'latency', done: number, total: number) => void
}): Promise<IngestResult> {
  const clock = new RealClock()
  const store = await openStore({ db: options.file })
  try {
    const engineStore = openEngineStore(store)
    const writtenAt = new Map<string, number>()
    const latencies: number[] = []
    const channel = createLogChannel((line) => {
      const { customer } = JSON.parse(line) as { customer: string }
      const at = writtenAt.get(customer)
      if (at !== undefined) {
        latencies.push(performance.now() - at)
        writtenAt.delete(customer)
      }
    })
    const engine = new Engine({ store: engineStore, registry: options.registry, clock, channels: allChannelsThrough(channel) })
    const scheduler = new Scheduler(engine, clock, { idleMs: 1_000 })
    const authStore = openAuthStore(store)
    const configuration = {
      channels: { router: allChannelsThrough(channel), adapters: new Map(), mapping: {} as Record<never, never>, close: () => {} }, config: undefined, env: {},
      policies: { load: () => Promise.resolve({ policy: contactPolicySchema.parse({}), source: 'none' as const }), save: () => Promise.reject(new Error('the bench keeps no policy')) },
    }
    const app = createApp({ configuration: configuration as unknown as ServerContext['configuration'], store, engineStore, engine, registry: options.registry, clock, auth: localAuthenticator('engineer'), authStore, sessions: createAuthenticator(authStore, { now: () => clock.now() }), nudge: () => scheduler.nudge(), version: 'bench' })
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`

    // 1. Throughput: 1,000-event requests, customers spread over the key range.
    const total = options.events ?? Math.min(200_000, 20 * options.customers)
    const started = performance.now()
    let next = 0
    const sender = async () => {
      while (next < total) {
        const first = next
        next = Math.min(total, first + INGEST_BATCH)
        const batch: EventInput[] = []
        for (let i = first; i < next; i++) {
          batch.push({ id: `ingest-${i}`, customerId: customerId(1 + ((i * 7_919) % options.customers)), type: 'page_view', at: BENCH_NOW + i, properties: { page: '/offers' } })
        }
        await post(url, batch)
        options.onProgress?.('throughput', next, total)
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender))
    const seconds = (performance.now() - started) / 1000

    // 2. Latency at a steady rate, engine on the real clock.
    const rate = options.rate ?? 1_000
    await engine.publish({ ...LATENCY_FLOW }, { seed: 'bench' })
    const stop = new AbortController()
    const running = scheduler.runForever(stop.signal)
    const producerStarted = performance.now()
    const planned = Math.round(rate * options.seconds)
    let produced = 0
    while (produced < planned) {
      const due = Math.min(planned, Math.floor(((performance.now() - producerStarted) / 1000) * rate))
      if (due > produced) {
        const batch: EventInput[] = []
        // A different customer per event (wrapping round), so entry rules never refuse one.
        for (; produced < due; produced++) {
          // No `at`: the endpoint stamps events with the time it receives them.
          batch.push({ id: `open-${produced}`, customerId: customerId(1 + (produced % options.customers)), type: 'app_open', properties: {} } as EventInput)
        }
        // From the moment the request leaves: the endpoint nudges the scheduler before it answers.
        const sentAt = performance.now()
        for (const event of batch) writtenAt.set(event.customerId, sentAt)
        await post(url, batch)
        options.onProgress?.('latency', produced, planned)
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const producedSeconds = (performance.now() - producerStarted) / 1000
    // Let the engine drain what was written (bounded: at most 5 s), then stop it.
    const drainUntil = performance.now() + 5_000
    while (performance.now() < drainUntil && (await engine.nextWakeAt()) !== null) await new Promise((resolve) => setTimeout(resolve, 50))
    stop.abort()
    scheduler.nudge()
    await running
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      // Idle keep-alive connections of this process's fetch would hold close() for seconds.
      if ('closeAllConnections' in server) server.closeAllConnections()
    })
    const p50 = round(percentile(latencies, 50), 1)
    const p99 = round(percentile(latencies, 99), 1)
    return {
      events: total,
      batchSize: INGEST_BATCH,
      seconds: round(seconds, 2),
      eventsPerSecond: Math.round(total / seconds),
      latency: {
        targetRate: rate,
        seconds: round(producedSeconds, 2),
        events: produced,
        achievedRate: Math.round(produced / producedSeconds),
        sends: latencies.length,
        withoutSend: writtenAt.size,
        p50,
        p99,
        max: round(latencies.length === 0 ? Number.NaN : Math.max(...latencies), 1),
      },
      latencyMs: { p50, p99 },
    }
  } finally {
    await store.close()
  }
}
