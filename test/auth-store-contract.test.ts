/**
 * The auth store contract (server/auth/auth-store.ts and the accounts rules over it), run on
 * SQLite and on Postgres. Postgres is required: when it cannot be reached every Postgres test
 * fails, saying so (test/support/postgres.ts).
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest'
import type { StorePort } from '../engine/ports/store.ts'
import { addUser, createApiToken, disableUser, enableUser, ensureAdmin, revokeApiToken, setUserPassword, setUserRole } from '../server/auth/accounts.ts'
import { openAuthStore, type AuthStore } from '../server/auth/auth-store.ts'
import { verifyPassword } from '../server/auth/passwords.ts'
import { openStore } from '../store/open-store.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { createTempFolder, type TempFolder } from './support/sqlite.ts'

const T0 = Date.UTC(2026, 0, 1)
const PASSWORD = 'correct horse battery'

interface Harness {
  name: string
  setup(): Promise<void>
  open(): Promise<StorePort>
  reset(): Promise<void>
  teardown(): Promise<void>
}

function sqliteHarness(): Harness {
  let folder: TempFolder
  return {
    name: 'sqlite',
    setup: async () => void (folder = createTempFolder('sluice-auth-')),
    open: () => openStore({ db: folder.db() }),
    reset: async () => {},
    teardown: async () => folder.remove(),
  }
}

function postgresHarness(): Harness {
  let schema: TestSchema | undefined
  let unavailable: unknown
  return {
    name: 'postgres',
    async setup() {
      schema = await createTestSchema('the auth store contract suite').catch((error: unknown) => {
        unavailable = error
        return undefined
      })
    },
    open: () => {
      if (!schema) throw unavailable
      return openStore({ databaseUrl: schema.url, pgSchema: schema.schema })
    },
    reset: async () => schema?.truncate(),
    teardown: async () => schema?.drop(),
  }
}

describe.each([sqliteHarness(), postgresHarness()])('auth store contract: $name', (harness) => {
  let store: StorePort
  let auth: AuthStore
  beforeAll(() => harness.setup())
  afterAll(() => harness.teardown())
  beforeEach(async () => {
    await harness.reset()
    store = await harness.open()
    auth = openAuthStore(store)
  })
  afterEach(() => store.close())

  it('ensureAdmin creates admin with a one-time password on an empty store, and nothing afterwards', async () => {
    expect(await auth.countUsers()).toBe(0)
    const first = await ensureAdmin(auth, T0)
    expect(first).toEqual({ name: 'admin', password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) })
    const admin = await auth.userByName('admin')
    expect(admin).toMatchObject({ name: 'admin', role: 'admin', createdAt: T0, disabled: false })
    expect(admin?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(admin?.passwordHash).not.toContain(first?.password)
    expect(await verifyPassword(admin?.passwordHash as string, first?.password as string)).toBe(true)
    expect(await ensureAdmin(auth, T0 + 1)).toBeNull()
    expect(await auth.countUsers()).toBe(1)
  })

  it('users: unique names, lookups, a list by name, role and password changes', async () => {
    const maria = await addUser(auth, { name: 'maria', role: 'marketer', password: PASSWORD }, T0)
    await addUser(auth, { name: 'ann', role: 'viewer', password: PASSWORD }, T0 + 5)
    await expect(addUser(auth, { name: 'maria', role: 'viewer', password: PASSWORD }, T0)).rejects.toThrow("a user named 'maria' already exists")
    expect((await auth.listUsers()).map((u) => u.name)).toEqual(['ann', 'maria'])
    expect(await auth.userById(maria.id)).toMatchObject({ name: 'maria', role: 'marketer', createdAt: T0, disabled: false })
    expect(await auth.userByName('nobody')).toBeUndefined()

    await setUserRole(auth, 'maria', 'engineer')
    expect((await auth.userByName('maria'))?.role).toBe('engineer')
    await setUserPassword(auth, 'maria', 'another long password')
    const hash = (await auth.userByName('maria'))?.passwordHash as string
    expect(await verifyPassword(hash, 'another long password')).toBe(true)
    expect(await verifyPassword(hash, PASSWORD)).toBe(false)
  })

  it('the last enabled admin can be neither demoted nor disabled; a second admin lifts that', async () => {
    await addUser(auth, { name: 'root', role: 'admin', password: PASSWORD }, T0)
    await addUser(auth, { name: 'old', role: 'admin', password: PASSWORD }, T0)
    await disableUser(auth, 'old')
    await expect(setUserRole(auth, 'root', 'viewer')).rejects.toThrow("'root' is the last enabled admin")
    await expect(disableUser(auth, 'root')).rejects.toThrow("'root' is the last enabled admin")
    // A disabled admin may change freely: it is not the one keeping the server administrable.
    await setUserRole(auth, 'old', 'viewer')
    await setUserRole(auth, 'old', 'admin')
    await enableUser(auth, 'old')
    await disableUser(auth, 'root')
    expect((await auth.userByName('root'))?.disabled).toBe(true)
    await expect(setUserRole(auth, 'old', 'marketer')).rejects.toThrow("'old' is the last enabled admin")
  })

  it('sessions: found with their user until they expire; deleted one by one, per user and when expired', async () => {
    const maria = await addUser(auth, { name: 'maria', role: 'marketer', password: PASSWORD }, T0)
    const lee = await addUser(auth, { name: 'lee', role: 'viewer', password: PASSWORD }, T0)
    await auth.insertSession({ id: 'a'.repeat(64), userId: maria.id, csrfToken: 'csrf-a', expiresAt: T0 + 1_000, createdAt: T0 })
    await auth.insertSession({ id: 'b'.repeat(64), userId: maria.id, csrfToken: 'csrf-b', expiresAt: T0 + 5_000, createdAt: T0 })
    await auth.insertSession({ id: 'c'.repeat(64), userId: lee.id, csrfToken: 'csrf-c', expiresAt: T0 + 5_000, createdAt: T0 })

    expect(await auth.sessionWithUser('a'.repeat(64), T0 + 999)).toEqual({
      session: { id: 'a'.repeat(64), userId: maria.id, csrfToken: 'csrf-a', expiresAt: T0 + 1_000, createdAt: T0 },
      user: expect.objectContaining({ id: maria.id, name: 'maria', role: 'marketer', disabled: false }),
    })
    expect(await auth.sessionWithUser('a'.repeat(64), T0 + 1_000)).toBeUndefined()
    expect(await auth.deleteExpiredSessions(T0 + 1_000)).toBe(1)
    await auth.deleteSession('c'.repeat(64))
    expect(await auth.sessionWithUser('c'.repeat(64), T0)).toBeUndefined()
    await disableUser(auth, 'maria')
    expect(await auth.sessionWithUser('b'.repeat(64), T0)).toBeUndefined()
    expect(await auth.deleteUserSessions(maria.id)).toBe(0)
  })

  it('api tokens: stored hashed, listed newest first, revoked once, last use recorded', async () => {
    const first = await createApiToken(auth, { role: 'viewer', name: 'reports' }, T0)
    const second = await createApiToken(auth, { role: 'engineer' }, T0 + 10)
    expect((await auth.listTokens()).map((t) => t.id)).toEqual([second.token.id, first.token.id])
    const stored = await auth.tokenById(first.token.id)
    expect(stored).toEqual({ ...first.token, tokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(first.secret).not.toContain(stored?.tokenHash)

    await auth.touchToken(first.token.id, T0 + 100)
    expect((await auth.tokenById(first.token.id))?.lastUsedAt).toBe(T0 + 100)
    expect((await revokeApiToken(auth, first.token.id, T0 + 200)).revokedAt).toBe(T0 + 200)
    expect(await auth.revokeToken(first.token.id, T0 + 300)).toBe(false)
    expect((await auth.tokenById(first.token.id))?.revokedAt).toBe(T0 + 200)
    await expect(revokeApiToken(auth, 'ffffffffffff', T0)).rejects.toThrow("API token 'ffffffffffff' was not found")
  })

  it('the role CHECK keeps unknown roles out of the tables', async () => {
    await expect(auth.insertUser({ id: 'x', name: 'x', passwordHash: 'h', role: 'root' as never, createdAt: T0, disabled: false })).rejects.toThrow(/users_role|CHECK/i)
  })
})
