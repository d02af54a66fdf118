/**
 * GET /api/runs/{id}/whereabouts and the customers page's reasons and split states, over the
 * whereabouts run (test/support/whereabouts-run.ts): the gate holds w-1 until the cap clears,
 * w-2 and w-3 wait three days at `settle`, w-4 is done; a viewer may read both, an unknown run
 * is 404 and an unknown state 400.
 */
import { describe, expect, it } from 'vitest'
import { DAY, seedWhereaboutsRun } from '../../test/support/whereabouts-run.ts'
import { testServer } from '../testing.ts'

const VIEWER = { 'x-test-role': 'viewer' }

interface Customer { customerId: string; nodeId: string; state: string; whereabout: string; dueAt: string | null; reason: string; reasonCode: string | null; lastOutput: string | null }

describe('run whereabouts routes', async () => {
  const server = await testServer()
  const now = server.clock.now()
  const runId = await seedWhereaboutsRun(server.ctx.engineStore, server.ctx.registry, now)

  it('GET /whereabouts: per node the held at the gate, the waiting until when, the done per output', async () => {
    const response = await server.request('GET', `/api/runs/${runId}/whereabouts`, undefined, VIEWER)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { totals: Record<string, number>; nodes: { nodeId: string; gate: boolean; held: { count: number; earliestDue: string }; waiting: { count: number; latestDue: string; byDay: { day: string; count: number }[] }; done: { byOutput: Record<string, number> } }[] }
    expect(body.totals).toEqual({ waiting: 2, held: 1, error: 0, done: 1, cancelled: 0 })
    expect(body.nodes.map((n) => [n.nodeId, n.gate, n.held.count, n.waiting.count])).toEqual([['cap', true, 1, 0], ['settle', false, 0, 2]])
    expect(body.nodes[0]?.held.earliestDue).toBe(new Date(now - 3_600_000 + 7 * DAY + 1).toISOString())
    const due = new Date(now - 60_000 + 3 * DAY)
    expect(body.nodes[1]?.waiting).toMatchObject({ latestDue: due.toISOString(), byDay: [{ day: due.toISOString().slice(0, 10), count: 2 }] })
    expect(body.nodes[1]?.done.byOutput).toEqual({ done: 1 })
  })

  it('GET /customers: the held one with the cap and its window, the split states and the stored ones', async () => {
    const held = (await (await server.request('GET', `/api/runs/${runId}/customers?state=held`, undefined, VIEWER)).json()) as { customers: Customer[]; next: number | null }
    expect(held.customers.map((c) => [c.customerId, c.nodeId, c.state, c.whereabout, c.reasonCode])).toEqual([['w-1', 'cap', 'active', 'held', 'cap:email:week']])
    expect(held.customers[0]?.reason).toContain("deferred (cap:email:week): the email cap for the week was reached (this gate's cap: at most 1 per rolling week (the last 7 days))")
    expect(held.next).toBeNull()
    const active = (await (await server.request('GET', `/api/runs/${runId}/customers?state=active&limit=2`, undefined, VIEWER)).json()) as { customers: Customer[]; next: number | null }
    expect(active.customers.map((c) => [c.customerId, c.whereabout])).toEqual([['w-1', 'held'], ['w-2', 'waiting']])
    const rest = (await (await server.request('GET', `/api/runs/${runId}/customers?state=active&after=${active.next}`, undefined, VIEWER)).json()) as { customers: Customer[] }
    expect(rest.customers.map((c) => [c.customerId, c.reason])).toEqual([['w-3', `waiting until ${new Date(now - 60_000 + 3 * DAY).toISOString()}, then taken up here`]])
    const done = (await (await server.request('GET', `/api/runs/${runId}/customers?node=settle&state=done`, undefined, VIEWER)).json()) as { customers: Customer[] }
    expect(done.customers.map((c) => [c.customerId, c.state, c.lastOutput, c.dueAt])).toEqual([['w-4', 'done', 'done', null]])
  })

  it('refuses an unknown run and an unknown state', async () => {
    expect((await server.request('GET', '/api/runs/nope/whereabouts', undefined, VIEWER)).status).toBe(404)
    expect((await server.request('GET', '/api/runs/nope/customers', undefined, VIEWER)).status).toBe(404)
    const bad = await server.request('GET', `/api/runs/${runId}/customers?state=asleep`, undefined, VIEWER)
    expect(bad.status).toBe(400)
    expect(JSON.stringify(await bad.json())).toContain('state')
  })
})
