import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineStore, OutboxIntent, PositionRow, RunRow } from '../../engine/ports/engine-store.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { createTestSchema, type TestSchema } from '../../test/support/postgres.ts'
import { openEngineStore } from '../open-engine-store.ts'
import { openStore } from '../open-store.ts'

const NOW = Date.UTC(2025, 2, 12, 15) // Wednesday 2025-03-12 15:00 UTC
const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A run whose flow has one policy gate, node `gate` on `call`, stored with it as publish stores it (run-options.ts). */
function run(id: string, flowId: string, state: RunRow['state'] = 'running', gates: unknown[] = [{ nodeId: 'gate', channel: 'call' }]): RunRow {
  return {
    id, flowId, flowVersion: 1, state, snapshot: '{}', seed: 's', accepting: true, policy: null, replaces: null, options: JSON.stringify({ gates }),
    createdAt: NOW, updatedAt: NOW,
  }
}

function position(runId: string, customerKey: number, nodeId: string, dueAt: number): PositionRow {
  return {
    runId, customerKey, nodeId, state: 'active', dueAt, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0, seq: 1,
    holdout: false, enteredAt: NOW, arrivedAt: NOW, triggerEventKey: null, lastOutput: null, error: null, updatedAt: NOW,
  }
}

function intent(key: string, customerKey: number, patch: Partial<OutboxIntent>): OutboxIntent {
  return { key, runId: 'r-b', flowId: 'b', nodeId: 'send', customerKey, channel: 'sms', message: '{}', offer: null, createdAt: NOW, nextAttemptAt: NOW, ...patch }
}

function flowDefinition(id: string, priority: number, gate: { id: string; channel: string }): string {
  return JSON.stringify({ id, nodes: [{ id: 'start', type: 'trigger', config: {} }, { id: gate.id, type: 'throttle', config: { channel: gate.channel } }], settings: { priority } })
}

/** Five customers and the history, outbox, suppressions, consents and competing runs the test reads. */
async function load(store: StorePort): Promise<{ engine: EngineStore; key: (id: string) => number }> {
  await store.upsertCustomers([
    { id: 'c1', addresses: { phone: '+15550001' } },
    { id: 'c2' },
    { id: 'c3', addresses: { phone: '+15550003' } },
    { id: 'c4' },
    { id: 'c5' },
  ])
  const keys = new Map((await store.getCustomers(['c1', 'c2', 'c3', 'c4', 'c5'])).map((c) => [c.id, c.key]))
  const key = (id: string) => keys.get(id) as number
  await store.recordContacts([
    { customerId: 'c1', flowId: 'a', nodeId: 'send', channel: 'sms', offer: 'spring', at: NOW - DAY },
    { customerId: 'c1', flowId: 'a', nodeId: 'send', channel: 'email', at: NOW - 40 * DAY },
    { customerId: 'c1', flowId: 'a', nodeId: 'send', channel: 'sms', at: NOW - 2 * HOUR, status: 'failed' },
    { customerId: 'c5', flowId: 'a', nodeId: 'call', channel: 'call', at: NOW - HOUR },
    { customerId: 'c5', flowId: 'a', nodeId: 'call', channel: 'call', at: NOW - DAY },
  ])
  await store.addSuppressions([
    { scope: 'customer', value: 'c2', reason: 'complaint', at: NOW - DAY },
    { scope: 'phone', value: '+15550003', reason: 'STOP', at: NOW - DAY },
  ])
  await store.setConsents([
    { customerId: 'c4', channel: 'sms', status: 'revoked', at: NOW - DAY },
    { customerId: 'c5', channel: 'sms', status: 'granted', at: NOW - DAY },
  ])
  const engine = openEngineStore(store)
  await engine.saveFlowVersion({ flowId: 'high', version: 1, definition: flowDefinition('high', 10, { id: 'gate', channel: 'call' }), publishedAt: NOW })
  await engine.saveFlowVersion({ flowId: 'low', version: 1, definition: flowDefinition('low', 1, { id: 'gate', channel: 'call' }), publishedAt: NOW })
  await engine.saveFlowVersion({ flowId: 'mine', version: 1, definition: flowDefinition('mine', 5, { id: 'gate', channel: 'call' }), publishedAt: NOW })
  await engine.saveFlowVersion({ flowId: 'old', version: 1, definition: flowDefinition('old', 50, { id: 'gate', channel: 'call' }), publishedAt: NOW })
  await engine.insertRun(run('r-high', 'high'))
  await engine.insertRun(run('r-low', 'low'))
  await engine.insertRun(run('r-mine', 'mine'))
  await engine.insertRun(run('r-old', 'old', 'completed'))
  await engine.writePositions([
    position('r-high', key('c1'), 'gate', NOW + HOUR),
    position('r-high', key('c3'), 'gate', NOW + 3 * DAY), // beyond the window
    position('r-high', key('c4'), 'start', NOW), // not at a gate
    position('r-high', key('c2'), 'gate', NOW + 2 * HOUR), // not in the cohort below: demand only
    position('r-high', key('c5'), 'gate', NOW + 12 * HOUR), // tomorrow 03:00: competes, but not for today's capacity
    position('r-low', key('c5'), 'gate', NOW + HOUR),
    position('r-mine', key('c5'), 'gate', NOW), // the asking flow itself
    position('r-old', key('c5'), 'gate', NOW), // a run that is not running
  ])
  await engine.enqueueOutbox([
    intent('p1', key('c1'), { offer: 'spring', createdAt: NOW - 10 * 60_000 }),
    intent('p2', key('c4'), { channel: 'call', createdAt: NOW - 5 * 60_000 }),
    intent('s1', key('c1'), { createdAt: NOW - 3 * HOUR }),
  ])
  const sent = (await engine.listOutbox()).find((row) => row.key === 's1')
  await engine.updateOutbox([{ id: sent?.id as number, state: 'sent', attempts: 1, nextAttemptAt: NOW, lastError: null, sentAt: NOW - 3 * HOUR }])
  return { engine, key }
}

