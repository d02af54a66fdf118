/**
 * The acceptance figure of issue 14's "holdout is a first-class fact": flows/churn-prevention
 * with a 50 % holdout and an e-mail capacity of 150 a day, back-tested on the demo's last eight
 * weeks (two monthly fires). Holdout customers are routed to e-mail like anyone (their send is
 * held) but use none of the capacity, so each fire makes 150 real e-mail sends where demand
 * exceeds it. Before, the holdout took its share of the 150 and the two fires made 160 in all.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simulateFlow, type RunReport } from '../cli/commands/run.ts'
import { loadFlowFile } from '../engine/flow/files.ts'
import { readDetails } from '../engine/journal/batch-journal.ts'
import { unpackKeys } from '../engine/journal/packed-keys.ts'
import type { EngineStore, OutboxRow, PositionRow } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import { loadDemo } from '../demo/load-demo.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { AS_OF, START } from './support/demo-campaign.ts'

const EMAILS_PER_DAY = 150
const FIRE_DAYS = ['2025-05-01', '2025-06-01']

let store: StorePort
let engine: EngineStore
let report: RunReport
let positions: PositionRow[]
let mails: OutboxRow[]

const day = (at: number) => new Date(at).toISOString().slice(0, 10)

beforeAll(async () => {
  store = await openStore({ db: ':memory:', now: () => AS_OF })
  await loadDemo(store, { asOf: AS_OF })
  const registry = await loadRegistry({ root: false })
  const flow = await loadFlowFile(fileURLToPath(new URL('../flows/churn-prevention.flow.json', import.meta.url)), registry)
  flow.settings.holdout = { percent: 50 }
  const email = flow.nodes.find((n) => n.id === 'retention-email')
  if (!email) throw new Error('flows/churn-prevention.flow.json has no node "retention-email"')
  email.config = { ...(email.config as object), capacity: { perDay: { email: EMAILS_PER_DAY } } }
  report = await simulateFlow(store, { flow, registry, start: START, until: AS_OF, keep: true })
  engine = openEngineStore(store)
  positions = await engine.listPositions(report.runId, { limit: 100_000 })
  mails = (await engine.listOutbox({ runId: report.runId })).filter((o) => o.channel === 'email')
}, 120_000)
afterAll(() => store?.close())

describe('churn-prevention with a 50 % holdout and an e-mail capacity of 150 a day', () => {
  it('makes 150 real e-mail sends at each fire, though demand exceeds it', async () => {
    const perDay: Record<string, number> = {}
    for (const mail of mails) perDay[day(mail.createdAt)] = (perDay[day(mail.createdAt)] ?? 0) + 1
    expect(perDay).toEqual(Object.fromEntries(FIRE_DAYS.map((d) => [d, EMAILS_PER_DAY])))
    expect(report.sends.email).toBe(FIRE_DAYS.length * EMAILS_PER_DAY)
    // Demand exceeded the capacity at both fires: contacted customers were turned away from e-mail for it.
    const skipped = readDetails(await engine.readJournal(report.runId, { nodeId: 'retention-email', kinds: ['detail'] }))
      .filter((d) => d.output === 'none' && (d.detail.values?.skipped as Record<string, string> | undefined)?.email === 'capacity')
    const holdout = new Set(positions.filter((p) => p.holdout).map((p) => p.customerKey))
    for (const fire of FIRE_DAYS) expect(skipped.filter((d) => day(d.at) === fire && !holdout.has(d.customerKey)).length, fire).toBeGreaterThan(500)
  })

  it('routes holdout customers to e-mail like contacted ones, holds their sends, and sends none of them anything', async () => {
    const holdout = new Set(positions.filter((p) => p.holdout).map((p) => p.customerKey))
    expect(holdout.size / positions.length).toBeGreaterThan(0.45)
    expect(holdout.size / positions.length).toBeLessThan(0.55)
    const outbox = await engine.listOutbox({ runId: report.runId })
    expect(outbox.filter((o) => holdout.has(o.customerKey))).toEqual([])
    // Held e-mails: holdout customers who got e-mail as the route, at least as many as the real
    // ones (the capacity runs out later in arrival order when half the customers take none of it).
    const held = (await engine.readJournal(report.runId, { nodeId: 'retention-email', kinds: ['held'] }))
      .flatMap((row) => (row.keys === null ? [row.customerKey as number] : unpackKeys(row.keys)))
    expect(held.every((key) => holdout.has(key))).toBe(true)
    expect(report.held.email).toBe(held.length)
    expect(held.length).toBeGreaterThanOrEqual(report.sends.email!)
    // Contact history has the real sends only: 150 e-mails a fire, none to a holdout customer.
    const facts = await store.contactPolicyFacts(positions.map((p) => p.customerKey), { since: START })
    const contacted = facts.contacts.filter((c) => c.flowId === 'churn-prevention' && c.channel === 'email')
    expect(contacted).toHaveLength(FIRE_DAYS.length * EMAILS_PER_DAY)
    expect(contacted.filter((c) => holdout.has(c.customerKey))).toEqual([])
  })
})
