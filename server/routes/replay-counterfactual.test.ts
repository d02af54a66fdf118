/**
 * `POST /api/runs/{id}/replay` with `{ flow }` or `{ version }`: the counterfactual for
 * operators. The answer moves the score node's pass and fail by the number of customers SQL
 * finds scored between the cut-offs, lists them (at most `examples`), and the store keeps
 * nothing; a marketer is refused, as are both fields at once, an unpublished version, another
 * flow's file and an unknown run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CounterfactualReport } from '../../engine/replay/counterfactual.ts'
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts'
import { seedCounterfactualRun, winBackWithCutOff } from '../../test/support/counterfactual-run.ts'
import { testServer, type TestServer } from '../testing.ts'

let server: TestServer
let runId: string
const operator = { 'x-test-role': 'operator' }
beforeAll(async () => {
  server = await testServer()
  runId = await seedCounterfactualRun(server.ctx.engineStore, server.ctx.registry, 9)
}, 300_000)
afterAll(() => server.close())

/** One number by SQL over the server's store (in-memory SQLite). */
function sqlCount(text: string, ...params: unknown[]): number {
  return ((server.ctx.store as SqliteStore).database.prepare(text).get(...params) as { n: number }).n
}

describe('POST /api/runs/{id}/replay (counterfactual)', () => {
  it('replays the run through the flow sent and compares, keeping nothing', async () => {
    const runsBefore = sqlCount('SELECT count(*) AS n FROM runs')
    const response = await server.request('POST', `/api/runs/${runId}/replay`, { flow: winBackWithCutOff(11, 2), examples: 3 }, operator)
    expect(response.status).toBe(200)
    const report = (await response.json()) as CounterfactualReport
    const between = sqlCount("SELECT count(*) AS n FROM customer_tags WHERE name = 'rfm_score' AND num >= 9 AND num < 11")
    expect(between).toBeGreaterThan(3)
    expect(report.run).toMatchObject({ id: runId, flowId: 'win-back', version: 1 })
    expect(report.other).toMatchObject({ flowId: 'win-back', version: 2, source: 'file' })
    expect(report.copy).toBe('snapshot')
    expect(report.nodes.find((n) => n.nodeId === 'rfm')?.delta).toEqual({ entered: 0, outputs: { pass: -between, fail: between } })
    expect(report.customers.changed).toBe(between)
    expect(report.changed).toHaveLength(3)
    expect(report.changed[0]?.counterfactual).toEqual([{ nodeId: 'monthly', output: 'entered' }, { nodeId: 'rfm', output: 'fail' }])
    expect(report.inputs.recorded).toBe(true)
    expect(report.inputs.fromRecording).toBeGreaterThan(0)
    // The score node asks what the run's asked (same cohort, same RFM query): the recording answers it all.
    expect(report.inputs.byNode.rfm?.fromRecording).toBeGreaterThan(0)
    expect(report.inputs.byNode.rfm?.fromCopy).toBe(0)
    const perNode = Object.values(report.inputs.byNode)
    expect([perNode.reduce((a, c) => a + c.fromRecording, 0), perNode.reduce((a, c) => a + c.fromCopy, 0)]).toEqual([report.inputs.fromRecording, report.inputs.fromCopy])
    expect(sqlCount('SELECT count(*) AS n FROM runs')).toBe(runsBefore)
  }, 300_000)

  it('replays through a published version', async () => {
    const response = await server.request('POST', `/api/runs/${runId}/replay`, { version: 1 }, operator)
    expect(response.status).toBe(200)
    const report = (await response.json()) as CounterfactualReport
    expect(report.customers).toEqual({ original: 40, counterfactual: 40, changed: 0, noLongerSent: 0, newlySent: 0 })
  }, 300_000)

  it('is for operators, and refuses both fields, an unpublished version, another flow and an unknown run', async () => {
    expect((await server.request('POST', `/api/runs/${runId}/replay`, { version: 1 }, { 'x-test-role': 'marketer' })).status).toBe(403)
    const both = await server.request('POST', `/api/runs/${runId}/replay`, { version: 1, flow: winBackWithCutOff(11, 2) }, operator)
    expect(both.status).toBe(400)
    expect(JSON.stringify(await both.json())).toContain('give one of flow and version')
    const missing = await server.request('POST', `/api/runs/${runId}/replay`, { version: 7 }, operator)
    expect(missing.status).toBe(400)
    expect(JSON.stringify(await missing.json())).toContain('has no published version 7 (published: 1)')
    const other = await server.request('POST', `/api/runs/${runId}/replay`, { flow: { ...winBackWithCutOff(11, 2), id: 'another' } }, operator)
    expect(other.status).toBe(400)
    expect(JSON.stringify(await other.json())).toContain('a counterfactual replays a run through another version of its own flow')
    expect((await server.request('POST', '/api/runs/nope/replay', { version: 1 }, operator)).status).toBe(404)
  }, 300_000)
})
