/**
 * The forecast on SQLite and Postgres against a store with known answers: counts per node and
 * edge, sends per day, the holdout, the binding cap and capacity (each checked against an
 * independent SQL count where there is one), the last days' events replayed as arrivals, and
 * not one row written to any table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Flow } from '../engine/flow/schema.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { CAPACITY, contactedInLastWeek, CUSTOMERS, eventsBetween, OFFER_FLOW, seedForecastStore, SIGNUPS_FLOW, tableRowCounts } from './support/forecast-store.ts'
import { forecastFlow } from '../engine/simulation/forecast-flow.ts'

const NOW = Date.UTC(2025, 5, 4, 10) // a Wednesday, 10:00 UTC
const DAY = 86_400_000

let registry: NodeRegistry
beforeAll(async () => {
  registry = await loadRegistry({ root: false })
})

const dialects: { name: string; open(): Promise<{ store: StorePort; done(): Promise<void> }> }[] = [
  { name: 'sqlite', open: async () => { const store = await openStore({ db: ':memory:', now: () => NOW }); return { store, done: () => store.close() } } },
  {
    name: 'postgres',
    open: async () => {
      const schema: TestSchema = await createTestSchema('the forecast suite')
      const store = await openStore({ databaseUrl: schema.url, pgSchema: schema.schema, now: () => NOW })
      return { store, done: async () => { await store.close(); await schema.drop() } }
    },
  },
]

describe.each(dialects)('forecast on $name', (dialect) => {
  let store: StorePort
  let done: () => Promise<void>
  beforeAll(async () => {
    ({ store, done } = await dialect.open())
    await seedForecastStore(store, NOW)
  })
  afterAll(() => done())

  it('counts per node and edge, the cap and the capacity that bind, sends per day and the holdout, and writes nothing', async () => {
    const before = await tableRowCounts(store)
    const report = await forecastFlow(openEngineStore(store), { flow: OFFER_FLOW as Flow, registry, now: NOW, days: 7 })
    expect(await tableRowCounts(store)).toEqual(before)

    const contacted = await contactedInLastWeek(store, NOW)
    expect(contacted).toBe(4)
    expect(report.nodes.everyone?.entered).toBe(CUSTOMERS)
    // Holdout customers pass while capacity lasts but use none of it: real sends are the capacity.
    expect(report.sends).toEqual({ email: CAPACITY })
    const heldBack = report.held.email ?? 0
    const passed = CAPACITY + heldBack
    expect(report.nodes.gate?.outputs).toEqual({ pass: passed, held: CUSTOMERS - passed })
    expect(report.edges).toEqual([
      { from: 'everyone', output: 'entered', to: 'gate', customers: CUSTOMERS },
      { from: 'gate', output: 'pass', to: 'mail', customers: passed },
    ])
    expect(report.limits).toEqual([
      { nodeId: 'gate', limit: 'capacity:email', description: "the day's email capacity was used up", customers: CUSTOMERS - contacted - passed },
      { nodeId: 'gate', limit: 'cap:all:week', description: 'the all-channel cap for the week was reached', customers: contacted },
    ])
    expect(report.sendsPerDay).toEqual([{ day: '2025-06-04', channel: 'email', sends: CAPACITY }])
    expect(report.holdout.percent).toBe(20)
    expect(report.holdout.entered).toBe(CUSTOMERS)
    expect(report.holdout.customers).toBeGreaterThanOrEqual(heldBack)
    expect(report.holdout.customers).toBeLessThan(CUSTOMERS)
    expect(report).toMatchObject({ from: '2025-06-04T10:00:00.000Z', until: '2025-06-11T10:00:00.000Z', days: 7, positions: { error: 0 } })
  })

  it('replays the last days\' events as the coming days\' arrivals', async () => {
    const before = await tableRowCounts(store)
    for (const days of [7, 14]) {
      const report = await forecastFlow(openEngineStore(store), { flow: SIGNUPS_FLOW as Flow, registry, now: NOW, days })
      const signups = await eventsBetween(store, 'signup', NOW - days * DAY, NOW)
      expect(signups).toBe(days === 7 ? 10 : 21)
      expect(report.nodes['signed-up']?.entered).toBe(signups)
      expect(report.replayedEvents).toBe(signups)
    }
    expect(await tableRowCounts(store)).toEqual(before)
  })
})
