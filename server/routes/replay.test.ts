/**
 * POST /api/runs/{id}/replay: the exact replay as JSON — identical for runs the engine made
 * (delivery outcomes, dead letters, a fallback and an operator's eviction after the run change
 * nothing), the first divergence when the journal says otherwise, 404 for an unknown run, and
 * only for operators and up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packKeys } from '../../engine/journal/packed-keys.ts'
import { decodeBatchInputs } from '../../engine/replay/batch-inputs.ts'
import type { ReplayResult } from '../../engine/replay/replay-run.ts'
import { seedControlRuns, type ControlRuns } from '../../test/support/control-run.ts'
import { testServer, type TestServer } from '../testing.ts'

const NOW = Date.UTC(2025, 5, 2, 12)
const OPERATOR = { 'x-test-role': 'operator' }

describe('replay API', () => {
  let server: TestServer
  let runs: ControlRuns
  beforeAll(async () => {
    server = await testServer({ start: NOW })
    runs = await seedControlRuns(server.ctx.engineStore, server.ctx.registry, NOW)
  })
  afterAll(() => server.close())

  it('replays the runs identical, sends compared, an eviction taken as an input', async () => {
    const evicted = await server.request('POST', `/api/runs/${runs.hold}/evict`, { customers: ['c-6'] }, OPERATOR)
    expect(evicted.status).toBe(200)
    for (const [runId, sends, actions] of [[runs.mail, 6, 0], [runs.hold, 0, 1]] as const) {
      const response = await server.request('POST', `/api/runs/${runId}/replay`, {}, OPERATOR)
      expect(response.status).toBe(200)
      const result = (await response.json()) as ReplayResult
      if (!result.identical) throw new Error(result.divergence.message)
      expect(result).toMatchObject({ identical: true, summary: { runId, batches: 1, customers: 6, sends, operatorActions: actions, unrecordedBatches: 0 } })
    }
  })

  it('answers the first divergence when the journal disagrees with the replay', async () => {
    const store = server.ctx.engineStore
    const [batch] = (await store.readRunInputs(runs.mail)).map(decodeBatchInputs)
    const c2 = batch!.travellers.find((t) => t.member.id === 'c-2')!.member.key
    // The journal claims c-2 also left `send` on another output in that batch.
    await store.appendJournal([{ runId: runs.mail, batch: batch!.batch, nodeId: 'send', kind: 'route', output: 'none', at: batch!.at, count: 1, keys: packKeys([c2]), customerKey: null, data: null }])
    const response = await server.request('POST', `/api/runs/${runs.mail}/replay`, undefined, OPERATOR)
    expect(response.status).toBe(200)
    const result = (await response.json()) as ReplayResult
    expect(result.identical).toBe(false)
    expect(result).toMatchObject({ divergence: { kind: 'code', nodeId: 'send', customerId: 'c-2', field: 'decision', recorded: { outcome: 'none' }, replayed: { outcome: 'email' } } })
  })

  it('404 for an unknown run; 403 below operator', async () => {
    expect((await server.request('POST', '/api/runs/nope/replay', {}, OPERATOR)).status).toBe(404)
    expect((await server.request('POST', `/api/runs/${runs.mail}/replay`, {}, { 'x-test-role': 'viewer' })).status).toBe(403)
  })
})
