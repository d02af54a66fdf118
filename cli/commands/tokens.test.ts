import { stripVTControlCharacters } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../../engine/errors.ts'
import { openAuthStore } from '../../server/auth/auth-store.ts'
import { sha256Hex } from '../../server/auth/secrets.ts'
import { openStore } from '../../store/open-store.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { runCommand } from '../run-command.ts'
import { register } from './tokens.ts'

const folder = createTempFolder('sluice-tokens-cli-')
afterAll(() => folder.remove())

/** A new, migrated store file (these commands refuse a store that does not exist). */
async function freshDb(): Promise<string> {
  const db = folder.db()
  await (await openStore({ db })).close()
  return db
}

describe('sluice tokens', () => {
  it('creates a token printed once, lists it without its secret, and revokes it', async () => {
    const db = await freshDb()
    const created = await runCommand(register, ['tokens', 'create', '--role', 'engineer', '--name', 'nightly import', '--db', db])
    expect(created.error).toBeUndefined()
    const token = /^ {2}(slk_([0-9a-f]{12})_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)
    expect(token, created.stdout).not.toBeNull()
    const [, secret, id] = token as unknown as [string, string, string]
    expect(created.stdout).toContain(`Token ${id} ("nightly import", role engineer) created. It is shown only now`)

    const store = await openStore({ db })
    const stored = await openAuthStore(store).tokenById(id)
    await store.close()
    expect(stored?.tokenHash).toBe(sha256Hex(secret.slice(`slk_${id}_`.length)))

    const listed = await runCommand(register, ['tokens', 'list', '--db', db])
    expect(stripVTControlCharacters(listed.stdout)).toMatch(new RegExp(`${id}\\s+│ nightly import\\s+│ engineer`))
    const json = (await runCommand(register, ['tokens', 'list', '--json', '--db', db])).stdout
    expect(JSON.parse(json)).toEqual([{ id, name: 'nightly import', role: 'engineer', createdAt: expect.any(String), lastUsedAt: null, revokedAt: null }])
    for (const text of [listed.stdout, json]) {
      expect(text).not.toContain(secret.slice(20))
      expect(text).not.toContain(stored?.tokenHash)
    }

    expect((await runCommand(register, ['tokens', 'revoke', id, '--db', db])).stdout).toBe(`Token ${id} ("nightly import") is revoked.\n`)
    const revoked = JSON.parse((await runCommand(register, ['tokens', 'list', '--json', '--db', db])).stdout) as { revokedAt: string | null }[]
    expect(revoked[0]?.revokedAt).not.toBeNull()
  })

  it('prints JSON with --json, and names the flag of a bad role and the id of an unknown token', async () => {
    const db = await freshDb()
    const json = JSON.parse((await runCommand(register, ['tokens', 'create', '--role', 'viewer', '--json', '--db', db])).stdout) as { id: string; name: string; token: string }
    expect(json.token).toMatch(new RegExp(`^slk_${json.id}_`))
    expect(json.name).toBe(`token ${json.id}`)
    const bad = await runCommand(register, ['tokens', 'create', '--role', 'root', '--db', db])
    expect(bad.error).toBeInstanceOf(UserError)
    expect((bad.error as Error).message).toBe('--role must be one of viewer, marketer, engineer, operator, admin (got "root")')
    expect(((await runCommand(register, ['tokens', 'revoke', 'nope', '--db', db])).error as Error).message).toBe("API token 'nope' was not found")
    expect((await runCommand(register, ['tokens', 'list', '--db', await freshDb()])).stdout).toBe('No API tokens. Create one with "sluice tokens create --role ROLE".\n')
  })
})
