/**
 * Everything a route module may use: the stores, the engine and its registry, the clock, and a
 * way to wake the scheduler. `sluice serve` builds one over the real clock (live.ts); tests build
 * one over a simulated clock and an in-memory store (testing.ts) and call `app.request()`.
 */
import type { Clock } from '../engine/clock/clock.ts'
import type { Engine } from '../engine/executor/engine.ts'
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import type { AuthStore } from './auth/auth-store.ts'
import type { SluiceAuthenticator } from './auth/authenticator.ts'
import type { Authenticator } from './http/api-env.ts'
import type { ChannelDeps } from './routes/channels.ts'
import type { ContactPolicySource } from './services/contact-policy-file.ts'

export interface ServerContext {
  store: StorePort
  engineStore: EngineStore
  engine: Engine
  registry: NodeRegistry
  clock: Clock
  /** Who a request is: `sessions` (cookie or token), or one principal in local single-user mode. */
  auth: Authenticator
  /** Users, sessions and API tokens (the sign-in, users and tokens routes). */
  authStore: AuthStore
  sessions: SluiceAuthenticator
  /** New work arrived (events, a publish): the scheduler ticks now instead of at its next due time. */
  nudge(): void
  /** Version string shown on the status page and in /health. */
  version: string
  /** The channel adapters and the contact policy, read and changed through /api/channels and /api/policy. */
  configuration: Omit<ChannelDeps, 'clock'> & { policies: ContactPolicySource }
  /** The `unsubscribe` secret (sluice.config.ts `secrets`): verifies one-click unsubscribe links. */
  unsubscribeSecret?: string
  /** The editor's build (editor/dist) to serve at `/`; without it `/` is the status page. */
  editorDir?: string
}
