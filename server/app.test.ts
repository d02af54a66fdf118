import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from '../store/open-store.ts'
import { createApp } from './app.ts'
import { testServer, type TestServer } from './testing.ts'

describe('server app', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await testServer()
  })
  afterEach(async () => {
    await server.close()
  })

  it('shows an empty state that says how to load data', async () => {
    const page = await (await server.app.request('/')).text()
    expect(page).toContain('The store is empty')
    expect(page).toContain('npx sluice demo')
  })

  it('reports health with what the store holds', async () => {
    await server.ctx.store.upsertCustomers([{ id: 'c-1', attributes: { plan: 'gold' } }, { id: 'c-2' }])
    await server.ctx.store.insertEvents([{ id: 'e-1', customerId: 'c-1', type: 'purchase', at: 1_699_000_000_000, properties: { amount: 12 } }])
    const response = await server.app.request('/health')
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok', version: 'test', store: { dialect: 'sqlite', customers: 2, events: 1 } })
  })

  it('escapes store contents on the status page', async () => {
    await server.ctx.store.upsertCustomers([{ id: 'c-2' }])
    await server.ctx.store.insertEvents([{ id: 'e-2', customerId: 'c-2', type: '<script>alert(1)</script>', at: 1_699_000_000_000 }])
    const page = await (await server.app.request('/')).text()
    expect(page).not.toContain('<script>alert(1)</script>')
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('answers unknown routes with the JSON error shape', async () => {
    const response = await server.app.request('/nope')
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: { code: 'not-found', message: 'no route GET /nope' } })
  })

  it('answers 503 on /health when the store cannot answer', async () => {
    const broken = await openStore({ db: ':memory:' })
    await broken.close()
    const response = await createApp({ ...server.ctx, store: broken }).request('/health')
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ status: 'unavailable' })
  })

  it('sends security headers with a CSP', async () => {
    const response = await server.app.request('/health')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })

  it('refuses bodies over the limit with 413 in the error shape', async () => {
    const response = await server.request('POST', '/api/events', 'x'.repeat(17 * 1024 * 1024), { 'x-test-role': 'engineer', 'content-length': String(17 * 1024 * 1024) })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: { code: 'too-large' } })
  })

  it('never leaks a stack: an internal error is a plain 500', async () => {
    const failing = createApp({ ...server.ctx, engineStore: { ...server.ctx.engineStore, listRuns: () => Promise.reject(new Error('secret detail at /srv/x.ts:12')) } })
    const response = await failing.request('/api/runs', { headers: { 'x-test-role': 'viewer' } })
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(text).not.toContain('secret detail')
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error; see the server log' } })
  })
})
