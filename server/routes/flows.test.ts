import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contactPolicySchema } from '../../engine/policy/contact-policy.ts'
import { testServer, type TestServer } from '../testing.ts'

const MARKETER = { 'x-test-role': 'marketer' }
const VIEWER = { 'x-test-role': 'viewer' }
const HOUR = 3_600_000

/** An event-triggered flow: signup → wait one hour. */
function signupFlow(overrides: Record<string, unknown> = {}) {
  return {
    id: 'signup-wait', name: 'Signup wait', version: 1,
    nodes: [
      { id: 'signed-up', type: 'trigger', config: { event: { type: 'signup' } } },
      { id: 'an-hour', type: 'wait', config: { for: { amount: 1, unit: 'hours' } } },
      { id: 'a-day', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    ],
    edges: [{ from: 'signed-up', output: 'entered', to: 'an-hour' }, { from: 'an-hour', output: 'done', to: 'a-day' }],
    settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
    layout: { 'signed-up': { x: 0, y: 0 }, 'an-hour': { x: 0, y: 120 } },
    ...overrides,
  }
}

describe('flows API', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await testServer()
  })
  afterEach(async () => {
    await server.close()
  })

  async function create(flow = signupFlow()) {
    const response = await server.request('POST', '/api/flows', { flow }, MARKETER)
    expect(response.status).toBe(201)
    return (await response.json()) as { revision: number; problems: unknown[]; draft: Record<string, unknown> }
  }

  it('creates, lists and reads a flow with its problems; a taken id is a 409', async () => {
    const created = await create()
    expect(created).toMatchObject({ id: 'signup-wait', revision: 1, archived: false, published: null, unpublishedChanges: true, problems: [] })
    expect((created as unknown as { outputs: unknown }).outputs).toEqual({ 'signed-up': ['entered'], 'an-hour': ['done'], 'a-day': ['done'] })
    expect((await server.request('POST', '/api/flows', { flow: signupFlow() }, MARKETER)).status).toBe(409)
    const list = (await (await server.request('GET', '/api/flows', undefined, VIEWER)).json()) as { flows: { id: string }[] }
    expect(list.flows.map((f) => f.id)).toEqual(['signup-wait'])
    expect((await server.request('GET', '/api/flows/nope', undefined, VIEWER)).status).toBe(404)
  })

  it('refuses a body that is not a flow file, naming the field', async () => {
    const response = await server.request('POST', '/api/flows', { flow: { ...signupFlow(), id: 'Not A Slug' } }, MARKETER)
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; details: { path: string }[] } }
    expect(body.error.code).toBe('validation')
    expect(body.error.details.map((d) => d.path)).toContain('flow.id')
  })

  it('keeps a draft with problems and reports them; a stale revision is a 409', async () => {
    await create()
    const broken = signupFlow({ edges: [{ from: 'signed-up', output: 'entered', to: 'nowhere' }] })
    const saved = await server.request('PUT', '/api/flows/signup-wait/draft', { flow: broken, revision: 1 }, MARKETER)
    expect(saved.status).toBe(200)
    const detail = (await saved.json()) as { revision: number; problems: { severity: string; path: string }[] }
    expect(detail.revision).toBe(2)
    expect(detail.problems.some((p) => p.severity === 'error')).toBe(true)
    const stale = await server.request('PUT', '/api/flows/signup-wait/draft', { flow: signupFlow(), revision: 1 }, MARKETER)
    expect(stale.status).toBe(409)
    expect(await stale.json()).toMatchObject({ error: { code: 'draft.conflict' } })

    const validation = (await (await server.request('POST', '/api/flows/signup-wait/validate', undefined, VIEWER)).json()) as { ok: boolean }
    expect(validation.ok).toBe(false)
    const publish = await server.request('POST', '/api/flows/signup-wait/publish', {}, MARKETER)
    expect(publish.status).toBe(400)
    expect(await publish.json()).toMatchObject({ error: { code: 'validation' } })
  })

  it('publishes: numbers versions itself, ignores layout-only changes, and the run takes live events once per event id', async () => {
    await server.ctx.store.upsertCustomers([{ id: 'ana' }, { id: 'bo' }])
    await create()
    const first = (await (await server.request('POST', '/api/flows/signup-wait/publish', { policy: 'pin' }, MARKETER)).json()) as { version: number; created: boolean; runId: string }
    expect(first).toMatchObject({ version: 1, created: true, state: 'running' })
    expect(server.nudges).toBe(1)

    // A layout-only change publishes nothing new.
    const detail = (await (await server.request('GET', '/api/flows/signup-wait', undefined, VIEWER)).json()) as { revision: number; unpublishedChanges: boolean }
    expect(detail.unpublishedChanges).toBe(false)
    await server.request('PUT', '/api/flows/signup-wait/draft', { flow: signupFlow({ layout: { 'signed-up': { x: 50, y: 0 } } }), revision: detail.revision }, MARKETER)
    const again = (await (await server.request('POST', '/api/flows/signup-wait/publish', undefined, MARKETER)).json()) as { version: number; created: boolean; runId: string }
    expect(again).toEqual({ version: 1, created: false, runId: first.runId, state: 'running' })

    server.clock.advanceBy(1_000)
    const event = { id: 'evt-1', customerId: 'ana', type: 'signup' }
    const accepted = await server.request('POST', '/api/events', event, { 'x-test-role': 'engineer' })
    expect(accepted.status).toBe(202)
    expect(await accepted.json()).toEqual({ accepted: 1, duplicates: 0, unknownCustomers: [] })
    const batch = await server.request('POST', '/api/events', { events: [event, { id: 'evt-2', customerId: 'ghost', type: 'signup' }] }, { 'x-test-role': 'engineer' })
    expect(await batch.json()).toEqual({ accepted: 0, duplicates: 1, unknownCustomers: ['ghost'] })
    server.clock.advanceBy(1_000)
    await server.tick()

    const run = (await (await server.request('GET', `/api/runs/${first.runId}`, undefined, VIEWER)).json()) as { nodes: Record<string, { entered: number }>; edges: { customers: number }[]; atNodes: unknown[] }
    expect(run.nodes['signed-up']?.entered).toBe(1)
    // The wait decides at arrival: the customer is already routed on, due at the next node in an hour.
    expect(run.edges).toEqual([{ from: 'an-hour', output: 'done', to: 'a-day', customers: 1 }, { from: 'signed-up', output: 'entered', to: 'an-hour', customers: 1 }])
    expect(run.atNodes).toEqual([{ nodeId: 'a-day', state: 'active', count: 1 }])
    const waiting = (await (await server.request('GET', `/api/runs/${first.runId}/customers?node=a-day`, undefined, VIEWER)).json()) as { customers: { customerId: string; dueAt: string }[]; next: number | null }
    expect(waiting.customers.map((c) => c.customerId)).toEqual(['ana'])
    expect(Date.parse(waiting.customers[0]?.dueAt ?? '')).toBeGreaterThan(server.clock.now() + HOUR - 5_000)
    expect(waiting.next).toBeNull()
  })

  it('keeps sticky notes in the draft, and a note never makes a new version or a diff', async () => {
    await create()
    await server.request('POST', '/api/flows/signup-wait/publish', undefined, MARKETER)
    const detail = (await (await server.request('GET', '/api/flows/signup-wait', undefined, VIEWER)).json()) as { revision: number }
    const notes = [{ id: 'note-1', text: 'Ask legal about the wording', x: 300, y: 40, color: 'pink' }]
    const saved = (await (await server.request('PUT', '/api/flows/signup-wait/draft', { flow: signupFlow({ notes }), revision: detail.revision }, MARKETER)).json()) as { draft: { notes: unknown }; unpublishedChanges: boolean }
    expect(saved.draft.notes).toEqual(notes)
    expect(saved.unpublishedChanges).toBe(false)
    const diff = (await (await server.request('GET', '/api/flows/signup-wait/diff?from=1&to=draft', undefined, VIEWER)).json()) as Record<string, unknown[]>
    expect(Object.values(diff).flat()).toEqual([])
    const again = (await (await server.request('POST', '/api/flows/signup-wait/publish', undefined, MARKETER)).json()) as { version: number; created: boolean }
    expect(again).toMatchObject({ version: 1, created: false })
    const v1 = (await (await server.request('GET', '/api/flows/signup-wait/versions/1', undefined, VIEWER)).json()) as Record<string, unknown>
    expect(v1.notes).toBeUndefined()
  })

  it('lists versions, diffs them, archives only without live runs, and duplicates', async () => {
    await create()
    const published = (await (await server.request('POST', '/api/flows/signup-wait/publish', undefined, MARKETER)).json()) as { runId: string }
    const detail = (await (await server.request('GET', '/api/flows/signup-wait', undefined, VIEWER)).json()) as { revision: number }
    const [trigger, , day] = signupFlow().nodes
    const longer = signupFlow({ nodes: [trigger, { id: 'an-hour', type: 'wait', config: { for: { amount: 2, unit: 'hours' } } }, day] })
    await server.request('PUT', '/api/flows/signup-wait/draft', { flow: longer, revision: detail.revision }, MARKETER)
    const diff = (await (await server.request('GET', '/api/flows/signup-wait/diff?from=1&to=draft', undefined, VIEWER)).json()) as { nodesChanged: { id: string; config: { path: string; from: unknown; to: unknown }[] }[] }
    expect(diff.nodesChanged).toEqual([{ id: 'an-hour', type: 'wait', config: [{ path: 'config.for.amount', from: 1, to: 2 }] }])
    const second = (await (await server.request('POST', '/api/flows/signup-wait/publish', { policy: 'migrate' }, MARKETER)).json()) as { version: number }
    expect(second.version).toBe(2)
    const versions = (await (await server.request('GET', '/api/flows/signup-wait/versions', undefined, VIEWER)).json()) as { versions: { version: number }[] }
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1])
    const v1 = (await (await server.request('GET', '/api/flows/signup-wait/versions/1', undefined, VIEWER)).json()) as { nodes: { config: unknown }[] }
    expect(v1.nodes.find((n) => (n as { id?: string }).id === 'an-hour')?.config).toEqual({ for: { amount: 1, unit: 'hours' } })

    expect((await server.request('POST', '/api/flows/signup-wait/archive', undefined, MARKETER)).status).toBe(409)
    const runs = (await (await server.request('GET', '/api/runs?flowId=signup-wait&state=running', undefined, VIEWER)).json()) as { runs: { id: string }[] }
    for (const run of runs.runs) expect((await server.request('POST', `/api/runs/${run.id}/cancel`, undefined, { 'x-test-role': 'operator' })).status).toBe(200)
    expect(published.runId).toBeTruthy()
    const archived = await server.request('POST', '/api/flows/signup-wait/archive', undefined, MARKETER)
    expect(archived.status).toBe(200)
    expect((await (await server.request('GET', '/api/flows', undefined, VIEWER)).json()) as unknown).toEqual({ flows: [] })
    expect((await server.request('POST', '/api/flows/signup-wait/publish', undefined, MARKETER)).status).toBe(400)

    const copy = await server.request('POST', '/api/flows/signup-wait/duplicate', { id: 'signup-wait-2' }, MARKETER)
    expect(copy.status).toBe(201)
    expect(await copy.json()).toMatchObject({ id: 'signup-wait-2', name: 'Signup wait (copy)', published: null, draft: { version: 1 } })
  })

  describe('simulate', () => {
    /** Three signups in May (the test clock stands at 2025-06-01) and purchases by two of them. */
    async function seedHistory() {
      const ids = ['ana', 'bo', 'cy']
      await server.ctx.store.upsertCustomers(ids.map((id) => ({ id, addresses: { email: `${id}@example.com` } })))
      await server.ctx.store.setConsents(ids.map((customerId) => ({ customerId, channel: 'email' as const, status: 'granted' as const, at: Date.UTC(2025, 0, 1) })))
      const may = (day: number) => Date.UTC(2025, 4, day, 10)
      await server.ctx.store.insertEvents([
        ...ids.map((customerId, i) => ({ id: `signup-${customerId}`, customerId, type: 'signup', at: may(10 + i) })),
        { id: 'buy-ana', customerId: 'ana', type: 'purchase', at: may(12) },
        { id: 'buy-bo', customerId: 'bo', type: 'purchase', at: may(13) },
      ])
    }
    const greet = { id: 'greet', type: 'choose-channel', config: { candidates: [{ channel: 'email', subject: 'Hi', body: 'Welcome' }] } }

    it('back-tests the draft over the last 30 days: counts per node, output and edge, and leaves the store as it was', async () => {
      await seedHistory()
      await create()
      const response = await server.request('POST', '/api/flows/signup-wait/simulate', undefined, MARKETER)
      expect(response.status).toBe(200)
      const result = (await response.json()) as { start: string; until: string; flow: unknown; nodes: Record<string, { entered: number }>; edges: unknown[]; positions: unknown; errors: unknown[]; measure?: unknown }
      expect(result.start).toBe('2025-05-02')
      expect(result.until).toBe('2025-06-01')
      expect(result.flow).toEqual({ id: 'signup-wait', version: 1 })
      expect(result.nodes['signed-up']?.entered).toBe(3)
      expect(result.edges).toEqual([
        { from: 'an-hour', output: 'done', to: 'a-day', customers: 3 },
        { from: 'signed-up', output: 'entered', to: 'an-hour', customers: 3 },
      ])
      expect(result.positions).toEqual({ active: 0, done: 3, error: 0, cancelled: 0 })
      expect(result.errors).toEqual([])
      expect(result.measure).toBeUndefined()
      // Rolled back: no version, no run, no journal left behind.
      expect(await server.ctx.engineStore.listFlowVersions('signup-wait')).toEqual([])
      expect(await server.ctx.engineStore.listRuns({ flowId: 'signup-wait' })).toEqual([])
      // A window that ends before the signups sees none of them.
      const early = (await (await server.request('POST', '/api/flows/signup-wait/simulate', { start: '2025-04-01', until: '2025-05-01' }, MARKETER)).json()) as { nodes: Record<string, { entered: number }> }
      expect(early.nodes['signed-up']?.entered).toBe(0)
    })

    it('simulates a flow file sent instead of the draft, with sends per channel and the measure report', async () => {
      await seedHistory()
      await create()
      const [trigger] = signupFlow().nodes
      const unsaved = signupFlow({
        nodes: [trigger, greet],
        edges: [{ from: 'signed-up', output: 'entered', to: 'greet' }],
        settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 }, goal: { event: 'purchase', withinDays: 7 } },
      })
      const result = (await (await server.request('POST', '/api/flows/signup-wait/simulate', { flow: unsaved, start: '2025-05-01', until: '2025-06-01' }, MARKETER)).json()) as {
        sends: Record<string, number>; edges: { output: string; customers: number }[]; measure: { overall: { treated: { customers: number; converted: number } } }
      }
      expect(result.sends).toEqual({ email: 3 })
      expect(result.edges).toEqual([{ from: 'signed-up', output: 'entered', to: 'greet', customers: 3 }])
      expect(result.measure.overall.treated).toMatchObject({ customers: 3, converted: 2 })
      // The draft is untouched, and nothing was sent.
      const saved = await server.ctx.engineStore.getFlowDraft('signup-wait')
      expect(JSON.parse(saved?.definition ?? '{}').nodes.map((n: { id: string }) => n.id)).toEqual(['a-day', 'an-hour', 'signed-up'])
      expect(await server.ctx.engineStore.listOutbox({})).toEqual([])
    })

    it('simulates a live flow afresh, as its next version, and leaves the live run as it was', async () => {
      await seedHistory()
      await create()
      const live = (await (await server.request('POST', '/api/flows/signup-wait/publish', undefined, MARKETER)).json()) as { runId: string }
      const before = await server.ctx.engineStore.getRun(live.runId)
      const detail = (await (await server.request('GET', '/api/flows/signup-wait', undefined, VIEWER)).json()) as { revision: number }
      const [trigger, wait] = signupFlow().nodes
      await server.request('PUT', '/api/flows/signup-wait/draft', { flow: signupFlow({ nodes: [trigger, wait], edges: [{ from: 'signed-up', output: 'entered', to: 'an-hour' }] }), revision: detail.revision }, MARKETER)
      const result = (await (await server.request('POST', '/api/flows/signup-wait/simulate', {}, MARKETER)).json()) as { flow: { version: number }; nodes: Record<string, { entered: number }> }
      // The live run's event cursor starts at its publish (June 1): the simulation does not inherit it.
      expect(result.flow.version).toBe(2)
      expect(result.nodes['signed-up']?.entered).toBe(3)
      expect(await server.ctx.engineStore.getRun(live.runId)).toEqual(before)
      expect((await server.ctx.engineStore.listFlowVersions('signup-wait')).map((v) => v.version)).toEqual([1])
    })

    it('applies the contact policy in force, as the live engine does', async () => {
      await seedHistory()
      const [trigger] = signupFlow().nodes
      const gated = signupFlow({
        nodes: [trigger, { id: 'gate', type: 'throttle', config: { channel: 'email', onCap: 'drop' } }],
        edges: [{ from: 'signed-up', output: 'entered', to: 'gate' }],
      })
      await create(gated)
      const outputs = async () => {
        const response = await server.request('POST', '/api/flows/signup-wait/simulate', undefined, MARKETER)
        return ((await response.json()) as { nodes: Record<string, { outputs: Record<string, number> }> }).nodes.gate?.outputs
      }
      expect(await outputs()).toEqual({ pass: 3, held: 0 })
      // The policy changes (PUT /api/policy hands it to the engine): no e-mail in any week holds everyone.
      server.ctx.engine.setContactPolicy(contactPolicySchema.parse({ caps: [{ channel: 'email', max: 0, per: 'week' }] }))
      expect(await outputs()).toEqual({ pass: 0, held: 3 })
    })

    it('refuses a window that ends before it starts or is too long, a date that is not one, and a draft with errors', async () => {
      await create()
      const refused = async (body: unknown) => {
        const response = await server.request('POST', '/api/flows/signup-wait/simulate', body, MARKETER)
        expect(response.status).toBe(400)
        return ((await response.json()) as { error: { message: string; details: { path: string; message: string }[] } }).error
      }
      expect((await refused({ start: '2025-05-10', until: '2025-05-01' })).details).toEqual([{ path: 'until', message: 'expected a time after start' }])
      expect((await refused({ start: '2023-01-01', until: '2025-05-01' })).message).toMatch(/at most 366 days; this window has 851/)
      expect((await refused({ start: 'last week' })).details).toEqual([{ path: 'json.start', message: 'expected a date such as 2025-06-30 or an ISO 8601 instant' }])
      const broken = signupFlow({ edges: [{ from: 'signed-up', output: 'entered', to: 'nowhere' }] })
      const error = await refused({ flow: broken })
      expect(error.message).toMatch(/^flow "signup-wait" has 3 problem\(s\) to fix before it can be simulated:\n {2}edges/)
      expect((await refused({ flow: { ...signupFlow(), id: 'other' } })).details).toEqual([{ path: 'flow.id', message: 'expected "signup-wait"' }])
      expect((await server.request('POST', '/api/flows/nope/simulate', {}, MARKETER)).status).toBe(404)
    })
  })

  it('serves the templates and the flow format schema', async () => {
    const templates = (await (await server.request('GET', '/api/flows/templates', undefined, VIEWER)).json()) as { templates: { id: string }[] }
    expect(templates.templates.map((t) => t.id)).toEqual(expect.arrayContaining(['abandoned-cart', 'win-back', 'welcome-series']))
    const schema = (await (await server.request('GET', '/api/flows/schema', undefined, VIEWER)).json()) as { title: string }
    expect(schema.title).toBe('Sluice flow')
  })
})
