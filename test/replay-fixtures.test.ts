/**
 * The stored journals of the reference campaigns' runs (test/fixtures/replay, made by
 * scripts/make-replay-fixtures.ts) replay identical with today's node types and engine: a
 * change that alters what an existing run's nodes decide, or breaks reading its record, fails
 * here. A record tampered with (a profile answer changed) must not replay identical — so the
 * comparison is not vacuous.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { decodeBatchInputs, encodeBatchInputs, travellersText } from '../engine/replay/batch-inputs.ts'
import { replayRun } from '../engine/replay/replay-run.ts'
import { fixtureSource, readReplayFixture, type ReplayFixture } from './support/replay-fixtures.ts'

const folder = fileURLToPath(new URL('./fixtures/replay/', import.meta.url))
const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort()

let registry: NodeRegistry
beforeAll(async () => {
  registry = await loadRegistry({ root: false })
})

describe('replay of the stored reference runs', () => {
  it('keeps one fixture per reference campaign', () => {
    expect(files).toEqual(['abandoned-cart.json', 'churn-prevention.json', 'tier-upgrade.json', 'welcome-series.json', 'win-back.json'])
  })

  it.each(files)('%s replays identical', async (file) => {
    const fixture = readReplayFixture(path.join(folder, file))
    const result = await replayRun({ source: fixtureSource(fixture), registry }, fixture.run.id)
    if (!result.identical) throw new Error(result.divergence.message)
    const { summary } = result
    expect(summary).toMatchObject({ runId: fixture.run.id, batches: fixture.inputs.length, unrecordedBatches: 0 })
    // Every send the run made was replayed and compared.
    expect(summary.sends).toBe(fixture.outbox.length)
    expect(summary.decisions).toBeGreaterThan(summary.customers)
  }, 120_000)

  it('a changed recorded answer does not replay identical', async () => {
    const fixture = readReplayFixture(path.join(folder, 'win-back.json'))
    const tampered: ReplayFixture = { ...fixture, inputs: fixture.inputs.map((row) => row) }
    // The batch that scored the cohort: its RFM answer says nobody bought in the window.
    const index = tampered.inputs.findIndex((row) => decodeBatchInputs(row).reads.some((r) => r.method === 'rfm'))
    expect(index).toBeGreaterThanOrEqual(0)
    const batch = decodeBatchInputs(tampered.inputs[index]!)
    tampered.inputs[index] = encodeBatchInputs({
      ...batch, travellers: travellersText(batch.travellers), keys: batch.travellers.map((t) => t.member.key),
      reads: batch.reads.map((r) => (r.method === 'rfm' ? { ...r, answer: JSON.stringify({ ...(JSON.parse(r.answer) as object), scores: [] }) } : r)),
    })
    const result = await replayRun({ source: fixtureSource(tampered), registry }, fixture.run.id)
    expect(result.identical).toBe(false)
    if (!result.identical) expect(result.divergence).toMatchObject({ kind: 'code', batch: batch.batch })
  }, 120_000)
})
