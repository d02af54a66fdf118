/**
 * The role × route matrix, generated from the OpenAPI document: every operation declares its
 * access (`x-sluice-access`), and every one must have an example request below, so a new route
 * cannot be forgotten. Each role — and nobody — must get exactly 401, 403 or 2xx as the
 * access says. Mutating examples run on a fresh server per role, so one role's success does
 * not change what the next one sees.
 */
import { compileErrors, validate } from '@readme/openapi-parser'
import { beforeAll, describe, expect, it } from 'vitest'
import { addUser, createApiToken, disableUser } from './auth/accounts.ts'
import { grants, ROLES, type Access, type Role } from './auth/roles.ts'
import { testServer, type TestServer } from './testing.ts'

/** The seeded users' password. */
const PASSWORD = 'correct horse battery staple'

interface Example {
  /** Concrete path (placeholders :flow and :run are replaced by the seeded ones). */
  path: string
  body?: unknown
  /** A GET or a route that leaves the store as it found it: all roles share one server. */
  safe?: boolean
  /** The body's media type when it is not JSON (a string body sent as it is). */
  contentType?: string
}

const SIGNUP_FLOW = {
  id: 'matrix', name: 'Matrix', version: 1,
  nodes: [
    { id: 'in', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'hold', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'then', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
  ],
  edges: [{ from: 'in', output: 'entered', to: 'hold' }, { from: 'hold', output: 'done', to: 'then' }],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: {},
}

/** One example per operation, keyed `METHOD /path` as in the OpenAPI document. */
const EXAMPLES: Record<string, Example> = {
  'GET /flows': { path: '/api/flows', safe: true },
  'POST /flows': { path: '/api/flows', body: { flow: { ...SIGNUP_FLOW, id: 'another' } } },
  'GET /flows/templates': { path: '/api/flows/templates', safe: true },
  'GET /flows/schema': { path: '/api/flows/schema', safe: true },
  'GET /flows/{id}': { path: '/api/flows/:flow', safe: true },
  'PUT /flows/{id}/draft': { path: '/api/flows/:flow/draft', body: { flow: SIGNUP_FLOW, revision: 1 } },
  'POST /flows/{id}/validate': { path: '/api/flows/:flow/validate', safe: true },
  'GET /flows/{id}/diff': { path: '/api/flows/:flow/diff?from=1&to=draft', safe: true },
  'POST /flows/{id}/simulate': { path: '/api/flows/:flow/simulate', body: {}, safe: true },
  'POST /flows/{id}/forecast': { path: '/api/flows/:flow/forecast', body: { days: 2 }, safe: true },
  'POST /flows/{id}/publish': { path: '/api/flows/:flow/publish', body: { policy: 'pin' } },
  'GET /flows/{id}/versions': { path: '/api/flows/:flow/versions', safe: true },
  'GET /flows/{id}/versions/{version}': { path: '/api/flows/:flow/versions/1', safe: true },
  'POST /flows/{id}/archive': { path: '/api/flows/draft-only/archive' },
  'POST /flows/{id}/unarchive': { path: '/api/flows/:flow/unarchive' },
  'POST /flows/{id}/duplicate': { path: '/api/flows/:flow/duplicate', body: { id: 'matrix-copy' } },
  'GET /channels': { path: '/api/channels', safe: true },
  'POST /channels/{name}/test': { path: '/api/channels/log/test', body: {} },
  'GET /policy': { path: '/api/policy', safe: true },
  'PUT /policy': { path: '/api/policy', body: { caps: [{ channel: 'all', max: 3, per: 'week', window: 'calendar' }] } },
  'GET /node-types': { path: '/api/node-types', safe: true },
  'POST /events': { path: '/api/events', body: { id: 'e-matrix', customerId: 'c-1', type: 'signup' } },
  'GET /runs': { path: '/api/runs', safe: true },
  'GET /runs/{id}': { path: '/api/runs/:run', safe: true },
  'GET /runs/{id}/customers': { path: '/api/runs/:run/customers?node=hold', safe: true },
  'GET /runs/{id}/whereabouts': { path: '/api/runs/:run/whereabouts', safe: true },
  'POST /runs/{id}/pause': { path: '/api/runs/:run/pause' },
  'POST /runs/{id}/resume': { path: '/api/runs/:paused/resume' },
  'POST /runs/{id}/cancel': { path: '/api/runs/:run/cancel' },
  'GET /runs/{id}/live': { path: '/api/runs/:run/live', safe: true },
  'POST /runs/{id}/evict': { path: '/api/runs/:run/evict', body: { segment: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } } },
  'POST /runs/{id}/move': { path: '/api/runs/:run/move', body: { segment: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' }, to: 'then' } },
  'POST /runs/{id}/redrive': { path: '/api/runs/:run/redrive', body: {} },
  'POST /runs/{id}/replay': { path: '/api/runs/:run/replay', body: {}, safe: true },
  'POST /customers/import': { path: '/api/customers/import?kind=customers', body: 'customer_id,plan\nc-2,gold\n', contentType: 'text/csv' },
  'GET /customers': { path: '/api/customers?limit=5', safe: true },
  'GET /customers/{id}': { path: '/api/customers/c-1', safe: true },
  'GET /customers/{id}/journey': { path: '/api/customers/c-1/journey', safe: true },
  'DELETE /customers/{id}': { path: '/api/customers/c-1' },
  // Sign-in is public: every caller with the right password gets a session.
  'POST /auth/login': { path: '/api/auth/login', body: { name: 'ana', password: PASSWORD } },
  'POST /auth/logout': { path: '/api/auth/logout' },
  'GET /auth/me': { path: '/api/auth/me', safe: true },
  'GET /users': { path: '/api/users', safe: true },
  'POST /users': { path: '/api/users', body: { name: 'cy', role: 'viewer', password: PASSWORD } },
  'PUT /users/{name}/role': { path: '/api/users/ana/role', body: { role: 'engineer' } },
  'POST /users/{name}/disable': { path: '/api/users/ana/disable' },
  'POST /users/{name}/enable': { path: '/api/users/bo/enable' },
  'GET /tokens': { path: '/api/tokens', safe: true },
  'POST /tokens': { path: '/api/tokens', body: { role: 'engineer', name: 'ci' } },
  'POST /tokens/{id}/revoke': { path: '/api/tokens/:token/revoke' },
  'POST /segments/preview': { path: '/api/segments/preview', body: { segment: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } }, safe: true },
  'GET /segments/attributes': { path: '/api/segments/attributes', safe: true },
  'GET /segments/lists': { path: '/api/segments/lists', safe: true },
  'POST /segments/lists': { path: '/api/segments/lists', body: { name: 'matrix-list' } },
  'PUT /segments/lists/{name}/members': { path: '/api/segments/lists/seeded/members', body: ['c-1'] },
  'POST /segments/lists/{name}/members': { path: '/api/segments/lists/seeded/members', body: ['c-1'] },
  'GET /reports/flows/{id}': { path: '/api/reports/flows/measured?format=csv', safe: true },
}

interface Seeded {
  server: TestServer
  ids: Record<string, string>
}

async function seeded(): Promise<Seeded> {
  const server = await testServer()
  const as = { 'x-test-role': 'admin' }
  await server.ctx.store.upsertCustomers([{ id: 'c-1', attributes: { plan: 'gold' } }])
  await server.ctx.store.createList({ name: 'seeded' })
  const now = server.clock.now()
  await addUser(server.ctx.authStore, { name: 'ana', role: 'marketer', password: PASSWORD }, now)
  await addUser(server.ctx.authStore, { name: 'bo', role: 'viewer', password: PASSWORD }, now)
  await disableUser(server.ctx.authStore, 'bo')
  const { token } = await createApiToken(server.ctx.authStore, { role: 'viewer', name: 'seeded' }, now)
  await server.request('POST', '/api/flows', { flow: { ...SIGNUP_FLOW, id: 'measured', settings: { ...SIGNUP_FLOW.settings, goal: { event: 'purchase', withinDays: 7 } } } }, as)
  await server.request('POST', '/api/flows/measured/publish', undefined, as)
  await server.request('POST', '/api/flows', { flow: SIGNUP_FLOW }, as)
  await server.request('POST', '/api/flows', { flow: { ...SIGNUP_FLOW, id: 'draft-only' } }, as)
  const published = (await (await server.request('POST', '/api/flows/matrix/publish', undefined, as)).json()) as { runId: string }
  await server.request('POST', '/api/flows', { flow: { ...SIGNUP_FLOW, id: 'paused' } }, as)
  const paused = (await (await server.request('POST', '/api/flows/paused/publish', undefined, as)).json()) as { runId: string }
  await server.request('POST', `/api/runs/${paused.runId}/pause`, undefined, as)
  return { server, ids: { flow: 'matrix', run: published.runId, paused: paused.runId, token: token.id } }
}

function concrete(example: Example, ids: Record<string, string>): string {
  return example.path.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? `:${name}`)
}

