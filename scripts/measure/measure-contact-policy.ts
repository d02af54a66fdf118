/**
 * Measures `contactPolicyFacts` for one engine batch (5,000 customers) over a store holding
 * 100,000 customers and 500,000 contacts of the last 40 days across 20 campaigns, 10,000
 * pending outbox intents and 2,000 customers waiting at another flow's gate. Not a test
 * (timings vary by machine); run:
 *
 *   npx tsx scripts/measure/measure-contact-policy.ts [--database-url postgres://… --pg-schema s]
 *
 * Prints the median and worst of 5 timed calls after one warm-up.
 */
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { Channel } from '../../engine/ports/store.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'

const { values } = parseArgs({ options: { 'database-url': { type: 'string' }, 'pg-schema': { type: 'string' }, explain: { type: 'boolean' } } })
const NOW = Date.UTC(2025, 2, 12, 15)
const DAY = 86_400_000
const CUSTOMERS = 100_000
const CONTACTS = 500_000
const CHANNELS: Channel[] = ['sms', 'email', 'call', 'push']

const store = await openStore(values['database-url'] ? { databaseUrl: values['database-url'], ...(values['pg-schema'] ? { pgSchema: values['pg-schema'] } : {}) } : { db: ':memory:' })
try {
  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `m-${String(i).padStart(6, '0')}`)
  for (let i = 0; i < CUSTOMERS; i += 10_000) await store.upsertCustomers(ids.slice(i, i + 10_000).map((id) => ({ id })))
  for (let i = 0; i < CONTACTS; i += 20_000) {
    await store.recordContacts(Array.from({ length: 20_000 }, (_, j) => {
      const n = i + j
      return { customerId: ids[(n * 7919) % CUSTOMERS] as string, flowId: `f${n % 20}`, nodeId: 'send', channel: CHANNELS[n % 4] as Channel, offer: `o${n % 50}`, at: NOW - ((n * 104_729) % (40 * DAY)) }
    }))
  }
  const keys = (await store.getCustomers(ids.slice(0, 5_000))).map((c) => c.key)
  const allKeys = (await store.getCustomers(ids.slice(0, 12_000))).map((c) => c.key)
  const engine = openEngineStore(store)
  await engine.enqueueOutbox(allKeys.slice(0, 10_000).map((k, i) => ({
    key: `p${i}`, runId: 'r', flowId: 'f1', nodeId: 'send', customerKey: k, channel: CHANNELS[i % 4] as Channel, message: '{}', offer: null, createdAt: NOW - 1000, nextAttemptAt: NOW,
  })))
  const definition = JSON.stringify({ id: 'vip', nodes: [{ id: 'gate', type: 'throttle', config: { channel: 'call' } }], settings: { priority: 10 } })
  await engine.saveFlowVersion({ flowId: 'vip', version: 1, definition, publishedAt: NOW })
  await engine.insertRun({ id: 'r-vip', flowId: 'vip', flowVersion: 1, state: 'running', snapshot: '{}', seed: 's', accepting: true, policy: null, replaces: null, options: JSON.stringify({ gates: [{ nodeId: 'gate', channel: 'call' }] }), createdAt: NOW, updatedAt: NOW })
  await engine.writePositions(allKeys.slice(2_000, 4_000).map((k) => ({
    runId: 'r-vip', customerKey: k, nodeId: 'gate', state: 'active' as const, dueAt: NOW + 3_600_000, phase: 'arrive' as const, wakeType: null, wakeWhere: null,
    attempt: 0, seq: 1, holdout: false, enteredAt: NOW, arrivedAt: NOW, triggerEventKey: null, lastOutput: null, error: null, updatedAt: NOW,
  })))
  const dayStart = NOW - (NOW % DAY)
  if (values['explain']) await explainEach(values['database-url'] as string, values['pg-schema'] ?? 'public', keys, dayStart)
  const ask = () => store.contactPolicyFacts(keys, {
    since: NOW - 32 * DAY,
    capacity: { channel: 'call', from: dayStart, to: dayStart + DAY },
    competitors: { flowId: 'mine', until: NOW + DAY, channel: 'call', abovePriority: 1 },
  })
  const first = await ask()
  const times: number[] = []
  for (let run = 0; run < 5; run++) {
    const start = performance.now()
    await ask()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  console.log(`${store.dialect}: ${keys.length} customers, ${first.contacts.length} contacts back, capacity used ${first.capacityUsed}, competitors ${first.competitors.length}, demand ${first.higherPriorityDemand}`)
  console.log(`median ${times[2]?.toFixed(1)} ms, worst ${times[4]?.toFixed(1)} ms`)
} finally {
  await store.close()
}

/** Postgres only: ANALYZE, then the time of each statement (EXPLAIN ANALYZE), to see where a batch goes. */
async function explainEach(url: string, schema: string, keys: number[], dayStart: number): Promise<void> {
  const { default: pg } = await import('pg')
  const { PG_CONTACT_POLICY } = await import('../../store/contact-policy/contact-policy-sql.ts')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`SET search_path TO ${schema.replace(/[^a-z0-9_]/g, '')}`)
    await client.query('ANALYZE')
    const cohort = JSON.stringify(keys)
    const params: Record<string, unknown[]> = {
      contacts: [cohort, NOW - 32 * DAY, cohort], suppressed: [cohort], consents: [cohort],
      capacity: ['call', dayStart, dayStart + DAY, 'call', dayStart, dayStart + DAY],
      competitors: ['mine', cohort, NOW + DAY], demand: ['mine', 'call', 1, dayStart, NOW + DAY],
    }
    for (const [name, text] of Object.entries(PG_CONTACT_POLICY)) {
      const plan = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params[name])
      const root = (plan.rows[0] as { 'QUERY PLAN': { 'Execution Time': number }[] })['QUERY PLAN'][0]
      console.log(`${name}: ${root?.['Execution Time'].toFixed(1)} ms`)
    }
  } finally {
    await client.end()
  }
}
