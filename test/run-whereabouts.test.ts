/**
 * Run whereabouts over a real run (test/support/whereabouts-run.ts): per node, the held at the
 * gate until their cap clears, the waiting with earliest and latest due and a histogram by day,
 * the done per output, errors grouped by message; pages of customers with the reason they are
 * where they are (a held one's cap and window, from the journal, worded by the throttle's explain).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineStore, PositionRow } from '../engine/ports/engine-store.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { allChannelsThrough } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { SimulatedClock } from '../engine/clock/simulated-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import type { Flow } from '../engine/flow/schema.ts'
import { DAY, seedWhereaboutsRun } from './support/whereabouts-run.ts'
import { HISTOGRAM_DAYS, runWhereabouts, whereaboutsCustomers } from '../engine/journal/run-whereabouts.ts'

const NOW = Date.UTC(2026, 11, 3, 10, 0)

let raw: StorePort
let store: EngineStore
let registry: NodeRegistry
let runId: string

beforeAll(async () => {
  raw = await openStore({ db: ':memory:', now: () => NOW })
  store = openEngineStore(raw)
  registry = await loadRegistry({ root: false })
  runId = await seedWhereaboutsRun(store, registry, NOW)
})
afterAll(() => raw.close())

describe('runWhereabouts', () => {
  it('counts per node the held at the gate, the waiting with when they are due, and the done per output', async () => {
    const where = await runWhereabouts({ store, registry }, runId)
    expect(where).toMatchObject({ runId, flowId: 'where', flowVersion: 1, runState: 'running', totals: { waiting: 2, held: 1, error: 0, done: 1, cancelled: 0 } })
    expect(where.nodes.map((n) => [n.nodeId, n.nodeType, n.nodeTitle, n.gate])).toEqual([['cap', 'throttle', 'Weekly cap', true], ['settle', 'wait', 'Settle', false]])
    const [cap, settle] = where.nodes
    // w-1's e-mail of an hour before signing up leaves the rolling week a week later (and a millisecond).
    const clears = new Date(NOW - 3_600_000 + 7 * DAY + 1).toISOString()
    expect(cap?.held).toEqual({ count: 1, forEvent: 0, earliestDue: clears, latestDue: clears, byDay: [{ day: '2026-12-10', count: 1 }], later: 0 })
    expect(cap?.waiting.count).toBe(0)
    // Three days after signing up, a minute before NOW.
    const due = new Date(NOW - 60_000 + 3 * DAY).toISOString()
    expect(settle?.waiting).toEqual({ count: 2, forEvent: 0, earliestDue: due, latestDue: due, byDay: [{ day: '2026-12-06', count: 2 }], later: 0 })
    expect(settle?.done).toEqual({ count: 1, byOutput: { done: 1 } })
    expect(settle?.held.count).toBe(0)
  })

  it('groups errors by message and keeps only the first days of a long histogram, summing the later ones', async () => {
    const ids = Array.from({ length: 22 }, (_, i) => `s-${i}`)
    await raw.upsertCustomers(ids.map((id) => ({ id })))
    const keys = (await raw.getCustomers(ids)).map((c) => c.key)
    // s-0 and s-1 failed at score; s-2…s-21 wait at pause, one a day from NOW + 2 days (20 days).
    const other: PositionRow[] = keys.map((customerKey, i) => ({
      runId: 'spread', customerKey, nodeId: i < 2 ? 'score' : 'pause', state: i < 2 ? 'error' : 'active', dueAt: i < 2 ? null : NOW + i * DAY,
      phase: 'parked', wakeType: i === 5 ? 'purchase' : null, wakeWhere: null, attempt: 0, seq: 1, holdout: false, enteredAt: NOW, arrivedAt: NOW, triggerEventKey: null,
      lastOutput: null, error: i < 2 ? 'model unavailable' : null, updatedAt: NOW,
    }))
    const run = await store.getRun(runId)
    await store.insertRun({ ...run!, id: 'spread', createdAt: NOW + 1 })
    await store.writePositions(other)
    const where = await runWhereabouts({ store, registry }, 'spread')
    expect(where.totals).toEqual({ waiting: 20, held: 0, error: 2, done: 0, cancelled: 0 })
    expect(where.nodes.find((n) => n.nodeId === 'score')?.error).toEqual({ count: 2, messages: [{ message: 'model unavailable', count: 2 }] })
    const pause = where.nodes.find((n) => n.nodeId === 'pause')
    expect(pause?.waiting.byDay).toHaveLength(HISTOGRAM_DAYS)
    expect(pause?.waiting.byDay[0]).toEqual({ day: '2026-12-05', count: 1 })
    expect(pause?.waiting.byDay.at(-1)).toEqual({ day: '2026-12-18', count: 1 })
    expect(pause?.waiting).toMatchObject({ count: 20, forEvent: 1, later: 20 - HISTOGRAM_DAYS, earliestDue: new Date(NOW + 2 * DAY).toISOString(), latestDue: new Date(NOW + 21 * DAY).toISOString() })
  })

  it('refuses an unknown run', async () => {
    await expect(runWhereabouts({ store, registry }, 'nope')).rejects.toThrow("run 'nope' was not found")
  })
})

describe('whereaboutsCustomers', () => {
  it("pages the customers at a node, a held one with the cap and window the journal says held them", async () => {
    const held = await whereaboutsCustomers({ store, registry }, runId, { nodeId: 'cap', limit: 10 })
    expect(held.next).toBeNull()
    expect(held.customers.map((c) => [c.customerId, c.whereabout, c.reasonCode])).toEqual([['w-1', 'held', 'cap:email:week']])
    expect(held.customers[0]?.reason).toBe(
      "deferred (cap:email:week): the email cap for the week was reached (this gate's cap: at most 1 per rolling week (the last 7 days)); checked again against every rule when it may clear "
        + `(next check ${new Date(NOW - 3_600_000 + 7 * DAY + 1).toISOString()})`,
    )
  })

  it('pages by whereabout with a cursor, the waiting with their due time and the done with their output', async () => {
    const first = await whereaboutsCustomers({ store, registry }, runId, { whereabout: 'waiting', limit: 1 })
    expect(first.customers.map((c) => c.customerId)).toEqual(['w-2'])
    expect(first.customers[0]).toMatchObject({ nodeId: 'settle', dueAt: new Date(NOW - 60_000 + 3 * DAY).toISOString(), reasonCode: null })
    expect(first.customers[0]?.reason).toBe(`waiting until ${first.customers[0]?.dueAt}, then taken up here`)
    expect(first.next).toBe(first.customers[0]?.customerKey)
    const rest = await whereaboutsCustomers({ store, registry }, runId, { whereabout: 'waiting', afterKey: first.next as number, limit: 1 })
    expect(rest.customers.map((c) => c.customerId)).toEqual(['w-3'])
    const done = await whereaboutsCustomers({ store, registry }, runId, { whereabout: 'done', limit: 10 })
    expect(done.customers.map((c) => [c.customerId, c.nodeId, c.lastOutput, c.reason, c.dueAt])).toEqual([['w-4', 'settle', 'done', 'finished the journey on "done"', null]])
  })

  it('says what an event wait waits for, and the reason the wait journalled when it has nothing to correlate with', async () => {
    const flow = {
      id: 'cart', name: 'Cart', version: 1,
      nodes: [
        { id: 'in', type: 'trigger', config: { event: { type: 'cart_add' } } },
        { id: 'buy', type: 'wait', config: { event: { type: 'purchase', correlate: ['cart_id'], timeout: { amount: 2, unit: 'days' } } } },
      ],
      edges: [{ from: 'in', output: 'entered', to: 'buy' }],
      settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
      layout: {},
    }
    await raw.upsertCustomers([{ id: 'k-1' }, { id: 'k-2' }])
    const clock = new SimulatedClock(NOW)
    const engine = new Engine({ store, registry, clock, channels: allChannelsThrough(createLogChannel(() => {})) })
    const cart = await engine.publish(flow as Flow)
    await raw.insertEvents([
      { id: 'cart-k-1', customerId: 'k-1', type: 'cart_add', at: NOW + 1_000, properties: { cart_id: 'c-9' } },
      { id: 'cart-k-2', customerId: 'k-2', type: 'cart_add', at: NOW + 1_000, properties: {} },
    ])
    await clock.sleepUntil(NOW + 60_000)
    await engine.tick()
    const where = await runWhereabouts({ store, registry }, cart.id)
    expect(where.nodes.map((n) => [n.nodeId, n.waiting.count, n.waiting.forEvent, n.held.count])).toEqual([['buy', 2, 1, 0]])
    const page = await whereaboutsCustomers({ store, registry }, cart.id, { nodeId: 'buy', limit: 10 })
    const until = new Date(NOW + 1_000 + 2 * DAY).toISOString()
    expect(page.customers.map((c) => [c.customerId, c.whereabout, c.waitingFor, c.dueAt, c.reasonCode, c.reason])).toEqual([
      ['k-1', 'waiting', 'purchase', until, null, `waiting here until ${until} unless "purchase" happens first`],
      ['k-2', 'waiting', null, until, 'no cart_id on the triggering event to match; waiting for the timeout',
        `waiting here until ${until}: no cart_id on the triggering event to match; waiting for the timeout`],
    ])
  })
})
