/**
 * `sluice tokens create --role ROLE [--name N]` prints a new API token once (only its hash is
 * stored); `tokens list` shows them without secrets; `tokens revoke ID` ends one at once. The
 * same rules as the API's /api/tokens (server/auth/accounts.ts).
 */
import Table from 'cli-table3'
import type { Command } from 'commander'
import { createApiToken, listApiTokens, parseRole, revokeApiToken } from '../../server/auth/accounts.ts'
import { openAuthStore } from '../../server/auth/auth-store.ts'
import { ROLES } from '../../server/auth/roles.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const short = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '))

export function register(program: Command): void {
  const tokens = program.command('tokens').description('Manage API tokens (Authorization: Bearer …) for scripts and integrations')

  addStoreOptions(
    tokens.command('create').description('Create an API token and print it (the only time it is shown)')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
      .option('--name <name>', 'what it is for (shown in lists and as who did what)')
      .option('--json', 'print the token as JSON'),
  ).action(async (flags: StoreOptionValues & { role: string; name?: string; json?: boolean }) => {
    const role = parseRole(flags.role, '--role')
    const { token, secret } = await withStore(flags, (store) => createApiToken(openAuthStore(store), { role, name: flags.name }, Date.now()))
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ id: token.id, name: token.name, role: token.role, createdAt: iso(token.createdAt), token: secret }, null, 2)}\n`)
      return
    }
    process.stdout.write(`Token ${token.id} ("${token.name}", role ${token.role}) created. It is shown only now; keep it somewhere safe:\n\n  ${secret}\n\nSend it as "Authorization: Bearer <token>". Revoke it with "sluice tokens revoke ${token.id}".\n`)
  })

  addStoreOptions(tokens.command('list').description('List API tokens (never their secrets)').option('--json', 'print the tokens as JSON'))
    .action(async (flags: StoreOptionValues & { json?: boolean }) => {
      const rows = await withStore(flags, (store) => listApiTokens(openAuthStore(store)))
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows.map((t) => ({ ...t, createdAt: iso(t.createdAt), lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt) })), null, 2)}\n`)
        return
      }
      if (rows.length === 0) {
        process.stdout.write('No API tokens. Create one with "sluice tokens create --role ROLE".\n')
        return
      }
      const table = new Table({ head: ['id', 'name', 'role', 'created', 'last used', 'revoked'] })
      for (const t of rows) table.push([t.id, t.name, t.role, short(t.createdAt), short(t.lastUsedAt), short(t.revokedAt)])
      process.stdout.write(`${table.toString()}\n`)
    })

  addStoreOptions(tokens.command('revoke').description('Revoke an API token: its next request is refused').argument('<id>', 'token id (see "sluice tokens list")'))
    .action(async (id: string, flags: StoreOptionValues) => {
      const token = await withStore(flags, (store) => revokeApiToken(openAuthStore(store), id, Date.now()))
      process.stdout.write(`Token ${token.id} ("${token.name}") is revoked.\n`)
    })
}
