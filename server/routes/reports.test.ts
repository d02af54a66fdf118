import Papa from 'papaparse'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inHoldout } from '../../engine/executor/admit.ts'
import { measureReport } from '../../engine/measure/report.ts'
import { testServer, type TestServer } from '../testing.ts'

const VIEWER = { 'x-test-role': 'viewer' }
const MARKETER = { 'x-test-role': 'marketer' }
const HOUR = 3_600_000
const DAY = 24 * HOUR
const N = 240
const ids = Array.from({ length: N }, (_, i) => `r-${String(i).padStart(3, '0')}`)

/** Everyone → an e-mail → measure a purchase within 7 days of entry, 20 % held out. */
function offerFlow(body = 'Our offer') {
  return {
    id: 'offer', name: 'Offer', version: 1,
    nodes: [
      { id: 'start', type: 'trigger', config: { audience: {} } },
      { id: 'mail', type: 'choose-channel', config: { candidates: [{ channel: 'email', subject: 'Offer', body }] } },
      { id: 'goal', type: 'measure', config: { event: 'purchase', withinDays: 7 } },
    ],
    edges: [{ from: 'start', output: 'entered', to: 'mail' }, { from: 'mail', output: 'email', to: 'goal' }],
    settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 20 } },
    layout: {},
  }
}

