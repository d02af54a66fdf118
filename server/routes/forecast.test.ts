/**
 * POST /api/flows/{id}/forecast: the draft (or a flow file sent) forecast on the server's store
 * with known answers, checked against SQL counts; nothing written to any table; bad input named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CAPACITY, contactedInLastWeek, CUSTOMERS, eventsBetween, OFFER_FLOW, seedForecastStore, SIGNUPS_FLOW, tableRowCounts } from '../../test/support/forecast-store.ts'
import { testServer, type TestServer } from '../testing.ts'

const NOW = Date.UTC(2025, 5, 4, 10)
const DAY = 86_400_000
const MARKETER = { 'x-test-role': 'marketer' }

describe('forecast API', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await testServer({ start: NOW })
    await seedForecastStore(server.ctx.store, NOW)
    for (const flow of [OFFER_FLOW, SIGNUPS_FLOW]) expect((await server.request('POST', '/api/flows', { flow }, MARKETER)).status).toBe(201)
  })
  afterAll(() => server.close())

  it('forecasts the draft: counts per edge, sends per day, binding cap and capacity, holdout; the store keeps nothing', async () => {
    const before = await tableRowCounts(server.ctx.store)
    const response = await server.request('POST', '/api/flows/offer/forecast', { days: 3 }, MARKETER)
    expect(response.status).toBe(200)
    const report = (await response.json()) as { edges: { customers: number }[]; sends: Record<string, number>; held: Record<string, number>; sendsPerDay: unknown[]; limits: { limit: string; customers: number }[]; holdout: { entered: number }; until: string }
    expect(await tableRowCounts(server.ctx.store)).toEqual(before)
    const contacted = await contactedInLastWeek(server.ctx.store, NOW)
    const passed = CAPACITY + (report.held.email ?? 0)
    expect(report.sends).toEqual({ email: CAPACITY })
    expect(report.edges.map((e) => e.customers)).toEqual([CUSTOMERS, passed])
    expect(report.sendsPerDay).toEqual([{ day: '2025-06-04', channel: 'email', sends: CAPACITY }])
    expect(report.limits).toEqual([
      expect.objectContaining({ limit: 'capacity:email', customers: CUSTOMERS - contacted - passed }),
      expect.objectContaining({ limit: 'cap:all:week', customers: contacted }),
    ])
    expect(report.holdout.entered).toBe(CUSTOMERS)
    expect(report.until).toBe('2025-06-07T10:00:00.000Z')
  })

  it('forecasts a flow file sent instead of the draft, replaying the last days\' events', async () => {
    const flow = { ...SIGNUPS_FLOW, nodes: [SIGNUPS_FLOW.nodes[0], { id: 'a-day', type: 'wait', config: { for: { amount: 2, unit: 'days' } } }] }
    const response = await server.request('POST', '/api/flows/signups/forecast', { days: 14, flow }, MARKETER)
    expect(response.status).toBe(200)
    const report = (await response.json()) as { nodes: Record<string, { entered: number }>; replayedEvents: number }
    expect(report.nodes['signed-up']?.entered).toBe(await eventsBetween(server.ctx.store, 'signup', NOW - 14 * DAY, NOW))
    expect(report.replayedEvents).toBe(21)
  })

  it('names what is wrong: an unknown flow, a horizon out of range, a viewer', async () => {
    expect((await server.request('POST', '/api/flows/nope/forecast', {}, MARKETER)).status).toBe(404)
    const tooLong = await server.request('POST', '/api/flows/offer/forecast', { days: 91 }, MARKETER)
    expect(tooLong.status).toBe(400)
    expect(JSON.stringify(await tooLong.json())).toContain('days')
    expect((await server.request('POST', '/api/flows/offer/forecast', {}, { 'x-test-role': 'viewer' })).status).toBe(403)
  })
})
