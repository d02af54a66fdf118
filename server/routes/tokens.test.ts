import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TOKEN_TOUCH_INTERVAL_MS } from '../auth/authenticator.ts'
import { sha256Hex } from '../auth/secrets.ts'
import { authTestApi, type AuthTestApi, type Browser } from '../auth/test-api.ts'

type Token = { id: string; name: string; role: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }

describe('/api/tokens and bearer authentication', () => {
  let api: AuthTestApi
  let admin: Browser
  beforeEach(async () => {
    api = await authTestApi()
    await api.addUser('root', 'admin')
    admin = await api.signIn('root')
  })
  afterEach(() => api.close())

  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })

  it('creates a token shown once; the list and the store hold no secret', async () => {
    const created = await admin.request('POST', '/api/tokens', { role: 'engineer', name: 'ingest job' })
    expect(created.status).toBe(201)
    const { token, secret } = (await created.json()) as { token: Token; secret: string }
    expect(secret).toMatch(new RegExp(`^slk_${token.id}_[A-Za-z0-9_-]{43}$`))
    expect(token).toEqual({ id: expect.stringMatching(/^[0-9a-f]{12}$/), name: 'ingest job', role: 'engineer', createdAt: new Date(api.clock.now).toISOString(), lastUsedAt: null, revokedAt: null })

    const listed = await (await admin.request('GET', '/api/tokens')).text()
    expect(JSON.parse(listed)).toEqual({ tokens: [token] })
    const secretPart = secret.split('_').slice(2).join('_')
    expect(listed).not.toContain(secretPart)
    expect(listed).not.toContain(sha256Hex(secretPart))
    const stored = await api.authStore.tokenById(token.id)
    expect(stored?.tokenHash).toBe(sha256Hex(secretPart))
    expect(JSON.stringify(stored)).not.toContain(secretPart)

    const unnamed = (await (await admin.request('POST', '/api/tokens', { role: 'viewer' })).json()) as { token: Token }
    expect(unnamed.token.name).toBe(`token ${unnamed.token.id}`)
  })

  it('a bearer token acts with its role and records its last use at most once a minute', async () => {
    const { token, secret } = (await (await admin.request('POST', '/api/tokens', { role: 'viewer' })).json()) as { token: Token; secret: string }
    expect((await api.request('GET', '/api/auth/me', undefined, bearer(secret))).status).toBe(200)
    expect((await api.request('GET', '/api/tokens', undefined, bearer(secret))).status).toBe(403)
    const used = api.clock.now
    expect((await api.authStore.tokenById(token.id))?.lastUsedAt).toBe(used)
    api.clock.now += TOKEN_TOUCH_INTERVAL_MS - 1
    await api.request('GET', '/api/auth/me', undefined, bearer(secret))
    expect((await api.authStore.tokenById(token.id))?.lastUsedAt).toBe(used)
    api.clock.now += 1
    await api.request('GET', '/api/auth/me', undefined, bearer(secret))
    expect((await api.authStore.tokenById(token.id))?.lastUsedAt).toBe(used + TOKEN_TOUCH_INTERVAL_MS)
  })

  it('revoked, forged and malformed tokens are 401, and a bad Authorization header is not rescued by the cookie', async () => {
    const { token, secret } = (await (await admin.request('POST', '/api/tokens', { role: 'admin' })).json()) as { token: Token; secret: string }
    expect((await api.request('GET', '/api/tokens', undefined, bearer(secret))).status).toBe(200)

    const forged = `slk_${token.id}_${'A'.repeat(43)}`
    for (const header of [`Bearer ${forged}`, 'Bearer slk_nonsense', `Basic ${Buffer.from('root:x').toString('base64')}`, `Bearer slk_ffffffffffff_${'A'.repeat(43)}`]) {
      const response = await api.request('GET', '/api/tokens', undefined, { authorization: header })
      expect(response.status, header).toBe(401)
    }
    expect((await admin.request('GET', '/api/tokens', undefined, { headers: { authorization: 'Bearer slk_nonsense' } })).status).toBe(401)

    const revoked = await admin.request('POST', `/api/tokens/${token.id}/revoke`)
    expect(revoked.status).toBe(200)
    expect(((await revoked.json()) as Token).revokedAt).toBe(new Date(api.clock.now).toISOString())
    const after = await api.request('GET', '/api/tokens', undefined, bearer(secret))
    expect(after.status).toBe(401)
    expect(await after.json()).toEqual({ error: { code: 'unauthenticated', message: 'sign in or send an API token (Authorization: Bearer …)' } })

    // Revoking again changes nothing; an unknown id is 404.
    api.clock.now += 5_000
    expect(((await (await admin.request('POST', `/api/tokens/${token.id}/revoke`)).json()) as Token).revokedAt).toBe(new Date(api.clock.now - 5_000).toISOString())
    expect((await admin.request('POST', '/api/tokens/000000000000/revoke')).status).toBe(404)
  })

  it('is for admins, and refuses an unknown role with the field named', async () => {
    await api.addUser('eng', 'engineer')
    const engineer = await api.signIn('eng')
    expect((await engineer.request('POST', '/api/tokens', { role: 'admin' })).status).toBe(403)
    expect((await api.request('GET', '/api/tokens')).status).toBe(401)
    const bad = await admin.request('POST', '/api/tokens', { role: 'root' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe('json.role')
  })
})