describe('reports API', () => {
  let server: TestServer
  let t0: number
  beforeEach(async () => {
    server = await testServer()
    t0 = server.clock.now()
    const { store } = server.ctx
    await store.upsertCustomers(ids.map((id, i) => ({ id, attributes: { tier: i % 3 === 0 ? 'gold' : 'silver' }, addresses: { email: `${id}@example.org` } })))
    await store.setConsents(ids.map((customerId) => ({ customerId, channel: 'email' as const, status: 'granted' as const, at: t0 - DAY })))
    // Every second customer buys two hours after the campaign starts.
    await store.insertEvents(ids.filter((_, i) => i % 2 === 0).map((customerId, i) => ({ id: `p-${i}`, customerId, type: 'purchase', at: t0 + 2 * HOUR, properties: { amount: 10 } })))
    expect((await server.request('POST', '/api/flows', { flow: offerFlow() }, MARKETER)).status).toBe(201)
    expect((await server.request('POST', '/api/flows/offer/publish', {}, MARKETER)).status).toBe(200)
    await server.tick()
    // As of a day after every window has closed.
    server.clock.advanceTo(t0 + 8 * DAY)
  })
  afterEach(async () => {
    await server.close()
  })

  it('reports the latest run: the measure report as JSON, with the runs of the flow', async () => {
    const response = await server.request('GET', '/api/reports/flows/offer', undefined, VIEWER)
    expect(response.status).toBe(200)
    const report = (await response.json()) as { runId: string; asOf: string; run: { id: string; version: number }; runs: unknown[]; overall: { treated: Record<string, number>; holdout: Record<string, number> }; nodes: Record<string, unknown>; channels: Record<string, unknown> }
    const [run] = await server.ctx.engineStore.listRuns({ flowId: 'offer' })
    expect(report.run).toMatchObject({ id: run!.id, version: 1, state: 'running' })
    expect(report.runs).toHaveLength(1)
    expect(report.asOf).toBe(new Date(t0 + 8 * DAY).toISOString())
    // The figures from the fixture's own rules: who is held out, who bought.
    const held = ids.filter((id) => inHoldout('offer', id, 20))
    const buyers = (group: string[]) => group.filter((id) => ids.indexOf(id) % 2 === 0).length
    const treated = ids.filter((id) => !held.includes(id))
    expect(report.overall.treated).toMatchObject({ customers: treated.length, converted: buyers(treated), sent: treated.length })
    expect(report.overall.holdout).toMatchObject({ customers: held.length, converted: buyers(held) })
    expect(Object.keys(report.nodes)).toEqual(['start', 'mail', 'goal'])
    expect(Object.keys(report.channels)).toEqual(['email'])
    // The route adds the run and formats times; the figures are the report's own.
    const direct = await measureReport(server.ctx.engineStore, run!.id, { registry: server.ctx.registry, now: t0 + 8 * DAY })
    expect({ overall: report.overall, nodes: report.nodes, channels: report.channels }).toEqual(JSON.parse(JSON.stringify({ overall: direct.overall, nodes: direct.nodes, channels: direct.channels })))
  })

  it('breaks the report down by an attribute, picks a run by version or id, and refuses both by and byTag', async () => {
    const byTier = (await (await server.request('GET', '/api/reports/flows/offer?by=tier', undefined, VIEWER)).json()) as { segments: { by: string; values: Record<string, { treated: { customers: number }; holdout: { customers: number } }> } }
    expect(byTier.segments.by).toBe('tier')
    expect(Object.keys(byTier.segments.values)).toEqual(['gold', 'silver'])
    const gold = byTier.segments.values.gold!
    expect(gold.treated.customers + gold.holdout.customers).toBe(ids.filter((_, i) => i % 3 === 0).length)

    const draft = (await (await server.request('GET', '/api/flows/offer', undefined, VIEWER)).json()) as { revision: number }
    await server.request('PUT', '/api/flows/offer/draft', { flow: offerFlow('A better offer'), revision: draft.revision }, MARKETER)
    const second = (await (await server.request('POST', '/api/flows/offer/publish', { policy: 'pin' }, MARKETER)).json()) as { runId: string; version: number }
    expect(second.version).toBe(2)
    const latest = (await (await server.request('GET', '/api/reports/flows/offer', undefined, VIEWER)).json()) as { run: { id: string; version: number }; runs: { id: string }[] }
    expect(latest.run).toMatchObject({ id: second.runId, version: 2 })
    expect(latest.runs).toHaveLength(2)
    const v1 = (await (await server.request('GET', '/api/reports/flows/offer?version=1', undefined, VIEWER)).json()) as typeof latest
    expect(v1.run.version).toBe(1)
    expect(((await (await server.request('GET', `/api/reports/flows/offer?run=${v1.run.id}`, undefined, VIEWER)).json()) as typeof latest).run.id).toBe(v1.run.id)

    expect((await server.request('GET', '/api/reports/flows/offer?version=9', undefined, VIEWER)).status).toBe(404)
    expect((await server.request('GET', '/api/reports/flows/offer?run=nope', undefined, VIEWER)).status).toBe(404)
    const both = await server.request('GET', '/api/reports/flows/offer?by=tier&byTag=rfm_cell', undefined, VIEWER)
    expect(both.status).toBe(400)
    expect(await both.json()).toMatchObject({ error: { code: 'measure.by' } })
  })

  it('charts sends per channel and UTC day of the intent, delivered counted apart', async () => {
    const report = (await (await server.request('GET', '/api/reports/flows/offer', undefined, VIEWER)).json()) as { runId: string; overall: { treated: { sent: number; delivered: number } }; sends: { day: string; channel: string; sent: number; delivered: number }[] }
    const outbox = await server.ctx.engineStore.listOutbox({ runId: report.runId })
    expect(outbox.length).toBeGreaterThan(0)
    // Every intent of the fixture is made as the campaign starts: one day, one channel.
    expect(report.sends).toEqual([{ day: new Date(t0).toISOString().slice(0, 10), channel: 'email', sent: outbox.length, delivered: outbox.filter((row) => row.state === 'sent').length }])
    expect(report.sends[0]!.sent).toBe(report.overall.treated.sent)
    expect(report.sends[0]!.delivered).toBe(report.overall.treated.delivered)
  })

  it('exports the same report as CSV, one row per arm, at {id}.csv and with format=csv', async () => {
    const response = await server.request('GET', '/api/reports/flows/offer.csv?by=tier', undefined, VIEWER)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="offer-.+-report\.csv"$/)
    const text = await response.text()
    expect(await (await server.request('GET', '/api/reports/flows/offer?by=tier&format=csv', undefined, VIEWER)).text()).toBe(text)
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data
    expect(rows.map((r) => `${r.scope}/${r.key}/${r.arm}`)).toEqual([
      'overall//treated', 'overall//holdout',
      'node/start/treated', 'node/start/holdout', 'node/mail/treated', 'node/mail/holdout', 'node/goal/treated', 'node/goal/holdout',
      'channel/email/treated', 'channel/email/holdout',
      'segment:tier/gold/treated', 'segment:tier/gold/holdout', 'segment:tier/silver/treated', 'segment:tier/silver/holdout',
    ])
    const report = (await (await server.request('GET', '/api/reports/flows/offer?by=tier', undefined, VIEWER)).json()) as { runId: string; overall: { treated: Record<string, number>; holdout: Record<string, number>; uplift: { enough: boolean; uplift?: number; reason?: string } } }
    const [treated, holdout] = rows
    expect(treated).toMatchObject({ flow_id: 'offer', flow_version: '1', run_id: report.runId, customers: String(report.overall.treated.customers), converted: String(report.overall.treated.converted), sent: String(report.overall.treated.sent) })
    expect(holdout).toMatchObject({ customers: String(report.overall.holdout.customers), uplift: '', note: '' })
    const { uplift } = report.overall
    if (uplift.enough) expect(Number(treated!.uplift)).toBeCloseTo(uplift.uplift!, 12)
    else expect(treated!.note).toBe(uplift.reason)
  })

  it('answers 404 for an unknown flow or one that has not run, 400 for a flow without a goal, 401 for nobody', async () => {
    expect((await server.request('GET', '/api/reports/flows/nope', undefined, VIEWER)).status).toBe(404)
    const noGoal = { ...offerFlow(), id: 'no-goal', nodes: offerFlow().nodes.slice(0, 2), edges: offerFlow().edges.slice(0, 1) }
    await server.request('POST', '/api/flows', { flow: noGoal }, MARKETER)
    const notRun = await server.request('GET', '/api/reports/flows/no-goal', undefined, VIEWER)
    expect(notRun.status).toBe(404)
    expect(await notRun.json()).toMatchObject({ error: { code: 'report.no-run' } })
    await server.request('POST', '/api/flows/no-goal/publish', {}, MARKETER)
    const unmeasured = await server.request('GET', '/api/reports/flows/no-goal', undefined, VIEWER)
    expect(unmeasured.status).toBe(400)
    expect(await unmeasured.json()).toMatchObject({ error: { code: 'measure.no-goal' } })
    expect((await server.request('GET', '/api/reports/flows/offer')).status).toBe(401)
  })
})
