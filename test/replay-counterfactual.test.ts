/**
 * Counterfactual replay (issue 15, part 5) on the demo data: a win-back run whose score node
 * passes RFM scores ≥ 9 (flows/win-back.flow.json with a cut-off instead of the at-risk cell),
 * replayed through a v2 that raises the cut-off to 11. The report's changes are checked against
 * SQL over the store, not against the code's own output: the customers whose `rfm_score` tag
 * (written by the run) is in [9, 11) are exactly those whose path changed, the score node's
 * pass/fail counts move by their number, the gate after it loses exactly them, and those of them
 * the run sent a message (outbox rows of the run) are exactly those who no longer get one, per
 * channel. Replaying through the run's own version changes nobody.
 */
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo } from '../demo/load-demo.ts'
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import type { CounterfactualReport } from '../engine/replay/counterfactual.ts'
import { backtestFlow } from '../engine/simulation/simulate-flow.ts'
import { replayCounterfactual } from '../server/services/counterfactual-replay.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { seedCounterfactualRun, winBackWithCutOff } from './support/counterfactual-run.ts'
import { createTestSchema } from './support/postgres.ts'
import { createTempFolder } from './support/sqlite.ts'

const AS_OF = Date.UTC(2026, 10, 1)
const OLD_CUT = 9
const NEW_CUT = 11

const temp = createTempFolder('sluice-counterfactual-')
const db = temp.db('demo')
let store: StorePort
let engineStore: EngineStore
let registry: NodeRegistry
let runId: string
let sql: Database.Database
afterAll(async () => {
  sql?.close()
  await store?.close()
  temp.remove()
})

beforeAll(async () => {
  store = await openStore({ db, now: () => AS_OF })
  await loadDemo(store, { asOf: AS_OF })
  engineStore = openEngineStore(store)
  registry = await loadRegistry({ root: false })
  const run = await backtestFlow(engineStore, { flow: winBackWithCutOff(OLD_CUT, 1), registry, start: Date.UTC(2026, 8, 7), until: AS_OF, keep: true })
  runId = run.runId
  sql = new Database(db, { readonly: true })
}, 600_000)

/** Customer ids by SQL: the run's entrants whose rfm_score tag is in [from, to). */
function scoredBetween(from: number, to: number): string[] {
  return (sql.prepare(`SELECT c.external_id AS id FROM customer_tags t JOIN customers c ON c.key = t.customer_key
    WHERE t.name = 'rfm_score' AND t.num >= ? AND t.num < ? AND t.customer_key IN (SELECT customer_key FROM positions WHERE run_id = ?) ORDER BY c.key`).all(from, to, runId) as { id: string }[]).map((r) => r.id)
}

