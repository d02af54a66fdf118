/**
 * `sluice users add NAME --role ROLE` (the password from a prompt, or `--password-stdin`),
 * `users list`, `users set-role NAME ROLE`, `users disable NAME`, `users enable NAME`,
 * `users set-password NAME`: the same rules as the API's /api/users (server/auth/accounts.ts).
 * `set-password` is the way back in when an admin password is lost.
 */
import Table from 'cli-table3'
import type { Command } from 'commander'
import { NotFoundError } from '../../engine/errors.ts'
import { addUser, disableUser, enableUser, listUsers, parseRole, setUserPassword, setUserRole } from '../../server/auth/accounts.ts'
import { openAuthStore } from '../../server/auth/auth-store.ts'
import { ROLES } from '../../server/auth/roles.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'
import { processPasswordInput, readNewPassword, type PasswordInput } from './shared/password-input.ts'

interface PasswordFlags extends StoreOptionValues {
  passwordStdin?: boolean
}

export function register(program: Command, input: PasswordInput = processPasswordInput): void {
  const users = program.command('users').description('Manage who can sign in to the server and with which role')
  const roles = ROLES.join(', ')

  addStoreOptions(
    users.command('add').description('Add a user (asks for the password, or reads it with --password-stdin)')
      .argument('<name>', 'user name, used to sign in')
      .requiredOption('--role <role>', `one of ${roles}`)
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (name: string, flags: PasswordFlags & { role: string }) => {
    const role = parseRole(flags.role, '--role')
    const password = await readNewPassword(input, name, flags.passwordStdin === true)
    const user = await withStore(flags, (store) => addUser(openAuthStore(store), { name, role, password }, Date.now()))
    process.stdout.write(`User ${user.name} added with the ${user.role} role.\n`)
  })

  addStoreOptions(users.command('list').description('List users').option('--json', 'print the users as JSON')).action(async (flags: StoreOptionValues & { json?: boolean }) => {
    const rows = await withStore(flags, (store) => listUsers(openAuthStore(store)))
    const shown = rows.map((u) => ({ name: u.name, role: u.role, disabled: u.disabled, createdAt: new Date(u.createdAt).toISOString() }))
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`)
      return
    }
    if (shown.length === 0) {
      process.stdout.write('No users yet: "sluice serve" creates admin on first start, or add one with "sluice users add NAME --role admin".\n')
      return
    }
    const table = new Table({ head: ['name', 'role', 'status', 'created'] })
    for (const u of shown) table.push([u.name, u.role, u.disabled ? 'disabled' : 'enabled', u.createdAt.slice(0, 16).replace('T', ' ')])
    process.stdout.write(`${table.toString()}\n`)
  })

  addStoreOptions(users.command('set-role').description("Change a user's role").argument('<name>', 'user name').argument('<role>', `one of ${roles}`))
    .action(async (name: string, role: string, flags: StoreOptionValues) => {
      const parsed = parseRole(role, 'ROLE')
      const user = await withStore(flags, (store) => setUserRole(openAuthStore(store), name, parsed))
      process.stdout.write(`User ${user.name} now has the ${user.role} role.\n`)
    })

  addStoreOptions(users.command('disable').description('Disable a user: their sessions end and they cannot sign in').argument('<name>', 'user name'))
    .action(async (name: string, flags: StoreOptionValues) => {
      await withStore(flags, (store) => disableUser(openAuthStore(store), name))
      process.stdout.write(`User ${name} is disabled.\n`)
    })

  addStoreOptions(users.command('enable').description('Enable a disabled user again').argument('<name>', 'user name'))
    .action(async (name: string, flags: StoreOptionValues) => {
      await withStore(flags, (store) => enableUser(openAuthStore(store), name))
      process.stdout.write(`User ${name} is enabled.\n`)
    })

  addStoreOptions(
    users.command('set-password').description("Set a user's password (their sessions end)").argument('<name>', 'user name')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (name: string, flags: PasswordFlags) => {
    // Look the user up first, so nobody types a password for a name that does not exist.
    await withStore(flags, async (store) => {
      const auth = openAuthStore(store)
      if (!(await auth.userByName(name))) throw new NotFoundError('user', name)
      await setUserPassword(auth, name, await readNewPassword(input, name, flags.passwordStdin === true))
    })
    process.stdout.write(`The password of ${name} is changed; their sessions have ended.\n`)
  })
}
