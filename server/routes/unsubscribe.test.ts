import { OpenAPIHono } from '@hono/zod-openapi'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { signUnsubscribeToken } from '../../engine/channels/unsubscribe.ts'
import { SimulatedClock } from '../../engine/clock/simulated-clock.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import chooseChannel from '../../nodes/choose-channel/index.ts'
import { openStore } from '../../store/open-store.ts'
import { testNode } from '../../testing/test-node.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { unsubscribeRoutes } from './unsubscribe.ts'

const SECRET = 'route-unsubscribe-secret-0123'
const NOW = Date.UTC(2025, 5, 1)
const ONE_CLICK = { 'content-type': 'application/x-www-form-urlencoded' }

let store: StorePort
let app: OpenAPIHono<ApiEnv>
const clock = new SimulatedClock(NOW)
const token = (customerId = 'ann', secret = SECRET) => signUnsubscribeToken(secret, { customerId, channel: 'email', flowId: 'news' })
const at = (t: string) => `/unsubscribe?token=${encodeURIComponent(t)}`
const consentOf = async (id = 'ann') => (await store.getConsents([id])).find((c) => c.channel === 'email')?.status

beforeEach(async () => {
  store = await openStore({ db: ':memory:', now: () => clock.now() })
  await store.upsertCustomers([{ id: 'ann', addresses: { email: 'ann@example.com', phone: '+15550001' } }])
  await store.setConsents([{ customerId: 'ann', channel: 'email', status: 'granted', at: NOW - 1_000 }, { customerId: 'ann', channel: 'sms', status: 'granted', at: NOW - 1_000 }])
  app = new OpenAPIHono<ApiEnv>().route('/unsubscribe', unsubscribeRoutes({ store, clock, secret: SECRET }))
})
afterEach(() => store.close())

describe('GET /unsubscribe', () => {
  it('shows a page whose button POSTs the one-click body, and changes nothing', async () => {
    const response = await app.request(at(token()))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await response.text()
    expect(page).toContain('Stop receiving e-mails from us?')
    expect(page).toContain(`<form method="post" action="?token=${encodeURIComponent(token())}"><input type="hidden" name="List-Unsubscribe" value="One-Click">`)
    expect(await consentOf()).toBe('granted')
  })

  it('refuses a tampered token with 400 in the error shape', async () => {
    const forged = token('ann', 'another-secret-0123456789')
    const response = await app.request(at(forged))
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: { code: 'unsubscribe-token', message: 'the unsubscribe link is not valid (altered or not signed by this installation)', details: [{ path: 'query.token', message: 'the unsubscribe link is not valid (altered or not signed by this installation)' }] },
    })
  })
})

describe('POST /unsubscribe (RFC 8058 one-click)', () => {
  it('takes effect at once: consent revoked, address suppressed, the next send goes elsewhere; repeating it is harmless', async () => {
    const response = await app.request(at(token()), { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ unsubscribed: true, channel: 'email' })
    expect(await consentOf()).toBe('revoked')
    const next = await testNode(chooseChannel, { store, customers: ['ann'], now: NOW + 1, config: { candidates: [{ channel: 'email', subject: 'Hi', body: 'Hi' }, { channel: 'sms', body: 'Hi' }] } })
    expect(next.routes).toEqual({ email: [], sms: ['ann'], none: [] })
    expect(next.decisions[0]?.reason).toBe('sms by priority (not email suppressed)')
    const again = await app.request(at(token()), { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' })
    expect(again.status).toBe(200)
  })

  it('answers a browser (the confirmation form) with a page, and takes multipart bodies', async () => {
    const response = await app.request(at(token()), { method: 'POST', headers: { ...ONE_CLICK, accept: 'text/html,application/xhtml+xml' }, body: 'List-Unsubscribe=One-Click' })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<h1>You are unsubscribed</h1>')
    const form = new FormData()
    form.set('List-Unsubscribe', 'One-Click')
    expect((await app.request(at(token()), { method: 'POST', body: form })).status).toBe(200)
  })

  it('refuses a tampered token, a missing token or a body that is not the one-click one, changing nothing', async () => {
    const tampered = token().replace(/^./, (ch) => (ch === 'e' ? 'f' : 'e'))
    const bad = await app.request(at(tampered), { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('unsubscribe-token')
    const noToken = await app.request('/unsubscribe', { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' })
    expect(noToken.status).toBe(400)
    expect(((await noToken.json()) as { error: { code: string; details: { path: string }[] } }).error).toMatchObject({ code: 'validation', details: [{ path: 'query.token' }] })
    const wrongBody = await app.request(at(token()), { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=Yes' })
    expect(wrongBody.status).toBe(400)
    expect(((await wrongBody.json()) as { error: { details: { path: string }[] } }).error.details).toEqual([{ path: 'form["List-Unsubscribe"]', message: 'required: expected "One-Click"' }])
    const json = await app.request(at(token()), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"List-Unsubscribe":"One-Click"}' })
    expect(json.status).toBe(415)
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('unsupported-media-type')
    expect(await consentOf()).toBe('granted')
  })

  it('answers 404 for a customer no longer in the store, and 503 where no secret is configured', async () => {
    expect((await app.request(at(token('gone')), { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' })).status).toBe(404)
    const unconfigured = new OpenAPIHono<ApiEnv>().route('/unsubscribe', unsubscribeRoutes({ store, clock, secret: undefined }))
    const response = await unconfigured.request(at(token()))
    expect(response.status).toBe(503)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unsubscribe-unavailable')
  })
})
