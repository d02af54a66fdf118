/**
 * `sluice serve` (what `npm start` runs): opens and migrates the store, loads the demo data on
 * first start of an empty store, runs the engine live on the real clock (server/live.ts) and
 * serves the HTTP app and API until interrupted.
 */
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Command } from 'commander'
import { channelRouterFromConfig } from '../../channels/from-config.ts'
import { resolveNodeSettings } from '../../engine/config/node-settings.ts'
import { UserError } from '../../engine/errors.ts'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import { loadProjectConfig } from '../../engine/registry/project-config.ts'
import { setDeterminismGuardMode } from '../../engine/sdk/determinism-guard.ts'
import { localAuthenticator } from '../../server/http/api-env.ts'
import { EDITOR_DIST, ensureEditorBuilt } from '../../server/editor-assets.ts'
import { startLive } from '../../server/live.ts'
import { ContactPolicyFile } from '../../server/services/contact-policy-file.ts'
import { ensureAdmin } from '../../server/auth/accounts.ts'
import { openAuthStore } from '../../server/auth/auth-store.ts'
import { createAuthenticator } from '../../server/auth/authenticator.ts'
import { loadDemo } from '../../demo/load-demo.ts'
import { addStoreOptions, describeStore, openStoreFromOptions } from '../store-options.ts'
import type { StoreOptionValues } from '../store-options.ts'
import { parseAsOf } from './shared/as-of.ts'
import { parseWholeNumber } from './shared/whole-number.ts'

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }

interface ServeFlags extends StoreOptionValues {
  port: string
  host: string
  demo: boolean
  local?: boolean
}

/** Interfaces that only this machine can reach: the only ones local single-user mode may listen on. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** Registers `serve`. */
export function register(program: Command): void {
  const command = program
    .command('serve')
    .description('Start the Sluice server (loads the demo data into an empty store on first start)')
    .option('-p, --port <port>', 'port to listen on; 0 picks a free one', process.env.PORT ?? '3000')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--no-demo', 'do not load the demo data into an empty store')
    .option('--local', 'single-user mode: every request acts as an admin, no sign-in (the default on loopback; refused elsewhere)')
    .option('--no-local', 'ask for a sign-in even on loopback (users, sessions and API tokens)')
  addStoreOptions(command).action(async (flags: ServeFlags) => {
    const port = parseWholeNumber('--port', flags.port, 0, 65_535)

    const store = await openStoreFromOptions(flags, { create: true })
    if (flags.demo && (await store.countCustomers()) === 0) {
      process.stdout.write(`The store (${describeStore(flags)}) is empty: loading the demo data…\n`)
      const summary = await loadDemo(store, { asOf: parseAsOf(undefined, Date.now()) })
      process.stdout.write(`Loaded ${summary.import.rows.toLocaleString('en-US')} customers and ${summary.synthetic.eventsInserted.toLocaleString('en-US')} events.\n`)
    }

    const local = flags.local ?? isLoopbackHost(flags.host)
    if (local && !isLoopbackHost(flags.host)) {
      throw new UserError('cli.serve', `--local (no sign-in) only listens on loopback; --host ${flags.host} would let anyone on the network act as an admin`)
    }
    await ensureEditorBuilt((line) => process.stdout.write(`${line}\n`))
    const registry = await loadRegistry()
    const project = await loadProjectConfig(process.cwd())
    const { contactPolicy } = project.config
    // Node code is guarded from the first tick on; only a server may lower the guard.
    setDeterminismGuardMode(project.config.engine?.determinismGuard ?? 'throw')
    // Secrets and channel settings are read from the environment once, here; a missing one stops the start naming its path.
    const where = project.file ?? 'sluice.config.ts'
    const settings = resolveNodeSettings(project.config, process.env, { where, fallbackUrl: `http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${port}` })
    const channels = channelRouterFromConfig(project.config.channels, process.env, { where })
    const authStore = openAuthStore(store)
    const sessions = createAuthenticator(authStore, { now: () => Date.now() })
    // The first start creates the admin; its one-time password is shown here once.
    const admin = await ensureAdmin(authStore, Date.now())
    if (admin) process.stdout.write(`Created the user "${admin.name}" with the one-time password ${admin.password} (change it with "sluice users set-password ${admin.name}").\n`)
    // The policy edited through the API lives in a file beside the config, else the config's.
    const policies = ContactPolicyFile.beside(process.cwd(), project.file, contactPolicy)
    const stored = await policies.load()
    const live = startLive({
      configuration: { channels, config: project.config.channels, env: process.env, policies },
      authStore, sessions, ...(local ? { auth: localAuthenticator('admin') } : {}),
      store, registry, version: packageJson.version, editorDir: EDITOR_DIST,
      channels: channels.router, secrets: settings.secrets, ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
      ...(stored.source === 'none' ? {} : { contactPolicy: stored.policy }),
      onError: (error) => process.stderr.write(`engine: ${error instanceof Error ? error.message : String(error)}; retrying in 5 s\n`),
    })
    const server = serve({ fetch: live.app.fetch, port, hostname: flags.host }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
      process.stdout.write(`Sluice ${packageJson.version} is serving ${describeStore(flags)} at http://${host}:${info.port}/ (API: /api, docs: /api/docs)${local ? '; single-user mode, no sign-in' : ''}\n`)
    })
    server.on('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`error: cannot listen on ${flags.host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use (choose another with --port)' : error.message}\n`)
      process.exit(1)
    })

    const stop = () => {
      server.close(() => void live.stop().then(() => { channels.close(); return store.close() }).then(() => process.exit(0)))
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
