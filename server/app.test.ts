import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StorePort } from '../engine/ports/store.ts'
import { openStore } from '../store/open-store.ts'
import { createApp } from './app.ts'

describe('server app', () => {
  let store: StorePort
  beforeAll(async () => {
    store = await openStore({ db: ':memory:', now: () => 1_700_000_000_000 })
  })
  afterAll(async () => {
    await store.close()
  })

  it('shows an empty state that says how to load data', async () => {
    const app = createApp({ store, version: '9.9.9' })
    const page = await (await app.request('/')).text()
    expect(page).toContain('The store is empty')
    expect(page).toContain('npx sluice demo')
  })

  it('reports health with what the store holds', async () => {
    await store.upsertCustomers([{ id: 'c-1', attributes: { plan: 'gold' } }, { id: 'c-2' }])
    await store.insertEvents([{ id: 'e-1', customerId: 'c-1', type: 'purchase', at: 1_699_000_000_000, properties: { amount: 12 } }])
    const app = createApp({ store, version: '9.9.9' })
    const response = await app.request('/health')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { status: string; version: string; store: { customers: number; events: number; dialect: string } }
    expect(body).toMatchObject({ status: 'ok', version: '9.9.9', store: { dialect: 'sqlite', customers: 2, events: 1 } })
  })

  it('escapes store contents on the status page', async () => {
    await store.insertEvents([{ id: 'e-2', customerId: 'c-2', type: '<script>alert(1)</script>', at: 1_699_000_000_000 }])
    const page = await (await createApp({ store, version: '1' }).request('/')).text()
    expect(page).not.toContain('<script>alert(1)</script>')
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page).toMatch(/Customers<\/td><td class="n">2</)
  })

  it('answers unknown routes with a JSON 404', async () => {
    const response = await createApp({ store, version: '1' }).request('/nope')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'not-found' } })
  })

  it('answers 503 on /health when the store cannot answer', async () => {
    const broken = await openStore({ db: ':memory:' })
    await broken.close()
    const response = await createApp({ store: broken, version: '1' }).request('/health')
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ status: 'unavailable' })
  })
})