let pg: TestSchema
beforeAll(async () => {
  pg = await createTestSchema('the contact-policy facts suite')
})
afterAll(() => pg?.drop())

describe.each(['sqlite', 'postgres'] as const)('contactPolicyFacts on %s', (dialect) => {
  it('answers contacts (history + pending outbox), suppression, consent, capacity and competing demand', async () => {
    const store = await openStore(dialect === 'sqlite' ? { db: ':memory:' } : { databaseUrl: pg.url, pgSchema: pg.schema })
    try {
      if (dialect === 'postgres') await pg.truncate()
      const { key } = await load(store)
      const cohort = ['c1', 'c3', 'c4', 'c5'].map(key)
      const dayStart = Date.UTC(2025, 2, 12)
      const facts = await store.contactPolicyFacts(cohort, {
        since: NOW - 32 * DAY,
        capacity: { channel: 'call', from: dayStart, to: dayStart + DAY },
        competitors: { flowId: 'mine', until: NOW + DAY, channel: 'call', abovePriority: 5 },
      })
      expect(facts.contacts).toEqual([
        { customerKey: key('c1'), channel: 'sms', at: NOW - DAY, flowId: 'a', offer: 'spring', pending: false },
        { customerKey: key('c1'), channel: 'sms', at: NOW - 10 * 60_000, flowId: 'b', offer: 'spring', pending: true },
        { customerKey: key('c4'), channel: 'call', at: NOW - 5 * 60_000, flowId: 'b', offer: null, pending: true },
        { customerKey: key('c5'), channel: 'call', at: NOW - DAY, flowId: 'a', offer: null, pending: false },
        { customerKey: key('c5'), channel: 'call', at: NOW - HOUR, flowId: 'a', offer: null, pending: false },
      ])
      expect(facts.suppressed).toEqual([key('c3')])
      expect(facts.consents).toEqual([
        { customerKey: key('c4'), channel: 'sms', status: 'revoked' },
        { customerKey: key('c5'), channel: 'sms', status: 'granted' },
      ])
      // Today's calls: c5's at 14:00 and c4's pending intent; yesterday's call does not count.
      expect(facts.capacityUsed).toBe(2)
      expect(facts.competitors).toEqual([
        { customerKey: key('c1'), priority: 10 },
        { customerKey: key('c5'), priority: 10 },
      ])
      // Higher than 5, gated on call, due today (capacity window): c1 and c2 in flow "high"; c3 is due in 3 days.
      expect(facts.higherPriorityDemand).toBe(2)

      const none = await store.contactPolicyFacts([], { since: NOW - DAY })
      expect(none).toEqual({ contacts: [], suppressed: [], consents: [], capacityUsed: 0, competitors: [], higherPriorityDemand: 0 })
    } finally {
      await store.close()
    }
  })

  it('reads each run\'s gates from what publish stored, not node types or configs in the flow definition', async () => {
    const store = await openStore(dialect === 'sqlite' ? { db: ':memory:' } : { databaseUrl: pg.url, pgSchema: pg.schema })
    try {
      if (dialect === 'postgres') await pg.truncate()
      const { engine, key } = await load(store)
      // A gate whose type and config say nothing the SQL could recognise (a renamed type, a migrated config): its stored gate counts.
      const definition = JSON.stringify({ id: 'renamed', nodes: [{ id: 'hold', type: 'gatekeeper', config: { lane: { kind: 'call' } } }], settings: { priority: 30 } })
      await engine.saveFlowVersion({ flowId: 'renamed', version: 1, definition, publishedAt: NOW })
      await engine.insertRun(run('r-renamed', 'renamed', 'running', [{ nodeId: 'hold', channel: 'call' }]))
      // A throttle node in the definition whose run stored no gate on it is not a gate.
      await engine.saveFlowVersion({ flowId: 'ungated', version: 1, definition: flowDefinition('ungated', 40, { id: 'gate', channel: 'call' }), publishedAt: NOW })
      await engine.insertRun(run('r-ungated', 'ungated', 'running', []))
      await engine.writePositions([position('r-renamed', key('c4'), 'hold', NOW + HOUR), position('r-ungated', key('c3'), 'gate', NOW + HOUR)])
      const dayStart = Date.UTC(2025, 2, 12)
      const facts = await store.contactPolicyFacts(['c1', 'c3', 'c4', 'c5'].map(key), {
        since: NOW - DAY,
        capacity: { channel: 'call', from: dayStart, to: dayStart + DAY },
        competitors: { flowId: 'mine', until: NOW + DAY, channel: 'call', abovePriority: 5 },
      })
      expect(facts.competitors).toEqual([
        { customerKey: key('c1'), priority: 10 },
        { customerKey: key('c4'), priority: 30 },
        { customerKey: key('c5'), priority: 10 },
      ])
      // c1 and c2 of "high" and c4 of "renamed"; c3 waits at a node no run declared a gate.
      expect(facts.higherPriorityDemand).toBe(3)
    } finally {
      await store.close()
    }
  })

  it('leaves other flows\' holdout customers out of competing demand: they are never contacted', async () => {
    const store = await openStore(dialect === 'sqlite' ? { db: ':memory:' } : { databaseUrl: pg.url, pgSchema: pg.schema })
    try {
      if (dialect === 'postgres') await pg.truncate()
      const { engine, key } = await load(store)
      await engine.saveFlowVersion({ flowId: 'held', version: 1, definition: flowDefinition('held', 20, { id: 'gate', channel: 'call' }), publishedAt: NOW })
      await engine.insertRun(run('r-held', 'held'))
      // Held-out customers of a priority-20 flow at its call gate today: c4 (in the cohort) and c2.
      await engine.writePositions([key('c4'), key('c2')].map((k) => ({ ...position('r-held', k, 'gate', NOW + HOUR), holdout: true })))
      const dayStart = Date.UTC(2025, 2, 12)
      const facts = await store.contactPolicyFacts(['c1', 'c3', 'c4', 'c5'].map(key), {
        since: NOW - DAY,
        capacity: { channel: 'call', from: dayStart, to: dayStart + DAY },
        competitors: { flowId: 'mine', until: NOW + DAY, channel: 'call', abovePriority: 5 },
      })
      // As without flow "held": c4 has no competitor, and only c1 and c2 of flow "high" reserve today's calls.
      expect(facts.competitors).toEqual([
        { customerKey: key('c1'), priority: 10 },
        { customerKey: key('c5'), priority: 10 },
      ])
      expect(facts.higherPriorityDemand).toBe(2)
    } finally {
      await store.close()
    }
  })

  it('treats injection-looking flow ids and channels as values', async () => {
    const store = await openStore(dialect === 'sqlite' ? { db: ':memory:' } : { databaseUrl: pg.url, pgSchema: pg.schema })
    try {
      if (dialect === 'postgres') await pg.truncate()
      const { key } = await load(store)
      const dayStart = Date.UTC(2025, 2, 12)
      const capacity = { channel: 'call' as const, from: dayStart, to: dayStart + DAY }
      const plain = await store.contactPolicyFacts([key('c1')], { since: NOW - DAY, competitors: { flowId: 'nobody', until: NOW + DAY } })
      const facts = await store.contactPolicyFacts([key('c1')], {
        since: NOW - DAY,
        capacity,
        competitors: { flowId: "x'; DROP TABLE runs; --", until: NOW + DAY, channel: "call' OR '1'='1" as never, abovePriority: 0 },
      })
      expect(facts.competitors).toEqual(plain.competitors)
      expect(facts.higherPriorityDemand).toBe(0)
      expect((await openEngineStore(store).listRuns()).length).toBe(4)
    } finally {
      await store.close()
    }
  })
})
