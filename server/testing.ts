/**
 * A server over an in-memory SQLite store and a simulated clock, for route tests:
 * `const server = await testServer(); await server.app.request('/api/…')`. The engine ticks only
 * when the test says so (`server.tick()`), so every test sees exact, repeatable counts.
 */
import { allChannelsThrough, type ChannelRouter } from '../engine/channels/channel-port.ts'
import { createLogChannel } from '../engine/channels/log-channel.ts'
import { SimulatedClock } from '../engine/clock/simulated-clock.ts'
import { Engine, type TickReport } from '../engine/executor/engine.ts'
import { channelRouterFromConfig } from '../channels/from-config.ts'
import { contactPolicySchema } from '../engine/policy/contact-policy.ts'
import type { StoredContactPolicy } from './services/contact-policy-file.ts'
import { openAuthStore } from './auth/auth-store.ts'
import { createAuthenticator } from './auth/authenticator.ts'
import type { Principal } from './auth/roles.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'
import { createApp } from './app.ts'
import type { ServerContext } from './context.ts'
import type { Authenticator } from './http/api-env.ts'

export interface TestServer {
  ctx: ServerContext
  app: ReturnType<typeof createApp>
  clock: SimulatedClock
  /** How many times the app asked the scheduler to wake. */
  nudges: number
  tick(): Promise<TickReport>
  /** JSON request helper: `request('POST', '/api/events', body)`. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>
  close(): Promise<void>
}

/** Whoever a request claims to be in the `X-Test-Role` header (absent: nobody). For route tests only. */
export const headerRoleAuthenticator: Authenticator = {
  principalOf: (c) => {
    const role = c.req.header('x-test-role') as Principal['role'] | undefined
    return Promise.resolve(role ? { kind: 'token', id: `test-${role}`, name: `test ${role}`, role } : null)
  },
}

let builtins: Promise<NodeRegistry> | undefined

export async function testServer(options: { start?: number; auth?: Authenticator; channels?: ChannelRouter; registry?: NodeRegistry } = {}): Promise<TestServer> {
  const clock = new SimulatedClock(options.start ?? Date.UTC(2025, 5, 1))
  const store = await openStore({ db: ':memory:', now: () => clock.now() })
  const engineStore = openEngineStore(store)
  // Loading node declarations is the slow part of a test server: once per test file.
  const registry = options.registry ?? (await (builtins ??= loadRegistry({ root: false })))
  const engine = new Engine({ store: engineStore, registry, clock, channels: options.channels ?? allChannelsThrough(createLogChannel(() => {})) })
  const server: TestServer = {
    clock,
    nudges: 0,
    ctx: undefined as unknown as ServerContext,
    app: undefined as unknown as ReturnType<typeof createApp>,
    tick: () => engine.tick(),
    request: async (method, path, body, headers = {}) =>
      server.app.request(path, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    close: () => store.close(),
  }
  const authStore = openAuthStore(store)
  const sessions = createAuthenticator(authStore, { now: () => clock.now() })
  let stored: StoredContactPolicy = { policy: contactPolicySchema.parse({}), source: 'none' }
  const configuration = {
    channels: channelRouterFromConfig(undefined, {}), config: undefined, env: {},
    // The policy kept in memory: the file-backed source has its own tests.
    policies: { load: () => Promise.resolve(stored), save: (policy: StoredContactPolicy['policy'], change: { at: number; by: string }) => Promise.resolve(stored = { policy, source: 'api' as const, updatedAt: change.at, updatedBy: change.by }) },
  }
  server.ctx = { configuration, store, engineStore, engine, registry, clock, auth: options.auth ?? headerRoleAuthenticator, authStore, sessions, nudge: () => void server.nudges++, version: 'test' }
  server.app = createApp(server.ctx)
  return server
}
