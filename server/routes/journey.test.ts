/**
 * GET /api/customers/{id}/journey: a customer deferred by a frequency cap is told which cap and
 * its window; one sent by the bandit, the channel and the values it sampled; a run the customer
 * never entered is refused naming both.
 */
import { describe, expect, it } from 'vitest'
import { seedJourneyRun } from '../../test/support/journey-run.ts'
import { testServer } from '../testing.ts'

const as = { 'x-test-role': 'marketer' }

describe('GET /api/customers/{id}/journey', async () => {
  const server = await testServer()
  const runId = await seedJourneyRun(server.ctx.engineStore, server.ctx.registry, server.clock.now())

  it('names the cap and its window for a customer the cap defers', async () => {
    const response = await server.request('GET', `/api/customers/j-1/journey?run=${runId}`, undefined, as)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { runs: { steps: { nodeId: string; kind: string; output: string | null; reason: string }[]; edges: unknown[]; messages: unknown[]; position: { nodeId: string } }[] }
    const [run] = body.runs
    expect(run?.steps.map((s) => [s.nodeId, s.kind, s.output])).toEqual([['in', 'passed', 'entered'], ['cap', 'waiting', null]])
    expect(run?.steps[1]?.reason).toBe("deferred (cap:email:week): the email cap for the week was reached (this gate's cap: at most 1 per rolling week (the last 7 days)); checked again against every rule when it may clear")
    expect(run?.edges).toEqual([{ from: 'in', output: 'entered', to: 'cap' }])
    expect(run?.position.nodeId).toBe('cap')
    expect(run?.messages).toEqual([])
  })

  it('names the channel and the sampled values for a customer the bandit sent', async () => {
    const body = (await (await server.request('GET', '/api/customers/j-2/journey', undefined, as)).json()) as {
      runs: { runId: string; steps: { nodeId: string; output: string | null; reason: string; detail?: { values?: { scores?: Record<string, number> } } }[]; edges: unknown[]; messages: { channel: string; state: string }[] }[]
    }
    const run = body.runs[0]
    expect(run?.runId).toBe(runId)
    const send = run?.steps.find((s) => s.nodeId === 'send')
    const scores = send?.detail?.values?.scores as Record<string, number>
    const chosen = Object.entries(scores).sort((a, b) => b[1] - a[1])[0]?.[0]
    expect(send?.output).toBe(chosen)
    expect(send?.reason).toContain(`sent by ${chosen}, chosen by the bandit strategy; sampled response rates (Thompson sampling, highest wins): email ${Number(scores.email?.toPrecision(4))}, sms ${Number(scores.sms?.toPrecision(4))}`)
    expect(run?.edges).toEqual([{ from: 'in', output: 'entered', to: 'cap' }, { from: 'cap', output: 'pass', to: 'send' }])
    expect(run?.messages.map((m) => [m.channel, m.state])).toEqual([[chosen, 'sent']])
  })

  it('refuses a run the customer never entered, and an unknown customer', async () => {
    const other = await server.request('GET', '/api/customers/j-2/journey?run=nope', undefined, as)
    expect(other.status).toBe(404)
    const unknown = await server.request('GET', '/api/customers/nobody/journey', undefined, as)
    expect(unknown.status).toBe(404)
    expect(JSON.stringify(await unknown.json())).toContain("customer 'nobody' was not found")
  })
})
