import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testServer, type TestServer } from '../testing.ts'

const VIEWER = { 'x-test-role': 'viewer' }
const MARKETER = { 'x-test-role': 'marketer' }
const DAY = 86_400_000

describe('segments API', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await testServer()
    const { store } = server.ctx
    await store.defineAttributes([{ name: 'plan', type: 'enum', values: ['basic', 'gold'], source: 'declared' }, { name: 'tenure', type: 'number', source: 'inferred' }])
    await store.upsertCustomers([
      { id: 'c-1', attributes: { plan: 'gold', tenure: 30 } },
      { id: 'c-2', attributes: { plan: 'basic', tenure: 2 } },
      { id: 'c-3', attributes: { plan: 'gold', tenure: 5 } },
      { id: 'c-4', attributes: { plan: 'gold', tenure: 50 } },
    ])
  })
  afterEach(async () => {
    await server.close()
  })

  describe('POST /preview', () => {
    it('counts a segment with a sample in key order, out of the store total', async () => {
      const gold = { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' }
      const response = await server.request('POST', '/api/segments/preview', { segment: gold, sample: 2 }, VIEWER)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ count: 3, total: 4, sample: ['c-1', 'c-3'], warnings: [] })
      const loyal = { type: 'all', conditions: [gold, { type: 'attribute', name: 'tenure', op: 'gte', value: 12 }] }
      expect(await (await server.request('POST', '/api/segments/preview', { segment: loyal }, VIEWER)).json()).toMatchObject({ count: 2, sample: ['c-1', 'c-4'] })
    })

    it('evaluates relative times at `now` when given', async () => {
      const at = Date.UTC(2025, 0, 10)
      await server.ctx.store.insertEvents([{ id: 'p-1', customerId: 'c-2', type: 'purchase', at }])
      const recent = { type: 'event', event: 'purchase', within: { amount: 7, unit: 'days' } }
      const then = await server.request('POST', '/api/segments/preview', { segment: recent, now: new Date(at + DAY).toISOString() }, VIEWER)
      expect(await then.json()).toMatchObject({ count: 1, sample: ['c-2'] })
      expect(await (await server.request('POST', '/api/segments/preview', { segment: recent }, VIEWER)).json()).toMatchObject({ count: 0 })
    })

    it('refuses a segment that does not fit the catalogue, naming the field, and warns about unknown names', async () => {
      const wrong = { type: 'any', conditions: [{ type: 'attribute', name: 'plan', op: 'eq', value: 'platinum' }, { type: 'attribute', name: 'tenure', op: 'contains', value: 'x' }] }
      const response = await server.request('POST', '/api/segments/preview', { segment: wrong }, VIEWER)
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: { code: string; details: { path: string; message: string }[] } }
      expect(body.error.code).toBe('validation')
      expect(body.error.details).toEqual([
        { path: 'segment.conditions[0].value', message: 'attribute "plan" is an enum: expected one of "basic", "gold", got "platinum"' },
        { path: 'segment.conditions[1].op', message: expect.stringContaining('attribute "tenure" is a number') },
      ])
      const shape = await server.request('POST', '/api/segments/preview', { segment: { type: 'attribute', nme: 'plan' } }, VIEWER)
      expect(((await shape.json()) as typeof body).error.details.map((d) => d.path)).toContain('segment.nme')
      const warned = (await (await server.request('POST', '/api/segments/preview', { segment: { type: 'any', conditions: [{ type: 'list', list: 'nope' }, { type: 'attribute', name: 'tier', op: 'eq', value: 'x' }] } }, VIEWER)).json()) as { count: number; warnings: { code: string; path: string }[] }
      expect(warned.count).toBe(0)
      expect(warned.warnings.map((w) => [w.code, w.path])).toEqual([['segment.unknown-attribute', 'segment.conditions[1].name'], ['segment.unknown-list', 'segment.conditions[0].list']])
      const tooMany = await server.request('POST', '/api/segments/preview', { segment: { type: 'all', conditions: [] }, sample: 5000 }, VIEWER)
      expect(tooMany.status).toBe(400)
      expect(((await tooMany.json()) as typeof body).error.details[0]?.path).toBe('json.sample')
      expect((await server.request('POST', '/api/segments/preview', { segment: { type: 'all', conditions: [] } })).status).toBe(401)
    })
  })

  it('GET /attributes: the catalogue with types and enum values', async () => {
    const response = await server.request('GET', '/api/segments/attributes', undefined, VIEWER)
    expect(await response.json()).toEqual({
      attributes: [{ name: 'plan', type: 'enum', values: ['basic', 'gold'], source: 'declared' }, { name: 'tenure', type: 'number', source: 'inferred' }],
    })
  })

  describe('static lists', () => {
    it('creates a list, replaces and appends members as JSON or one id per line, reporting unknown ids; a segment uses it', async () => {
      const created = await server.request('POST', '/api/segments/lists', { name: 'vip-2025', description: 'Invited to the gala' }, MARKETER)
      expect(created.status).toBe(201)
      expect(await created.json()).toMatchObject({ name: 'vip-2025', description: 'Invited to the gala', members: 0 })
      expect((await server.request('POST', '/api/segments/lists', { name: 'vip-2025' }, MARKETER)).status).toBe(409)

      const replaced = await server.request('PUT', '/api/segments/lists/vip-2025/members', ['c-1', 'c-2', 'ghost'], MARKETER)
      expect(await replaced.json()).toEqual({ list: 'vip-2025', added: 2, removed: 0, members: 2, unknownIds: ['ghost'] })
      const appended = await server.request('POST', '/api/segments/lists/vip-2025/members', 'c-3\r\n\n  c-1 \nnobody\n', { ...MARKETER, 'content-type': 'text/plain' })
      expect(await appended.json()).toEqual({ list: 'vip-2025', added: 1, removed: 0, members: 3, unknownIds: ['nobody'] })
      const again = await server.request('PUT', '/api/segments/lists/vip-2025/members', 'c-4\n', { ...MARKETER, 'content-type': 'text/plain; charset=utf-8' })
      expect(await again.json()).toEqual({ list: 'vip-2025', added: 1, removed: 3, members: 1, unknownIds: [] })

      const listed = (await (await server.request('GET', '/api/segments/lists', undefined, VIEWER)).json()) as { lists: { name: string; members: number }[] }
      expect(listed.lists.map((l) => [l.name, l.members])).toEqual([['vip-2025', 1]])
      expect(await (await server.request('POST', '/api/segments/preview', { segment: { type: 'list', list: 'vip-2025' } }, VIEWER)).json()).toMatchObject({ count: 1, sample: ['c-4'] })
    })

    it('refuses a bad name, an unknown list, ids that are not strings, other media types, and viewers', async () => {
      const badName = await server.request('POST', '/api/segments/lists', { name: 'VIP List' }, MARKETER)
      expect(badName.status).toBe(400)
      expect(await badName.json()).toMatchObject({ error: { details: [{ path: 'name' }] } })
      expect((await server.request('PUT', '/api/segments/lists/nope/members', ['c-1'], MARKETER)).status).toBe(404)
      await server.request('POST', '/api/segments/lists', { name: 'vip' }, MARKETER)
      const numbers = await server.request('POST', '/api/segments/lists/vip/members', ['c-1', 7], MARKETER)
      expect(numbers.status).toBe(400)
      expect(await numbers.json()).toMatchObject({ error: { code: 'validation', details: [{ path: 'ids[1]' }] } })
      expect((await server.request('POST', '/api/segments/lists/vip/members', '[oops', MARKETER)).status).toBe(400)
      expect((await server.request('POST', '/api/segments/lists/vip/members', 'c-1', { ...MARKETER, 'content-type': 'text/csv' })).status).toBe(415)
      expect((await server.request('POST', '/api/segments/lists/vip/members', ['c-1'], VIEWER)).status).toBe(403)
      expect((await server.ctx.store.listLists())[0]?.members).toBe(0)
    })
  })
})
