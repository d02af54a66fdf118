import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createApiToken } from '../auth/accounts.ts'
import { authTestApi, PASSWORD, type AuthTestApi, type Browser } from '../auth/test-api.ts'

type ErrorShape = { error: { code: string; message: string; details?: { path: string; message: string }[] } }
type User = { id: string; name: string; role: string; createdAt: string; disabled: boolean }

describe('/api/users', () => {
  let api: AuthTestApi
  let admin: Browser
  beforeEach(async () => {
    api = await authTestApi()
    await api.addUser('root', 'admin')
    admin = await api.signIn('root')
  })
  afterEach(() => api.close())

  it('is for admins: 401 for nobody, 403 for a viewer session and a non-admin token', async () => {
    expect((await api.request('GET', '/api/users')).status).toBe(401)
    await api.addUser('vic', 'viewer')
    const viewer = await api.signIn('vic')
    const refused = await viewer.request('GET', '/api/users')
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({ error: { code: 'forbidden', message: 'this needs the admin role; you are viewer' } })
    expect((await viewer.request('POST', '/api/users', { name: 'x', role: 'admin', password: PASSWORD })).status).toBe(403)
    const { secret } = await createApiToken(api.authStore, { role: 'engineer' }, api.clock.now)
    expect((await api.request('GET', '/api/users', undefined, { authorization: `Bearer ${secret}` })).status).toBe(403)
  })

  it('creates a user who can then sign in; answers never carry the password or its hash', async () => {
    const created = await admin.request('POST', '/api/users', { name: 'maria', role: 'marketer', password: PASSWORD })
    expect(created.status).toBe(201)
    const text = await created.text()
    expect(JSON.parse(text)).toEqual({ id: expect.any(String), name: 'maria', role: 'marketer', createdAt: new Date(api.clock.now).toISOString(), disabled: false })
    const listed = await admin.request('GET', '/api/users')
    const listText = await listed.text()
    for (const body of [text, listText]) {
      expect(body).not.toContain(PASSWORD)
      expect(body).not.toContain('argon2')
      expect(body).not.toMatch(/hash/i)
    }
    expect((JSON.parse(listText) as { users: User[] }).users.map((u) => [u.name, u.role])).toEqual([['maria', 'marketer'], ['root', 'admin']])
    expect((await api.signIn('maria')).csrfToken).toBeTruthy()
  })

  it('refuses a taken name (409), a short password and a bad name or role (400, field named)', async () => {
    await admin.request('POST', '/api/users', { name: 'maria', role: 'marketer', password: PASSWORD })
    const taken = await admin.request('POST', '/api/users', { name: 'maria', role: 'viewer', password: PASSWORD })
    expect(taken.status).toBe(409)
    expect(await taken.json()).toEqual({ error: { code: 'conflict', message: "a user named 'maria' already exists" } })

    const short = await admin.request('POST', '/api/users', { name: 'lee', role: 'viewer', password: 'short' })
    expect(short.status).toBe(400)
    expect(((await short.json()) as ErrorShape).error.details?.map((d) => d.path)).toEqual(['json.password'])

    const badName = await admin.request('POST', '/api/users', { name: 'no spaces', role: 'viewer', password: PASSWORD })
    expect(badName.status).toBe(400)
    expect(((await badName.json()) as ErrorShape).error.details).toEqual([{ path: 'name', message: expect.stringContaining('got "no spaces"') }])

    const badRole = await admin.request('POST', '/api/users', { name: 'lee', role: 'owner', password: PASSWORD })
    expect(badRole.status).toBe(400)
    expect(((await badRole.json()) as ErrorShape).error.details?.[0]?.path).toBe('json.role')
  })

  it('changes a role, disables (ending the sessions) and enables; 404 for an unknown user', async () => {
    await api.addUser('maria', 'marketer')
    const maria = await api.signIn('maria')
    const changed = await admin.request('PUT', '/api/users/maria/role', { role: 'engineer' })
    expect(changed.status).toBe(200)
    expect(((await changed.json()) as User).role).toBe('engineer')
    expect(((await (await maria.request('GET', '/api/auth/me')).json()) as { principal: { role: string } }).principal.role).toBe('engineer')

    const disabled = await admin.request('POST', '/api/users/maria/disable')
    expect(((await disabled.json()) as User).disabled).toBe(true)
    expect((await maria.request('GET', '/api/auth/me')).status).toBe(401)
    expect((await api.request('POST', '/api/auth/login', { name: 'maria', password: PASSWORD })).status).toBe(401)

    expect(((await (await admin.request('POST', '/api/users/maria/enable')).json()) as User).disabled).toBe(false)
    expect((await api.request('POST', '/api/auth/login', { name: 'maria', password: PASSWORD })).status).toBe(200)

    const unknown = await admin.request('PUT', '/api/users/nobody/role', { role: 'viewer' })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: { code: 'not-found', message: "user 'nobody' was not found" } })
  })

  it('never leaves the server without an enabled admin (409)', async () => {
    const demote = await admin.request('PUT', '/api/users/root/role', { role: 'viewer' })
    expect(demote.status).toBe(409)
    expect(((await demote.json()) as ErrorShape).error.message).toBe("'root' is the last enabled admin; make another user an admin first")
    expect((await admin.request('POST', '/api/users/root/disable')).status).toBe(409)
    expect((await api.authStore.userByName('root'))?.role).toBe('admin')

    await admin.request('POST', '/api/users', { name: 'second', role: 'admin', password: PASSWORD })
    expect((await admin.request('PUT', '/api/users/root/role', { role: 'viewer' })).status).toBe(200)
    // root is a viewer now: its own session may no longer manage users.
    expect((await admin.request('POST', '/api/users/second/disable')).status).toBe(403)
  })
})