describe('counterfactual replay of win-back through a v2 with a higher score cut-off', () => {
  let report: CounterfactualReport
  beforeAll(async () => {
    report = await replayCounterfactual({ store, engineStore, registry, settings: {} }, runId, { flow: winBackWithCutOff(NEW_CUT, 2) })
  }, 600_000)

  it('moves exactly the customers scored in [9, 11) from pass to fail, and the gate loses exactly them', () => {
    const between = scoredBetween(OLD_CUT, NEW_CUT)
    const atOrAbove = scoredBetween(OLD_CUT, 100).length
    expect(between.length).toBeGreaterThan(50)
    const rfm = report.nodes.find((n) => n.nodeId === 'rfm')
    expect(rfm?.original?.outputs.pass).toBe(atOrAbove)
    expect(rfm?.counterfactual?.outputs.pass).toBe(scoredBetween(NEW_CUT, 100).length)
    expect(rfm?.delta).toEqual({ entered: 0, outputs: { pass: -between.length, fail: between.length } })
    const policy = report.nodes.find((n) => n.nodeId === 'policy')
    expect(policy?.original?.entered).toBe(atOrAbove)
    expect(policy?.delta.entered).toBe(-between.length)
    expect(report.nodes.find((n) => n.nodeId === 'monthly')?.delta).toEqual({ entered: 0, outputs: { entered: 0 } })

    expect(report.customers.changed).toBe(between.length)
    expect(report.changed.map((c) => c.customerId)).toEqual(between)
    for (const c of report.changed) {
      expect(c.counterfactual).toEqual([{ nodeId: 'monthly', output: 'entered' }, { nodeId: 'rfm', output: 'fail' }])
      expect(c.original.slice(0, 2)).toEqual([{ nodeId: 'monthly', output: 'entered' }, { nodeId: 'rfm', output: 'pass' }])
    }
  })

  it('lists as no longer sent exactly the run\'s message recipients scored in [9, 11), per channel', () => {
    const lost = sql.prepare(`SELECT c.external_id AS id, o.channel FROM outbox o JOIN customers c ON c.key = o.customer_key JOIN customer_tags t ON t.customer_key = o.customer_key AND t.name = 'rfm_score'
      WHERE o.run_id = ? AND t.num >= ? AND t.num < ? ORDER BY c.key`).all(runId, OLD_CUT, NEW_CUT) as { id: string; channel: string }[]
    expect(lost.length).toBeGreaterThan(20)
    const noLonger = report.changed.filter((c) => c.originalSends.length > 0 && c.counterfactualSends.length === 0).map((c) => c.customerId)
    expect(noLonger).toEqual([...new Set(lost.map((r) => r.id))])
    expect(report.customers.noLongerSent).toBe(noLonger.length)
    expect(report.customers.newlySent).toBe(0)
    const perChannel = (sql.prepare('SELECT channel, count(*) AS n FROM outbox WHERE run_id = ? GROUP BY channel ORDER BY channel').all(runId) as { channel: string; n: number }[])
    for (const { channel, n } of perChannel) {
      const compared = report.sends.find((s) => s.channel === channel)
      expect(compared?.original).toBe(n)
      expect(compared?.delta).toBe(-lost.filter((r) => r.channel === channel).length)
    }
  })

  it('changes nobody when replayed through the run\'s own version, and leaves the store as it was', async () => {
    const counts = () => sql.prepare("SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM journal) AS journal, (SELECT count(*) FROM entries) AS entries").get()
    const before = counts()
    const same = await replayCounterfactual({ store, engineStore, registry, settings: {} }, runId, { version: 1 })
    expect(same.other.version).toBe(1)
    expect(same.customers).toEqual({ original: 7_043, counterfactual: 7_043, changed: 0, noLongerSent: 0, newlySent: 0 })
    for (const node of same.nodes) expect(Object.values(node.delta.outputs).every((d) => d === 0) && node.delta.entered === 0).toBe(true)
    expect(counts()).toEqual(before)
  }, 600_000)
})

describe('counterfactual replay on both dialects', () => {
  it('gives the same report on Postgres (a rolled-back transaction) as on SQLite (a snapshot), and Postgres keeps nothing of it', async () => {
    const pgSchema = await createTestSchema('the counterfactual replay suite')
    const pgStore = await openStore({ databaseUrl: pgSchema.url, pgSchema: pgSchema.schema })
    const sqliteStore = await openStore({ db: temp.db('small') })
    try {
      const reports: CounterfactualReport[] = []
      for (const small of [sqliteStore, pgStore]) {
        const smallEngine = openEngineStore(small)
        const smallRun = await seedCounterfactualRun(smallEngine, registry, OLD_CUT)
        reports.push(await replayCounterfactual({ store: small, engineStore: smallEngine, registry, settings: {} }, smallRun, { flow: winBackWithCutOff(NEW_CUT, 2) }))
      }
      const [onSqlite, onPg] = reports as [CounterfactualReport, CounterfactualReport]
      expect([onSqlite.copy, onPg.copy]).toEqual(['snapshot', 'transaction'])
      expect(onPg.customers).toEqual(onSqlite.customers)
      expect(onPg.customers.changed).toBeGreaterThan(2)
      expect(onPg.nodes).toEqual(onSqlite.nodes)
      expect(onPg.changed.map((c) => [c.customerId, c.original, c.counterfactual])).toEqual(onSqlite.changed.map((c) => [c.customerId, c.original, c.counterfactual]))
      const pgRuns = await openEngineStore(pgStore).listRuns()
      expect(pgRuns.map((r) => r.flowVersion)).toEqual([1])
      expect(await openEngineStore(pgStore).listFlowVersions('win-back')).toHaveLength(1)
    } finally {
      await sqliteStore.close()
      await pgStore.close()
      await pgSchema.drop()
    }
  }, 600_000)
})
