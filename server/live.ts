/**
 * The live server: the engine on the real clock in the same process as the HTTP app. The
 * scheduler ticks whenever work is due (waits and schedule fires come from the database, so
 * they survive restarts) and at most a second apart; event ingest and publishes nudge it.
 */
import type { ChannelRouter } from '../engine/channels/channel-port.ts'
import { RealClock } from '../engine/clock/real-clock.ts'
import { Engine } from '../engine/executor/engine.ts'
import type { StorePort } from '../engine/ports/store.ts'
import type { ContactPolicy } from '../engine/policy/contact-policy.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'
import { OutboxLoop } from '../engine/outbox/outbox-loop.ts'
import { Scheduler } from '../engine/scheduler/scheduler.ts'
import type { NodeSecrets } from '../engine/sdk/types.ts'
import { UserError } from '../engine/errors.ts'
import { contactPolicySchema } from '../engine/policy/contact-policy.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { createApp } from './app.ts'
import type { ServerContext } from './context.ts'
import { openAuthStore, type AuthStore } from './auth/auth-store.ts'
import { createAuthenticator, type SluiceAuthenticator } from './auth/authenticator.ts'
import type { Authenticator } from './http/api-env.ts'

export interface LiveOptions {
  store: StorePort
  registry: NodeRegistry
  channels: ChannelRouter
  /** Users, sessions and tokens (default: over `store`); `sessions` authenticates requests unless `auth` (local mode) is given. */
  authStore?: AuthStore
  sessions?: SluiceAuthenticator
  auth?: Authenticator
  version: string
  /** The editor's build to serve at `/`. */
  editorDir?: string
  contactPolicy?: ContactPolicy
  /** The project's secrets (ctx.secrets of every node). */
  secrets?: NodeSecrets
  /** The server's public URL (ctx.publicUrl: links in messages, such as one-click unsubscribe). */
  publicUrl?: string
  /** The channels and the contact policy source behind /api/channels and /api/policy. */
  configuration?: ServerContext['configuration']
  /** Longest sleep between ticks (pick-up of events written by other processes). Default 1 s. */
  idleMs?: number
  /** A tick failed (the store went away): logged, and the scheduler starts again after a pause. */
  onError?(error: unknown): void
}

export interface LiveServer {
  ctx: ServerContext
  app: ReturnType<typeof createApp>
  /** Stops the scheduler after its current tick and the dispatcher after its current delivery. */
  stop(): Promise<void>
}

/** Builds the engine and the app over `store` and starts the scheduler. */
export function startLive(options: LiveOptions): LiveServer {
  const clock = new RealClock()
  const engineStore = openEngineStore(options.store)
  // The outbox is delivered in a loop of its own, so a slow SMTP server never stalls a tick.
  const engine = new Engine({
    store: engineStore, registry: options.registry, clock, channels: options.channels, dispatch: 'separate',
    ...(options.contactPolicy ? { contactPolicy: options.contactPolicy } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  })
  const outbox = new OutboxLoop(engine, clock, { idleMs: options.idleMs ?? 1_000, ...(options.onError ? { onError: options.onError } : {}) })
  // A tick that did something may have queued sends (event intake's are not counted apart): wake the dispatcher.
  const scheduler = new Scheduler(engine, clock, { idleMs: options.idleMs ?? 1_000, onTick: (tick) => tick.progress && outbox.nudge() })
  const abort = new AbortController()
  const authStore = options.authStore ?? openAuthStore(options.store)
  const sessions = options.sessions ?? createAuthenticator(authStore, { now: () => clock.now() })
  const configuration: ServerContext['configuration'] = options.configuration ?? {
    channels: { router: options.channels, adapters: new Map(), mapping: {} as ServerContext['configuration']['channels']['mapping'], close: () => {} },
    config: undefined, env: {},
    policies: { load: () => Promise.resolve({ policy: options.contactPolicy ?? contactPolicySchema.parse({}), source: options.contactPolicy ? 'config' : 'none' }), save: () => Promise.reject(new UserError('contact-policy.read-only', 'this server keeps no contact policy file')) },
  }
  const ctx: ServerContext = { configuration, store: options.store, engineStore, engine, registry: options.registry, clock, auth: options.auth ?? sessions, authStore, sessions, nudge: () => scheduler.nudge(), version: options.version,
    ...(options.secrets?.get('unsubscribe') ? { unsubscribeSecret: options.secrets.get('unsubscribe') as string } : {}),
    ...(options.editorDir ? { editorDir: options.editorDir } : {}) }

  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        await scheduler.runForever(abort.signal)
      } catch (error) {
        options.onError?.(error)
        // A failing store fails every tick: back off instead of spinning.
        await clock.sleepUntil(clock.now() + 5_000, abort.signal)
      }
    }
  })()
  const delivering = outbox.runForever(abort.signal)

  return {
    ctx,
    app: createApp(ctx),
    stop: async () => {
      abort.abort()
      await Promise.all([loop, delivering])
    },
  }
}
