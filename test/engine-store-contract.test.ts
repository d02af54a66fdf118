/**
 * The engine store contract: one describe block run against SQLite (a fresh file per test) and
 * Postgres (one schema per file, emptied between tests). Postgres is required: when it cannot be
 * reached every Postgres test fails saying so.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EngineStore, OutboxIntent, PositionRow, RunRow } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { encodeDetails, decodeDetails } from '../engine/journal/detail-codec.ts'
import { packKeys, unpackKeys } from '../engine/journal/packed-keys.ts'
import { openStore } from '../store/open-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { createTempFolder, type TempFolder } from './support/sqlite.ts'
import { findInTables, rowsNamingKey } from './support/table-scan.ts'

const T0 = 1_767_225_600_000 // 2026-01-01T00:00:00Z
const HOUR = 3_600_000

interface Harness {
  name: string
  setup(): Promise<void>
  open(): Promise<StorePort>
  reset(): Promise<void>
  teardown(): Promise<void>
}

function sqliteHarness(): Harness {
  let folder: TempFolder
  return {
    name: 'sqlite',
    setup: async () => {
      folder = createTempFolder('sluice-engine-contract-')
    },
    open: () => openStore({ db: folder.db(), now: () => T0 }),
    reset: async () => {},
    teardown: async () => folder.remove(),
  }
}

function postgresHarness(): Harness {
  let schema: TestSchema | undefined
  let unavailable: unknown
  return {
    name: 'postgres',
    setup: async () => {
      schema = await createTestSchema('the engine store contract suite').catch((error: unknown) => {
        unavailable = error
        return undefined
      })
    },
    open: () => {
      if (!schema) throw unavailable
      return openStore({ databaseUrl: schema.url, pgSchema: schema.schema, now: () => T0 })
    },
    reset: async () => schema?.truncate(),
    teardown: async () => schema?.drop(),
  }
}

function run(id: string, flowId = 'welcome'): RunRow {
  return {
    id, flowId, flowVersion: 1, state: 'running', snapshot: '{"value":"running"}', seed: `seed-${id}`, accepting: true, policy: null,
    replaces: null, options: '{}', createdAt: T0, updatedAt: T0,
  }
}

function position(runId: string, customerKey: number, patch: Partial<PositionRow> = {}): PositionRow {
  return {
    runId, customerKey, nodeId: 'wait', state: 'active', dueAt: T0 + HOUR, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0,
    seq: 1, holdout: false, enteredAt: T0, arrivedAt: T0, triggerEventKey: null, lastOutput: null, error: null, updatedAt: T0, ...patch,
  }
}

function intent(key: string, customerKey: number, patch: Partial<OutboxIntent> = {}): OutboxIntent {
  return {
    key, runId: 'r1', flowId: 'welcome', nodeId: 'send', customerKey, channel: 'email', message: '{"template":"hi"}', offer: null,
    createdAt: T0, nextAttemptAt: T0, ...patch,
  }
}

describe.each([sqliteHarness(), postgresHarness()])('engine store contract: $name', (harness) => {
  let store: StorePort
  let engine: EngineStore
  let keys: Map<string, number>

  beforeAll(() => harness.setup())
  afterAll(() => harness.teardown())
  beforeEach(async () => {
    await harness.reset()
    store = await harness.open()
    engine = openEngineStore(store)
    await store.upsertCustomers([{ id: 'c-1' }, { id: 'c-2' }, { id: 'c-3' }])
    keys = new Map((await store.getCustomers(['c-1', 'c-2', 'c-3'])).map((c) => [c.id, c.key]))
    return () => store.close()
  })
  const key = (id: string) => keys.get(id) as number

  it('resolves customers by page, keys and ids', async () => {
    const all = await engine.customersPage(0, 10)
    expect(all.map((c) => c.id)).toEqual(['c-1', 'c-2', 'c-3'])
    expect((await engine.customersPage(key('c-1'), 1)).map((c) => c.id)).toEqual(['c-2'])
    expect(await engine.customersByKeys([key('c-3'), key('c-1'), 999_999])).toEqual([{ key: key('c-1'), id: 'c-1' }, { key: key('c-3'), id: 'c-3' }])
    expect((await engine.customersByIds(['c-2', 'nobody'])).map((c) => c.key)).toEqual([key('c-2')])
  })

  it('stores flow versions immutably: identical is a no-op, different content under the same number is a conflict', async () => {
    const v1 = { flowId: 'welcome', version: 1, definition: '{"a":1}', publishedAt: T0 }
    expect(await engine.saveFlowVersion(v1)).toBe('created')
    expect(await engine.saveFlowVersion(v1)).toBe('exists')
    expect(await engine.saveFlowVersion({ ...v1, definition: '{"a":2}' })).toBe('conflict')
    await engine.saveFlowVersion({ ...v1, version: 2, definition: '{"a":3}' })
    expect((await engine.listFlowVersions('welcome')).map((v) => v.version)).toEqual([2, 1])
    expect(await engine.getFlowVersion('welcome', 1)).toEqual(v1)
  })

  it('keeps flow drafts with optimistic revisions', async () => {
    const draft = { flowId: 'welcome', name: 'Welcome', definition: '{"a":1}', revision: 1, createdAt: T0, updatedAt: T0, updatedBy: 'ana', archivedAt: null }
    expect(await engine.saveFlowDraft(draft, null)).toBe('saved')
    expect(await engine.saveFlowDraft(draft, null)).toBe('conflict')
    expect(await engine.saveFlowDraft({ ...draft, definition: '{"a":2}', revision: 2, updatedAt: T0 + 1 }, 1)).toBe('saved')
    expect(await engine.saveFlowDraft({ ...draft, definition: '{"a":3}', revision: 2 }, 1)).toBe('conflict')
    expect(await engine.getFlowDraft('welcome')).toEqual({ ...draft, definition: '{"a":2}', revision: 2, updatedAt: T0 + 1 })
    await engine.saveFlowDraft({ ...draft, flowId: 'another', updatedBy: null, archivedAt: T0 + 9 }, null)
    expect((await engine.listFlowDrafts()).map((d) => [d.flowId, d.archivedAt, d.updatedBy])).toEqual([['another', T0 + 9, null], ['welcome', null, 'ana']])
    expect(await engine.getFlowDraft('nope')).toBeUndefined()
  })

  it('keeps runs and updates only the named fields', async () => {
    await engine.insertRun(run('r1'))
    await engine.insertRun({ ...run('r2', 'other'), createdAt: T0 + 1 })
    await engine.updateRun('r1', { state: 'paused', accepting: false, updatedAt: T0 + 5 })
    expect(await engine.getRun('r1')).toEqual({ ...run('r1'), state: 'paused', accepting: false, updatedAt: T0 + 5 })
    expect((await engine.listRuns({ states: ['paused'] })).map((r) => r.id)).toEqual(['r1'])
    expect((await engine.listRuns({ flowId: 'other' })).map((r) => r.id)).toEqual(['r2'])
    expect((await engine.listRuns()).map((r) => r.id)).toEqual(['r1', 'r2'])
    expect(await engine.getRun('nope')).toBeUndefined()
  })

  it('keeps trigger state and entry history', async () => {
    expect(await engine.getTriggerState('r1')).toEqual({ runId: 'r1', eventCursor: null, lastFireAt: null, audienceFireAt: null, audienceAfterKey: null, audienceDone: false })
    const state = { runId: 'r1', eventCursor: { at: T0, key: 7 }, lastFireAt: T0 - HOUR, audienceFireAt: null, audienceAfterKey: 3, audienceDone: true }
    await engine.setTriggerState(state)
    expect(await engine.getTriggerState('r1')).toEqual(state)

    await engine.recordEntries('welcome', [{ customerKey: key('c-1'), at: T0 }])
    await engine.recordEntries('welcome', [{ customerKey: key('c-1'), at: T0 + HOUR }, { customerKey: key('c-2'), at: T0 }])
    const entries = await engine.getEntries('welcome', [key('c-1'), key('c-2'), key('c-3')])
    expect(entries.get(key('c-1'))).toEqual({ customerKey: key('c-1'), lastEntryAt: T0 + HOUR, count: 2 })
    expect(entries.get(key('c-2'))?.count).toBe(1)
    expect(entries.has(key('c-3'))).toBe(false)
  })

  it('picks up due positions in (due, key) order with the customer id and trigger event, and moves, counts and cancels them', async () => {
    await engine.insertRun(run('r1'))
    await engine.insertRun(run('r2'))
    await store.insertEvents([{ id: 'e-1', customerId: 'c-2', type: 'cart', at: T0 - HOUR, properties: { order: 'o-9' } }])
    const [event] = await engine.eventsAfter(['cart'], null, T0, 10)
    await engine.writePositions([
      position('r1', key('c-3'), { dueAt: T0 }),
      position('r1', key('c-2'), { dueAt: T0, triggerEventKey: event?.key ?? null }),
      position('r1', key('c-1'), { dueAt: T0 - HOUR }),
      position('r2', key('c-1'), { nodeId: 'send', dueAt: T0 + 2 * HOUR, phase: 'parked', wakeType: 'purchase', wakeWhere: '{"order":"o-1"}' }),
    ])
    expect(await engine.dueNodes(['r1', 'r2'], T0)).toEqual([{ runId: 'r1', nodeId: 'wait' }])
    expect(await engine.nextDueAt(['r1', 'r2'])).toBe(T0 - HOUR)
    expect(await engine.nextDueAt(['r2'])).toBe(T0 + 2 * HOUR)
    expect(await engine.wakeTypes('r2')).toEqual(['purchase'])

    const first = await engine.duePositions('r1', 'wait', T0, { limit: 2 })
    expect(first.map((p) => p.customerId)).toEqual(['c-1', 'c-2'])
    expect(first[1]?.trigger).toEqual({ id: 'e-1', type: 'cart', at: T0 - HOUR, properties: { order: 'o-9' } })
    const rest = await engine.duePositions('r1', 'wait', T0, { after: { at: first[1]?.dueAt as number, key: key('c-2') } })
    expect(rest.map((p) => p.customerId)).toEqual(['c-3'])

    expect(await engine.activeInFlow('welcome', [key('c-1'), key('c-2')])).toEqual(new Set([key('c-1'), key('c-2')]))
    await engine.writePositions([position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' })])
    expect(await engine.getPositions('r1', [key('c-1')])).toEqual([position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' })])
    expect(await engine.countPositions('r1')).toEqual([{ nodeId: 'wait', state: 'active', count: 2 }, { nodeId: 'wait', state: 'done', count: 1 }])
    const page = await engine.listPositions('r1', { nodeId: 'wait', state: 'active', limit: 1 })
    expect(page.map((p) => p.customerId)).toEqual(['c-2'])
    expect((await engine.listPositions('r1', { nodeId: 'wait', afterKey: page[0]?.customerKey as number, limit: 10 })).map((p) => [p.customerId, p.state])).toEqual([['c-3', 'active']])
    expect((await engine.listPositions('r1', { state: 'done', limit: 10 })).map((p) => p.customerId)).toEqual(['c-1'])
    expect(await engine.listPositions('r1', { nodeId: 'nowhere', limit: 10 })).toEqual([])

    const moved = await engine.movePositions('r1', 'r2', new Map([['wait', 'wait-2']]), T0 + 1)
    expect(moved).toBe(2)
    expect((await engine.getPositions('r2', [key('c-2')]))[0]).toMatchObject({ nodeId: 'wait-2', runId: 'r2', triggerEventKey: event?.key })
    expect(await engine.cancelPositions('r2', T0 + 2)).toBe(3)
    expect(await engine.nextDueAt(['r1', 'r2'])).toBeNull()
  })

  it('counts the customers in error per node and message, largest groups first', async () => {
    await engine.insertRun(run('r1'))
    const failed = (error: string | null, nodeId = 'score') => ({ state: 'error' as const, dueAt: null, nodeId, error })
    await engine.writePositions([
      position('r1', key('c-1'), failed('scoring service unavailable')),
      position('r1', key('c-2'), failed('scoring service unavailable')),
      position('r1', key('c-3'), failed('no model', 'send')),
    ])
    expect(await engine.positionErrors('r1')).toEqual([
      { nodeId: 'score', message: 'scoring service unavailable', count: 2 },
      { nodeId: 'send', message: 'no model', count: 1 },
    ])
    // Only the error state counts: a customer being retried carries its last error too.
    await engine.writePositions([position('r1', key('c-2'), { error: 'scoring service unavailable', attempt: 1 }), position('r1', key('c-3'), failed(null))])
    expect(await engine.positionErrors('r1')).toEqual([
      { nodeId: 'score', message: '', count: 1 },
      { nodeId: 'score', message: 'scoring service unavailable', count: 1 },
    ])
    expect(await engine.positionErrors('nowhere')).toEqual([])
  })

  it('reads events after an (at, key) cursor up to a time, and finds the next one', async () => {
    await store.insertEvents([
      { id: 'e-3', customerId: 'c-1', type: 'login', at: T0 + 2 * HOUR },
      { id: 'e-1', customerId: 'c-1', type: 'login', at: T0 },
      { id: 'e-2', customerId: 'c-2', type: 'login', at: T0 },
      { id: 'e-4', customerId: 'c-3', type: 'purchase', at: T0 + HOUR, properties: { amount: 5 } },
    ])
    const all = await engine.eventsAfter(['login', 'purchase'], null, T0 + HOUR, 10)
    expect(all.map((e) => e.id)).toEqual(['e-1', 'e-2', 'e-4'])
    expect(all[2]).toMatchObject({ customerId: 'c-3', customerKey: key('c-3'), type: 'purchase', properties: { amount: 5 } })
    const cursor = { at: all[0]?.at as number, key: all[0]?.key as number }
    expect((await engine.eventsAfter(['login'], cursor, T0 + 3 * HOUR, 10)).map((e) => e.id)).toEqual(['e-2', 'e-3'])
    expect(await engine.nextEventAt(['login'], cursor)).toBe(T0)
    expect(await engine.nextEventAt(['login'], { at: T0, key: all[1]?.key as number })).toBe(T0 + 2 * HOUR)
    expect(await engine.nextEventAt(['nothing'], null)).toBeNull()
  })

  it('finds the next event that can wake a customer parked in the run, before a bound', async () => {
    await store.insertEvents([
      { id: 'p-1', customerId: 'c-1', type: 'purchase', at: T0 + HOUR },
      { id: 'p-2', customerId: 'c-2', type: 'purchase', at: T0 + 2 * HOUR },
      { id: 'p-3', customerId: 'c-2', type: 'purchase', at: T0 + 3 * HOUR },
      { id: 'l-1', customerId: 'c-2', type: 'login', at: T0 + 30 * 60_000 },
    ])
    // c-2 waits for a purchase in r1; c-1 is in r1 but waits for nothing, and waits for a purchase in r2.
    await engine.writePositions([
      position('r1', key('c-1'), { nodeId: 'wait', dueAt: T0 + 9 * HOUR }),
      position('r1', key('c-2'), { nodeId: 'wait', dueAt: T0 + 9 * HOUR, phase: 'parked', wakeType: 'purchase' }),
      position('r2', key('c-1'), { nodeId: 'wait', dueAt: T0 + 9 * HOUR, phase: 'parked', wakeType: 'purchase' }),
    ])
    expect(await engine.nextWakeEventAt('r1', ['purchase'], null, null)).toBe(T0 + 2 * HOUR)
    expect(await engine.nextWakeEventAt('r2', ['purchase'], null, null)).toBe(T0 + HOUR)
    const p2 = (await engine.eventsAfter(['purchase'], null, T0 + 2 * HOUR, 10))[1]!
    expect(await engine.nextWakeEventAt('r1', ['purchase'], { at: p2.at, key: p2.key }, null)).toBe(T0 + 3 * HOUR)
    // Nothing before the bound (exclusive), another type, a customer no longer waiting: null.
    expect(await engine.nextWakeEventAt('r1', ['purchase'], null, T0 + 2 * HOUR)).toBeNull()
    expect(await engine.nextWakeEventAt('r1', ['login'], null, null)).toBeNull()
    await engine.writePositions([position('r1', key('c-2'), { state: 'done', dueAt: null, lastOutput: 'timeout' })])
    expect(await engine.nextWakeEventAt('r1', ['purchase'], null, null)).toBeNull()
    expect(await engine.nextWakeEventAt('r1', [], null, null)).toBeNull()
  })

  it('appends and totals the journal', async () => {
    const row = { runId: 'r1', batch: 1, nodeId: 'filter', kind: 'route' as const, output: 'match', at: T0, count: 2, keys: 'AQI', customerKey: null, data: null }
    await engine.appendJournal([row, { ...row, output: 'no match', count: 1 }, { ...row, batch: 2, count: 3 }, { ...row, kind: 'detail', output: 'match', count: 1, keys: null, customerKey: 5, data: '{"reason":"x"}' }])
    expect(await engine.journalTotals('r1')).toEqual([
      { nodeId: 'filter', kind: 'route', output: 'match', count: 5 },
      { nodeId: 'filter', kind: 'route', output: 'no match', count: 1 },
    ])
    expect(await engine.lastBatch('r1')).toBe(2)
    const rows = await engine.readJournal('r1', { afterId: 0 })
    expect(rows).toHaveLength(4)
    expect(rows[3]).toMatchObject({ kind: 'detail', customerKey: 5, data: '{"reason":"x"}' })
    expect(await engine.readJournal('r1', { afterId: rows[2]?.id as number })).toHaveLength(1)
    // Only some kinds (the measure report reads group rows, not per-customer details).
    expect((await engine.readJournal('r1', { kinds: ['route'] })).map((r) => r.count)).toEqual([2, 1, 3])
    expect((await engine.readJournal('r1', { kinds: ['detail', 'held'], nodeId: 'filter' })).map((r) => r.customerKey)).toEqual([5])
    expect(await engine.readJournal('r1', { kinds: ['arrive'] })).toEqual([])
  })

  it('writes outbox intents once per key and tracks delivery', async () => {
    expect(await engine.enqueueOutbox([intent('r1:send:1:1', key('c-1')), intent('r1:send:2:1', key('c-2'), { nextAttemptAt: T0 + HOUR })])).toBe(2)
    expect(await engine.enqueueOutbox([intent('r1:send:1:1', key('c-1'))])).toBe(0)
    const due = await engine.dueOutbox(T0, 10)
    expect(due.map((o) => o.customerId)).toEqual(['c-1'])
    expect(due[0]).toMatchObject({ state: 'pending', attempts: 0, channel: 'email', message: '{"template":"hi"}' })
    await engine.updateOutbox([{ id: due[0]?.id as number, state: 'sent', attempts: 1, nextAttemptAt: T0, lastError: null, sentAt: T0 }])
    expect(await engine.nextOutboxAt()).toBe(T0 + HOUR)
    expect(await engine.outboxCounts('r1')).toEqual([{ channel: 'email', state: 'pending', count: 1 }, { channel: 'email', state: 'sent', count: 1 }])
    expect((await engine.listOutbox({ runId: 'r1' })).map((o) => o.state)).toEqual(['sent', 'pending'])
    expect(await engine.hasPendingSends('r1')).toBe(true)
    expect(await engine.hasPendingSends('r2')).toBe(false)
    await engine.updateOutbox([{ id: (await engine.dueOutbox(T0 + HOUR, 10))[0]?.id as number, state: 'dead', attempts: 1, nextAttemptAt: T0 + HOUR, lastError: 'gone', sentAt: null }])
    expect(await engine.hasPendingSends('r1')).toBe(false)
  })

  it('commits engine rows and customer-store rows together, or neither', async () => {
    await expect(
      engine.transaction(async (tx) => {
        await tx.writePositions([position('r1', key('c-1'))])
        await tx.customers.setTags([{ customerId: 'c-1', tag: { name: 'seen', layer: 'fact', value: true, at: T0 } }])
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await engine.getPositions('r1', [key('c-1')])).toEqual([])
    expect((await store.getCustomers(['c-1']))[0]?.tags).toEqual([])

    await engine.transaction(async (tx) => {
      await tx.writePositions([position('r1', key('c-1'))])
      await tx.customers.setTags([{ customerId: 'c-1', tag: { name: 'seen', layer: 'fact', value: true, at: T0 } }])
    })
    expect(await engine.getPositions('r1', [key('c-1')])).toHaveLength(1)
    expect((await store.getCustomers(['c-1']))[0]?.tags.map((t) => t.name)).toEqual(['seen'])
  })

  it("lists one customer's positions across runs (newest run first) and their send intents (newest first)", async () => {
    await engine.insertRun(run('r1'))
    await engine.insertRun({ ...run('r2', 'other'), state: 'paused', flowVersion: 3, createdAt: T0 + 1 })
    await engine.writePositions([position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' }), position('r2', key('c-1')), position('r2', key('c-2'))])
    const positions = await engine.customerPositions(key('c-1'))
    expect(positions.map((p) => [p.runId, p.flowId, p.flowVersion, p.runState, p.state, p.holdout])).toEqual([
      ['r2', 'other', 3, 'paused', 'active', false],
      ['r1', 'welcome', 1, 'running', 'done', false],
    ])
    expect(positions[1]).toMatchObject(position('r1', key('c-1'), { state: 'done', dueAt: null, lastOutput: 'sent' }))
    expect(await engine.customerPositions(key('c-3'))).toEqual([])

    await engine.enqueueOutbox([intent('r1:send:1:1', key('c-1')), intent('r1:send:2:1', key('c-2')), intent('r2:send:1:1', key('c-1'), { runId: 'r2', channel: 'sms' })])
    const sends = await engine.customerOutbox(key('c-1'), 10)
    expect(sends.map((o) => [o.key, o.customerId, o.channel, o.state])).toEqual([['r2:send:1:1', 'c-1', 'sms', 'pending'], ['r1:send:1:1', 'c-1', 'email', 'pending']])
    expect((await engine.customerOutbox(key('c-1'), 1)).map((o) => o.key)).toEqual(['r2:send:1:1'])
    expect(await engine.customerOutbox(key('c-3'), 10)).toEqual([])
  })

  it('erases a customer: no trace of their data or key in any table, others untouched, the id suppressed', async () => {
    const ana = { id: 'erase-me-7f3', email: 'ana.quintero@example.org', phone: '+34600111222', name: 'Ana Quintero-Marlowe', note: 'prefers calls after 7pm' }
    await store.upsertCustomers([
      { id: ana.id, attributes: { full_name: ana.name, note: ana.note, plan: 'gold' }, addresses: { email: ana.email, phone: ana.phone, push: 'shared-token-1' }, tags: [{ name: 'churn_risk', layer: 'predictive', value: 0.81, at: T0 }] },
      { id: 'keeper', attributes: { full_name: 'Bo Keeper', plan: 'gold' }, addresses: { email: 'bo@example.org', push: 'shared-token-1' } },
    ])
    const [anaRow, boRow] = await store.getCustomers([ana.id, 'keeper'])
    const a = anaRow!.key
    const b = boRow!.key
    await store.insertEvents([{ id: 'ev-bo-1', customerId: 'keeper', type: 'purchase', at: T0 }, { id: 'ev-ana-1', customerId: ana.id, type: 'purchase', at: T0, properties: { card_holder: ana.name } }])
    const [boEvent, anaEvent] = await engine.eventsAfter(['purchase'], null, T0, 10)
    await store.setConsents([{ customerId: ana.id, channel: 'email', status: 'granted', at: T0 }])
    await store.recordContacts([{ customerId: ana.id, flowId: 'welcome', runId: 'r1', nodeId: 'send', channel: 'email', at: T0 }])
    await store.addSuppressions([
      { scope: 'email', value: ana.email, reason: 'unsubscribed', at: T0 },
      { scope: 'push', value: 'shared-token-1', reason: 'complaint', at: T0 },
    ])
    await store.createList({ name: 'vip' })
    await store.appendListMembers('vip', [ana.id, 'keeper'])
    await engine.insertRun(run('r1'))
    // The run has handled every event so far: her purchase, the newest, is its cursor.
    await engine.setTriggerState({ runId: 'r1', eventCursor: { at: T0, key: anaEvent!.key }, lastFireAt: null, audienceFireAt: T0, audienceAfterKey: a, audienceDone: false })
    await engine.recordEntries('welcome', [{ customerKey: a, at: T0 }, { customerKey: b, at: T0 }])
    await engine.writePositions([position('r1', a), position('r1', b)])
    const detail = (customer: string) => ({ reason: `score for ${customer}`, values: { name: customer } })
    await engine.appendJournal([
      { runId: 'r1', batch: 1, nodeId: 'start', kind: 'arrive', output: null, at: T0, count: 2, keys: packKeys([a, b]), customerKey: null, data: null },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'detail', output: 'pass', at: T0, count: 2, keys: packKeys([a, b]), customerKey: null, data: encodeDetails([a, b].sort((x, y) => x - y).map((k) => detail(k === a ? ana.name : 'Bo Keeper'))) },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'route', output: 'pass', at: T0, count: 1, keys: packKeys([a]), customerKey: null, data: null },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'detail', output: 'fail', at: T0, count: 1, keys: null, customerKey: a, data: JSON.stringify(detail(ana.name)) },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'note', output: null, at: T0, count: 0, keys: null, customerKey: a, data: JSON.stringify({ message: `looked up ${ana.email}` }) },
    ])
    await engine.enqueueOutbox([
      intent('r1:send:a:1', a, { message: JSON.stringify({ to: ana.email, body: `Hello ${ana.name}` }) }),
      intent('r1:send:b:1', b, { message: JSON.stringify({ to: 'bo@example.org', body: 'Hello Bo' }) }),
    ])

    // The scan sees her data where it is (JSONB attributes and properties included) before erasure.
    const before = new Set((await findInTables(store, [ana.email, ana.phone, ana.name, ana.note])).map((hit) => hit.split(/[.:]/)[0]))
    expect([...before].sort()).toEqual(['customer_addresses', 'customers', 'events', 'journal', 'outbox', 'suppressions'])
    expect(await rowsNamingKey(store, a)).not.toEqual([])

    const report = await engine.eraseCustomer(ana.id, { at: T0 + HOUR, reason: 'erased on request' })
    expect(report).toEqual({
      customerId: ana.id,
      rows: {
        journal: 5, positions: 1, entries: 1, suppressions: 1, outbox: 1, contacts: 1, consents: 1, events: 1, customer_tags: 1, customer_addresses: 3, static_list_members: 1, customers: 1,
      },
    })
    // The id is the one thing kept, on the suppression list; nothing else of hers is anywhere.
    expect(await findInTables(store, [ana.email, ana.phone, ana.name, ana.note, 'ana.quintero'])).toEqual([])
    expect((await findInTables(store, [ana.id])).map((hit) => hit.split(':')[0])).toEqual([store.dialect === 'sqlite' ? 'suppressions.value' : 'suppressions'])
    expect(await rowsNamingKey(store, a)).toEqual([])
    expect(await store.suppressedCustomers([ana.id, 'keeper'])).toEqual(new Set([ana.id, 'keeper']))

    // The other customer keeps everything, the shared push token stays suppressed for them.
    const journal = await engine.readJournal('r1')
    expect(journal.map((r) => [r.kind, r.count, r.keys === null ? null : unpackKeys(r.keys)])).toEqual([['arrive', 1, [b]], ['detail', 1, [b]]])
    expect(decodeDetails(journal[1]!.data!)).toEqual([detail('Bo Keeper')])
    expect((await engine.customerOutbox(b, 10)).map((o) => o.key)).toEqual(['r1:send:b:1'])
    expect((await engine.getEntries('welcome', [b])).get(b)?.count).toBe(1)
    expect((await store.listLists())[0]?.members).toBe(1)
    expect((await store.getCustomers(['keeper']))[0]?.attributes).toEqual({ full_name: 'Bo Keeper', plan: 'gold' })

    // A customer created later, whatever key the store gives them, inherits nothing; an event at
    // the cursor's instant is not skipped, though SQLite may give it the erased event's key.
    await store.upsertCustomers([{ id: 'newcomer' }])
    const newcomer = (await store.getCustomers(['newcomer']))[0]!.key
    expect(await engine.customerPositions(newcomer)).toEqual([])
    expect(await engine.customerOutbox(newcomer, 10)).toEqual([])
    const cursor = (await engine.getTriggerState('r1')).eventCursor!
    expect(cursor).toEqual({ at: T0, key: boEvent!.key })
    await store.insertEvents([{ id: 'ev-new-1', customerId: 'newcomer', type: 'purchase', at: T0 }])
    expect((await engine.eventsAfter(['purchase'], cursor, T0, 10)).map((e) => e.id)).toEqual(['ev-new-1'])
    expect((await engine.getTriggerState('r1')).audienceAfterKey).toBeLessThan(newcomer)
    expect(await engine.eraseCustomer('nobody', { at: T0, reason: 'x' })).toBeNull()
  })
})
