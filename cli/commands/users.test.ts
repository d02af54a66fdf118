import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../../engine/errors.ts'
import { openAuthStore } from '../../server/auth/auth-store.ts'
import { verifyPassword } from '../../server/auth/passwords.ts'
import { openStore } from '../../store/open-store.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { runCommand } from '../run-command.ts'
import type { PasswordInput } from './shared/password-input.ts'
import { register } from './users.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const folder = createTempFolder('sluice-users-cli-')
afterAll(() => folder.remove())

/** A new, migrated store file (these commands refuse a store that does not exist). */
async function freshDb(): Promise<string> {
  const db = folder.db()
  await (await openStore({ db })).close()
  return db
}
const PASSWORD = 'correct horse battery'
const sluice = (args: string[], input?: string) => spawnSync(process.execPath, ['cli/bin.mjs', ...args], { cwd: repo, encoding: 'utf8', ...(input === undefined ? {} : { input }) })

/** A terminal that answers the prompts in order, recording what was asked. */
function terminal(answers: string[]): PasswordInput & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    readStdin: () => Promise.reject(new Error('stdin was not to be read')),
    isTerminal: () => true,
    promptHidden: (question) => {
      asked.push(question)
      return Promise.resolve(answers.shift() ?? '')
    },
  }
}

async function passwordOf(db: string, name: string, password: string): Promise<boolean> {
  const store = await openStore({ db })
  try {
    const user = await openAuthStore(store).userByName(name)
    return user ? verifyPassword(user.passwordHash, password) : false
  } finally {
    await store.close()
  }
}

describe('sluice users', () => {
  it('adds a user from --password-stdin, lists, changes the role, disables and enables (child process, exit codes)', async () => {
    const db = await freshDb()
    const added = sluice(['users', 'add', 'maria', '--role', 'marketer', '--password-stdin', '--db', db], 'correct horse battery\n')
    expect(added.stderr).toBe('')
    expect(added.status).toBe(0)
    expect(added.stdout).toBe('User maria added with the marketer role.\n')
    expect(await passwordOf(db, 'maria', 'correct horse battery')).toBe(true)

    const noTerminal = sluice(['users', 'add', 'lee', '--role', 'viewer', '--db', db], '')
    expect(noTerminal.status).toBe(1)
    expect(noTerminal.stderr).toBe('error: standard input is not a terminal to ask for a password: pipe it in with --password-stdin\n')

    const again = await runCommand((p) => register(p, terminal([PASSWORD, PASSWORD])), ['users', 'add', 'maria', '--role', 'viewer', '--db', db])
    expect((again.error as Error).message).toBe("a user named 'maria' already exists")
    expect((await runCommand(register, ['users', 'set-role', 'maria', 'engineer', '--db', db])).stdout).toBe('User maria now has the engineer role.\n')
    expect((await runCommand(register, ['users', 'disable', 'maria', '--db', db])).stdout).toBe('User maria is disabled.\n')
    const listed = JSON.parse((await runCommand(register, ['users', 'list', '--json', '--db', db])).stdout) as { name: string; role: string; disabled: boolean }[]
    expect(listed).toEqual([{ name: 'maria', role: 'engineer', disabled: true, createdAt: expect.any(String) }])
    expect((await runCommand(register, ['users', 'enable', 'maria', '--db', db])).stdout).toBe('User maria is enabled.\n')
    const table = stripVTControlCharacters((await runCommand(register, ['users', 'list', '--db', db])).stdout)
    expect(table).toMatch(/maria\s+│ engineer\s+│ enabled/)
    expect(table).not.toMatch(/argon2|hash/i)
  })

  it('asks twice on a terminal and refuses two different answers or a short password', async () => {
    const db = await freshDb()
    const prompt = terminal(['a long enough secret', 'a long enough secret'])
    const ok = await runCommand((p) => register(p, prompt), ['users', 'add', 'root', '--role', 'admin', '--db', db])
    expect(ok.error).toBeUndefined()
    expect(prompt.asked).toEqual(['Password for root: ', 'Again: '])
    expect(await passwordOf(db, 'root', 'a long enough secret')).toBe(true)

    const differ = await runCommand((p) => register(p, terminal(['a long enough secret', 'another one entirely'])), ['users', 'add', 'lee', '--role', 'viewer', '--db', db])
    expect(differ.error).toBeInstanceOf(UserError)
    expect((differ.error as Error).message).toBe('the two passwords differ; nothing was changed')
    const short = await runCommand((p) => register(p, terminal(['short', 'short'])), ['users', 'add', 'lee', '--role', 'viewer', '--db', db])
    expect((short.error as Error).message).toBe('password must be at least 12 characters (got 5)')
    expect(JSON.parse((await runCommand(register, ['users', 'list', '--json', '--db', db])).stdout)).toHaveLength(1)
  })

  it('names the flag or argument of a bad role, refuses to lose the last admin, and sets a password', async () => {
    const db = await freshDb()
    await runCommand((p) => register(p, terminal(['a long enough secret', 'a long enough secret'])), ['users', 'add', 'root', '--role', 'admin', '--db', db])
    const badFlag = await runCommand(register, ['users', 'add', 'x', '--role', 'owner', '--db', db])
    expect((badFlag.error as Error).message).toBe('--role must be one of viewer, marketer, engineer, operator, admin (got "owner")')
    const badArg = await runCommand(register, ['users', 'set-role', 'root', 'owner', '--db', db])
    expect((badArg.error as Error).message).toBe('ROLE must be one of viewer, marketer, engineer, operator, admin (got "owner")')
    const last = await runCommand(register, ['users', 'disable', 'root', '--db', db])
    expect((last.error as Error).message).toBe("'root' is the last enabled admin; make another user an admin first")
    const unknown = await runCommand(register, ['users', 'set-password', 'nobody', '--db', db])
    expect((unknown.error as Error).message).toBe("user 'nobody' was not found")

    const changed = await runCommand((p) => register(p, terminal(['a brand new password', 'a brand new password'])), ['users', 'set-password', 'root', '--db', db])
    expect(changed.stdout).toBe('The password of root is changed; their sessions have ended.\n')
    expect(await passwordOf(db, 'root', 'a brand new password')).toBe(true)
  })
})
