import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiToken, disableUser, setUserRole } from '../auth/accounts.ts'
import { DEFAULT_SESSION_TTL_MS, SESSION_COOKIE } from '../auth/authenticator.ts'
import { sha256Hex } from '../auth/secrets.ts'
import { authTestApi, PASSWORD, sessionCookie, type AuthTestApi } from '../auth/test-api.ts'

type ErrorShape = { error: { code: string; message: string; details?: { path: string; message: string }[] } }

describe('/api/auth', () => {
  let api: AuthTestApi
  beforeEach(async () => {
    api = await authTestApi()
    await api.addUser('maria', 'marketer')
  })
  afterEach(() => api.close())

  it('signs in: a HttpOnly SameSite=Strict cookie holding a secret the store keeps only as its SHA-256', async () => {
    const response = await api.request('POST', '/api/auth/login', { name: 'maria', password: PASSWORD })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { principal: unknown; csrfToken: string; expiresAt: string }
    expect(body.principal).toEqual({ kind: 'user', id: expect.any(String), name: 'maria', role: 'marketer' })
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(Date.parse(body.expiresAt)).toBe(api.clock.now + DEFAULT_SESSION_TTL_MS)

    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`)) as string
    expect(setCookie).toMatch(/; HttpOnly/)
    expect(setCookie).toMatch(/; SameSite=Strict/)
    expect(setCookie).toMatch(/; Path=\//)
    expect(setCookie).toMatch(`; Max-Age=${DEFAULT_SESSION_TTL_MS / 1000}`)
    expect(setCookie).not.toMatch(/Secure/) // plain http, secureCookies 'auto'

    const secret = sessionCookie(response) as string
    const rows = (api.store as unknown as { database: { prepare(s: string): { all(): { id: string }[] } } }).database.prepare('SELECT id FROM sessions').all()
    expect(rows).toEqual([{ id: sha256Hex(secret) }])
    expect(JSON.stringify(rows)).not.toContain(secret)
  })

  it('marks the cookie Secure over https, or always when configured', async () => {
    const https = await api.app.request('https://sluice.example/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'maria', password: PASSWORD }) })
    expect(https.status).toBe(200)
    expect(https.headers.getSetCookie()[0]).toMatch(/; Secure/)

    const always = await authTestApi({ auth: { secureCookies: true } })
    await always.addUser('maria', 'viewer')
    const response = await always.request('POST', '/api/auth/login', { name: 'maria', password: PASSWORD })
    expect(response.headers.getSetCookie()[0]).toMatch(/; Secure/)
    await always.close()
  })

  it('answers 401 with one message for a wrong password, an unknown name and a disabled user', async () => {
    await api.addUser('gone', 'viewer')
    await disableUser(api.authStore, 'gone')
    const bodies: unknown[] = []
    for (const attempt of [{ name: 'maria', password: 'wrong password!!' }, { name: 'nobody', password: PASSWORD }, { name: 'gone', password: PASSWORD }]) {
      const response = await api.request('POST', '/api/auth/login', attempt)
      expect(response.status).toBe(401)
      expect(response.headers.getSetCookie()).toEqual([])
      bodies.push(await response.json())
    }
    expect(bodies).toEqual(Array(3).fill({ error: { code: 'invalid-credentials', message: 'wrong user name or password' } }))
  })

  it('refuses a sign-in body without a password with the field named', async () => {
    const response = await api.request('POST', '/api/auth/login', { name: 'maria' })
    expect(response.status).toBe(400)
    const body = (await response.json()) as ErrorShape
    expect(body.error.code).toBe('validation')
    expect(body.error.details?.map((d) => d.path)).toEqual(['json.password'])
  })

  it('me: the principal and the CSRF token for a session; 401 for nobody; no token for an API token', async () => {
    const browser = await api.signIn('maria')
    const me = await browser.request('GET', '/api/auth/me')
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ principal: { kind: 'user', id: expect.any(String), name: 'maria', role: 'marketer' }, csrfToken: browser.csrfToken })

    const nobody = await api.request('GET', '/api/auth/me')
    expect(nobody.status).toBe(401)
    expect(((await nobody.json()) as ErrorShape).error.code).toBe('unauthenticated')

    const { secret, token } = await createApiToken(api.authStore, { role: 'operator', name: 'ops script' }, api.clock.now)
    const asToken = await api.request('GET', '/api/auth/me', undefined, { authorization: `Bearer ${secret}` })
    expect(await asToken.json()).toEqual({ principal: { kind: 'token', id: token.id, name: 'ops script', role: 'operator' }, csrfToken: null })
  })

  it('a session ends at its expiry, when the user is disabled, and takes a role change at the next request', async () => {
    const browser = await api.signIn('maria')
    await setUserRole(api.authStore, 'maria', 'engineer')
    expect(((await (await browser.request('GET', '/api/auth/me')).json()) as { principal: { role: string } }).principal.role).toBe('engineer')

    api.clock.now += DEFAULT_SESSION_TTL_MS - 1
    expect((await browser.request('GET', '/api/auth/me')).status).toBe(200)
    api.clock.now += 1
    expect((await browser.request('GET', '/api/auth/me')).status).toBe(401)

    const again = await api.signIn('maria')
    await disableUser(api.authStore, 'maria')
    expect((await again.request('GET', '/api/auth/me')).status).toBe(401)
  })

  it('logout ends the session and clears the cookie; without a session it is a no-op', async () => {
    const browser = await api.signIn('maria')
    const out = await browser.request('POST', '/api/auth/logout')
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=; Max-Age=0`))
    expect((await browser.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await api.request('POST', '/api/auth/logout')).status).toBe(204)
  })

  it('signing in again replaces the previous session of that browser', async () => {
    const browser = await api.signIn('maria')
    const first = browser.cookie as string
    const response = await browser.request('POST', '/api/auth/login', { name: 'maria', password: PASSWORD }, { csrf: false })
    expect(response.status).toBe(200)
    browser.cookie = first
    expect((await browser.request('GET', '/api/auth/me')).status).toBe(401)
    browser.cookie = sessionCookie(response)
    expect((await browser.request('GET', '/api/auth/me')).status).toBe(200)
  })
})

