/**
 * /api/runs/{id}/evict|move|redrive: each action changes exactly the customers or sends named,
 * is journalled with the caller's name and role, and refuses what it must (a move to the
 * trigger or to a node the version lacks, customers not in the run) leaving everything as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDetails } from '../../engine/journal/batch-journal.ts'
import { unpackKeys } from '../../engine/journal/packed-keys.ts'
import { seedControlRuns, type ControlRuns } from '../../test/support/control-run.ts'
import { testServer, type TestServer } from '../testing.ts'

const NOW = Date.UTC(2025, 5, 2, 12)
const OPERATOR = { 'x-test-role': 'operator' }

describe('run control API', () => {
  let server: TestServer
  let runs: ControlRuns
  beforeAll(async () => {
    server = await testServer({ start: NOW })
    runs = await seedControlRuns(server.ctx.engineStore, server.ctx.registry, NOW)
  })
  afterAll(() => server.close())

  const store = () => server.ctx.engineStore
  async function positionOf(runId: string, id: string) {
    const [ref] = await store().customersByIds([id])
    const [position] = await store().getPositions(runId, [ref?.key as number])
    return position
  }
  async function notes(runId: string) {
    const rows = await store().readJournal(runId, { kinds: ['note'] })
    expect(readDetails(rows)).toEqual([])
    return rows.map((r) => ({ nodeId: r.nodeId, keys: r.keys === null ? [] : unpackKeys(r.keys), data: JSON.parse(r.data as string) as { message: string; data: Record<string, unknown> } }))
  }

  it('evicts customers by id, dead-letters their pending sends, journalled with who did it', async () => {
    const c6 = (await store().customersByIds(['c-6']))[0]?.key as number
    await store().enqueueOutbox([{ key: 'pending-c6', runId: runs.hold, flowId: 'hold', nodeId: 'first', customerKey: c6, channel: 'email', message: '{}', offer: null, createdAt: NOW, nextAttemptAt: NOW + 3_600_000 }])
    const response = await server.request('POST', `/api/runs/${runs.hold}/evict`, { customers: ['c-6'] }, OPERATOR)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ runId: runs.hold, evicted: 1, byNode: { hold: 1 }, sendsStopped: 1 })
    expect(await positionOf(runs.hold, 'c-6')).toMatchObject({ state: 'cancelled', dueAt: null })
    expect((await store().listOutbox({ runId: runs.hold }))[0]).toMatchObject({ key: 'pending-c6', state: 'dead', lastError: 'evicted by test operator' })
    const [note] = (await notes(runs.hold)).filter((n) => n.data.data.control === 'evict')
    expect(note).toMatchObject({ nodeId: 'hold', data: { message: '1 customer(s) evicted by test operator (operator)', data: { control: 'evict', by: { name: 'test operator', role: 'operator' } } } })
    // Evicted is out: a second eviction of the same customer is refused, naming them.
    const again = await server.request('POST', `/api/runs/${runs.hold}/evict`, { customers: ['c-6'] }, OPERATOR)
    expect(again.status).toBe(400)
    expect(JSON.stringify(await again.json())).toContain('not in run')
  })

  it('evicts by segment: everyone of the run it matches', async () => {
    const response = await server.request('POST', `/api/runs/${runs.mail}/evict`, { segment: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } }, OPERATOR)
    expect(response.status).toBe(200)
    // The mail run's customers are done (they were sent to): nobody of it is left to evict.
    expect(await response.json()).toEqual({ runId: runs.mail, evicted: 0, byNode: {}, sendsStopped: 0 })
    const inHold = await server.request('POST', `/api/runs/${runs.hold}/evict`, { segment: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } }, OPERATOR)
    expect(await inHold.json()).toEqual({ runId: runs.hold, evicted: 3, byNode: { hold: 3 }, sendsStopped: 0 })
    for (const id of ['c-1', 'c-2', 'c-3']) expect((await positionOf(runs.hold, id))?.state).toBe('cancelled')
    expect((await positionOf(runs.hold, 'c-4'))?.state).toBe('active')
  })

  it('re-drives dead and failing sends, leaving a dead one whose fallback took over', async () => {
    const response = await server.request('POST', `/api/runs/${runs.mail}/redrive`, {}, OPERATOR)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ runId: runs.mail, redriven: 3, skippedFallenBack: 1 })
    const byId = new Map((await store().listOutbox({ runId: runs.mail })).map((r) => [r.id, r]))
    for (const id of ['c-1', 'c-2', 'c-4']) expect(byId.get(runs.sends.get(id)?.id as number)).toMatchObject({ state: 'pending', attempts: 0, lastError: null, nextAttemptAt: NOW })
    expect(byId.get(runs.sends.get('c-3')?.id as number)).toMatchObject({ state: 'dead', lastError: 'smtp 550' })
    expect(byId.get(runs.sends.get('c-5')?.id as number)?.state).toBe('sent')
    const [note] = (await notes(runs.mail)).filter((n) => n.data.data.control === 'redrive')
    expect(note).toMatchObject({ nodeId: 'send', data: { data: { sends: 3, by: { name: 'test operator' } } } })
    expect(note?.keys).toHaveLength(3)
  })

  it('moves customers to another node; refuses the trigger, an unknown node and customers not in the run, changing nothing', async () => {
    const before = await positionOf(runs.hold, 'c-4')
    const refused = async (body: unknown, text: string) => {
      const response = await server.request('POST', `/api/runs/${runs.hold}/move`, body, OPERATOR)
      expect(response.status).toBe(400)
      expect(JSON.stringify(await response.json())).toContain(text)
    }
    await refused({ customers: ['c-4'], to: 'in' }, 'it is the flow\'s trigger, where customers enter')
    await refused({ customers: ['c-4'], to: 'nowhere' }, 'version 1 of flow \\"hold\\" has no such node (its nodes: first, hold, in, then)')
    await refused({ customers: ['c-4', 'c-1'], to: 'then' }, '1 of the given customers are not in run')
    await refused({ customers: ['c-4', 'ghost'], to: 'then' }, '1 of the given ids are not customers: \\"ghost\\"')
    expect(await positionOf(runs.hold, 'c-4')).toEqual(before)

    const nudges = server.nudges
    const response = await server.request('POST', `/api/runs/${runs.hold}/move`, { customers: ['c-4', 'c-5'], to: 'then' }, OPERATOR)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ runId: runs.hold, toNode: 'then', moved: 2, fromNodes: { hold: 2 } })
    expect(await positionOf(runs.hold, 'c-4')).toMatchObject({ nodeId: 'then', state: 'active', phase: 'arrive', dueAt: NOW, seq: (before?.seq ?? 0) + 1 })
    expect(server.nudges).toBe(nudges + 1)
    const move = (await notes(runs.hold)).find((n) => n.data.data.control === 'move')
    expect(move).toMatchObject({ nodeId: 'hold', data: { data: { to: 'then', by: { role: 'operator' } } } })
    expect(move?.keys).toHaveLength(2)
    // The engine takes them on at `then`: an hour later they are done, while c-2 still waits at `hold`.
    await server.clock.sleepUntil(NOW + 7_200_000)
    await server.tick()
    expect((await positionOf(runs.hold, 'c-4'))?.state).toBe('done')
    expect((await positionOf(runs.hold, 'c-5'))?.state).toBe('done')
  })

  it('needs the operator role', async () => {
    expect((await server.request('POST', `/api/runs/${runs.hold}/evict`, { customers: ['c-5'] }, { 'x-test-role': 'marketer' })).status).toBe(403)
    expect((await server.request('POST', '/api/runs/nope/redrive', {}, OPERATOR)).status).toBe(404)
  })
})