async function call(seed: Seeded, method: string, example: Example, role: Role | null): Promise<number> {
  const controller = new AbortController()
  const response = await seed.server.app.request(concrete(example, seed.ids), {
    method,
    signal: controller.signal,
    headers: { ...(role ? { 'x-test-role': role } : {}), ...(example.body === undefined ? {} : { 'content-type': example.contentType ?? 'application/json' }) },
    ...(example.body === undefined ? {} : { body: example.contentType ? String(example.body) : JSON.stringify(example.body) }),
  })
  // Streams (SSE) answer at once; close them.
  if (response.headers.get('content-type')?.includes('text/event-stream')) controller.abort()
  else await response.arrayBuffer()
  return response.status
}

function expected(access: Access, role: Role | null): 'ok' | 401 | 403 {
  if (access === 'public') return 'ok'
  if (role === null) return 401
  return grants(role, access) ? 'ok' : 403
}

describe('API access: role × route matrix', () => {
  let operations: { key: string; method: string; access: Access }[]
  let document: Record<string, unknown>
  beforeAll(async () => {
    const { server } = await seeded()
    document = (await (await server.app.request('/api/openapi.json')).json()) as Record<string, unknown>
    const paths = document.paths as Record<string, Record<string, { 'x-sluice-access'?: Access }>>
    operations = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), access: op['x-sluice-access'] as Access })),
    )
  })

  it('the OpenAPI document is valid OpenAPI 3.1 and every operation names its access and has an example here', async () => {
    const result = await validate(structuredClone(document) as never)
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true)
    expect(document.openapi).toBe('3.1.0')
    expect(operations.length).toBeGreaterThan(20)
    for (const op of operations) {
      const roles = typeof op.access === 'string' ? [op.access] : op.access
      expect(roles.length, `${op.key} has no x-sluice-access`).toBeGreaterThan(0)
      for (const role of roles) expect(role, `${op.key}'s x-sluice-access`).toMatch(/^(public|viewer|marketer|engineer|operator|admin)$/)
      expect(EXAMPLES[op.key], `${op.key} has no example in api-access.test.ts`).toBeDefined()
    }
    expect(Object.keys(EXAMPLES).filter((key) => !operations.some((op) => op.key === key)), 'examples of routes that no longer exist').toEqual([])
  })

  it('answers 401, 403 or 2xx to nobody and to each role exactly as the access says', async () => {
    const shared = await seeded()
    const failures: string[] = []
    for (const op of operations) {
      const example = EXAMPLES[op.key]
      if (!example) continue
      for (const role of [null, ...ROLES]) {
        const want = expected(op.access, role)
        // Refusals change nothing, so they can share a server; a success that mutates gets its own.
        const seed = want !== 'ok' || example.safe ? shared : await seeded()
        const status = await call(seed, op.method, example, role)
        const ok = want === 'ok' ? status >= 200 && status < 300 : status === want
        if (!ok) failures.push(`${op.key} as ${role ?? 'nobody'} (${op.access}): got ${status}, expected ${want === 'ok' ? '2xx' : want}`)
      }
    }
    expect(failures).toEqual([])
  }, 120_000)
})