describe('CSRF protection', () => {
  let api: AuthTestApi
  beforeEach(async () => {
    api = await authTestApi()
    await api.addUser('root', 'admin')
  })
  afterEach(() => api.close())

  it('a cookie-authenticated POST without the X-CSRF-Token header, or with a wrong one, is 403 and changes nothing', async () => {
    const browser = await api.signIn('root')
    const user = { name: 'lee', role: 'viewer', password: PASSWORD }
    const missing = await browser.request('POST', '/api/users', user, { csrf: false })
    expect(missing.status).toBe(403)
    expect(((await missing.json()) as ErrorShape).error).toMatchObject({ code: 'csrf', message: expect.stringContaining('X-CSRF-Token') })
    const wrong = await browser.request('POST', '/api/users', user, { csrf: 'x'.repeat(43) })
    expect(wrong.status).toBe(403)
    expect((await api.authStore.userByName('lee'))).toBeUndefined()
    // Logging out is a change too: a page elsewhere cannot sign the user out.
    expect((await browser.request('POST', '/api/auth/logout', undefined, { csrf: false })).status).toBe(403)

    expect((await browser.request('POST', '/api/users', user)).status).toBe(201)
    expect((await browser.request('GET', '/api/users', undefined, { csrf: false })).status).toBe(200)
  })

  it('exempts bearer-token requests (they ignore the cookie) and requests without a live session', async () => {
    const { secret } = await createApiToken(api.authStore, { role: 'admin' }, api.clock.now)
    const viaToken = await api.request('POST', '/api/tokens', { role: 'viewer' }, { authorization: `Bearer ${secret}` })
    expect(viaToken.status).toBe(201)
    const stale = await api.request('POST', '/api/tokens', { role: 'viewer' }, { cookie: `${SESSION_COOKIE}=not-a-session` })
    expect(stale.status).toBe(401)
  })
})

describe('sign-in rate limit', () => {
  let api: AuthTestApi
  let address = '10.0.0.1'
  beforeEach(async () => {
    api = await authTestApi({ loginRateLimit: { limit: 3, windowMs: 60_000, clientAddress: () => address } })
    await api.addUser('maria', 'marketer')
    await api.addUser('lee', 'viewer')
  })
  afterEach(() => api.close())

  const attempt = (name: string, password: string) => api.request('POST', '/api/auth/login', { name, password })

  it('after the limit of failed attempts for a name, even the right password is 429 with Retry-After, from any address', async () => {
    for (const from of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
      address = from
      expect((await attempt('maria', 'wrong password!!')).status).toBe(401)
    }
    address = '10.0.0.4'
    const limited = await attempt('Maria', PASSWORD)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(((await limited.json()) as ErrorShape).error).toEqual({ code: 'rate-limited', message: expect.stringMatching(/^too many failed sign-ins for this user name; try again in \d+ s$/) })
    // Another name from the same address is not held back.
    expect((await attempt('lee', PASSWORD)).status).toBe(200)
  })

  it('limits failed attempts per address across names; successful sign-ins do not count', async () => {
    address = '10.0.0.9'
    for (let i = 0; i < 5; i++) expect((await attempt('lee', PASSWORD)).status).toBe(200)
    for (const name of ['a', 'b', 'c']) expect((await attempt(name, 'wrong password!!')).status).toBe(401)
    const limited = await attempt('maria', PASSWORD)
    expect(limited.status).toBe(429)
    expect(((await limited.json()) as ErrorShape).error.message).toMatch(/from this address/)
    address = '10.0.0.10'
    expect((await attempt('maria', PASSWORD)).status).toBe(200)
  })
})

describe('sign-in rate limit over a real socket', () => {
  it('counts by the remote address of the connection by default', async () => {
    const api = await authTestApi({ loginRateLimit: { limit: 1, windowMs: 60_000 } })
    const server = serve({ fetch: api.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    // From two loopback addresses (Linux routes all of 127.0.0.0/8 to lo).
    const attempt = (from: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const body = JSON.stringify({ name: `u${from}`, password: 'wrong password!!' })
      const req = httpRequest({ host: '127.0.0.1', port, localAddress: from, method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      req.on('error', reject)
      req.end(body)
    })
    try {
      expect((await attempt('127.0.0.1')).status).toBe(401)
      const limited = await attempt('127.0.0.1')
      expect(limited.status).toBe(429)
      expect(limited.body).toMatch(/from this address/)
      expect((await attempt('127.0.0.2')).status).toBe(401)
    } finally {
      await new Promise((resolve) => server.close(resolve))
      await api.close()
    }
  })
})
