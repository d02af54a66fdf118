/**
 * Builds the channel adapters of sluice.config.ts `channels` and the router the outbox
 * dispatcher uses. Every `{ env }` reference is read from `env` here, once; a missing variable or
 * an unusable value (a short signing secret, a bad allow-list entry) is reported with its config
 * path, all of them at once. Without a `channels` section every channel goes through `log`.
 */
import { createLogChannel } from '../engine/channels/log-channel.ts'
import type { ChannelAdapter, ChannelRouter, OutboundMessage } from '../engine/channels/channel-port.ts'
import { channelMapping, LOG_ADAPTER, type ChannelAdapterConfig, type ChannelsConfig, type SmtpAdapterConfig, type WebhookAdapterConfig } from '../engine/channels/config.ts'
import { renderPayload } from '../engine/channels/payload-template.ts'
import { createWebhookChannel, defaultWebhookBody } from '../engine/channels/webhook.ts'
import { SecretResolver, type Env } from '../engine/config/secret-ref.ts'
import { isUserError } from '../engine/errors.ts'
import type { Channel } from '../engine/ports/store.ts'
import { joinPath } from '../engine/sdk/zod-issues.ts'
import { createSmtpChannel, type SmtpChannel } from './smtp.ts'

/** The configured adapters, the router over them, and a way to release their connections. */
export interface ConfiguredChannels {
  router: ChannelRouter
  /** Every adapter by name, `log` included. */
  adapters: ReadonlyMap<string, ChannelAdapter>
  /** Adapter name per channel; undefined: the channel has none (its sends are dead-lettered). */
  mapping: Readonly<Record<Channel, string | undefined>>
  /** Closes pooled connections (SMTP). */
  close(): void
}

export interface ChannelsFromConfigOptions {
  /** Names the config in error messages; default `sluice.config.ts`. */
  where?: string
  /** Path of the section in error messages; default `default.channels`. */
  path?: string
  /** Receives one JSON line per message the log adapter records (the CLI prints them). */
  logSink?: (line: string) => void
  /** Build only this adapter (`sluice channels test NAME`): the others' variables need not be set. */
  only?: string
}

/** The adapters and router of a `channels` section; throws a ValidationError naming each unusable setting. */
export function channelRouterFromConfig(config: ChannelsConfig | undefined, env: Env, options: ChannelsFromConfigOptions = {}): ConfiguredChannels {
  const resolver = new SecretResolver(env)
  const base = joinPath(options.path ?? 'default.channels', 'adapters')
  const adapters = new Map<string, ChannelAdapter>([[LOG_ADAPTER, createLogChannel(options.logSink)]])
  const closers: (() => void)[] = []
  for (const [name, adapter] of Object.entries(config?.adapters ?? {})) {
    if (adapter.kind === 'log' || (options.only !== undefined && name !== options.only)) continue
    const built = buildAdapter(name, adapter, resolver, joinPath(base, name))
    if (!built) continue
    adapters.set(name, built)
    if ('close' in built) closers.push(() => (built as SmtpChannel).close())
  }
  try {
    resolver.throwIfProblems(options.where ?? 'sluice.config.ts')
  } catch (error) {
    for (const close of closers) close()
    throw error
  }
  const mapping = channelMapping(config)
  return {
    router: (channel) => {
      const name = mapping[channel]
      return name === undefined ? undefined : adapters.get(name)
    },
    adapters,
    mapping,
    close: () => {
      for (const close of closers) close()
    },
  }
}

function buildAdapter(name: string, adapter: Exclude<ChannelAdapterConfig, { kind: 'log' }>, resolver: SecretResolver, path: string): ChannelAdapter | undefined {
  try {
    return adapter.kind === 'smtp' ? smtpAdapter(name, adapter, resolver, path) : webhookAdapter(name, adapter, resolver, path)
  } catch (error) {
    // The adapter's own checks (a short secret, a bad allow-list entry) name the adapter; add the path.
    if (!isUserError(error)) throw error
    resolver.problem(path, error.message)
    return undefined
  }
}

function smtpAdapter(name: string, adapter: SmtpAdapterConfig, resolver: SecretResolver, path: string): ChannelAdapter | undefined {
  const auth = adapter.auth ? { user: resolver.setting(adapter.auth.user, joinPath(joinPath(path, 'auth'), 'user')), pass: resolver.secret(adapter.auth.pass, joinPath(joinPath(path, 'auth'), 'pass')) } : undefined
  if (auth && (auth.user === '' || auth.pass === '')) return undefined
  return createSmtpChannel({
    name,
    from: adapter.from,
    concurrency: adapter.concurrency,
    ...(adapter.messageIdDomain ? { messageIdDomain: adapter.messageIdDomain } : {}),
    transport: {
      host: adapter.host, port: adapter.port, secure: adapter.secure, requireTLS: adapter.requireTLS,
      ...(auth ? { auth } : {}),
      pool: true, maxConnections: adapter.concurrency,
      connectionTimeout: adapter.timeoutMs, greetingTimeout: adapter.timeoutMs, socketTimeout: adapter.timeoutMs,
    },
  })
}

function webhookAdapter(name: string, adapter: WebhookAdapterConfig, resolver: SecretResolver, path: string): ChannelAdapter | undefined {
  const secret = resolver.secret(adapter.secret, joinPath(path, 'secret'))
  const headers: Record<string, string> = {}
  for (const [header, value] of Object.entries(adapter.headers ?? {})) headers[header] = resolver.setting(value, joinPath(joinPath(path, 'headers'), header))
  if (secret === '') return undefined
  if (secret.length < 16) {
    resolver.problem(joinPath(path, 'secret'), `the signing secret in ${adapter.secret.env} must be at least 16 characters, got ${secret.length}`)
    return undefined
  }
  const payload = adapter.payload
  const templateOf = (channel: Channel): string | undefined => (payload === undefined ? undefined : typeof payload === 'string' ? payload : payload[channel])
  return createWebhookChannel({
    name, url: adapter.url, secret, headers, timeoutMs: adapter.timeoutMs, concurrency: adapter.concurrency,
    ...(adapter.allow ? { allow: adapter.allow } : {}),
    body: (message: OutboundMessage) => {
      const template = templateOf(message.channel)
      return template === undefined ? defaultWebhookBody(message) : renderPayload(template, message)
    },
  })
}
