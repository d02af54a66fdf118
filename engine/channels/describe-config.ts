/**
 * The channels section for people (`sluice channels list`, GET /api/channels): each adapter
 * with its settings, secrets masked, and the adapter of each channel. A secret shows only the
 * variable it comes from and whether that is set; literal header values and a password in the
 * URL are masked too, since they are often tokens.
 */
import { isSecretRef, type Env, type Setting } from '../config/secret-ref.ts'
import { CHANNELS, type Channel } from '../ports/store.ts'
import { channelMapping, LOG_ADAPTER, type ChannelAdapterConfig, type ChannelsConfig } from './config.ts'

export const MASK = '••••'

export interface AdapterDescription {
  name: string
  kind: ChannelAdapterConfig['kind']
  /** Setting → shown value, in a stable order. */
  settings: Record<string, string>
  /** Channels that use it. */
  channels: Channel[]
}

export interface ChannelsDescription {
  adapters: AdapterDescription[]
  /** Adapter name per channel; null: none (sends are dead-lettered). */
  channels: Record<Channel, string | null>
  /** Whether the project has a channels section (without one everything goes through log). */
  configured: boolean
}

/** `$NAME (set)` / `$NAME (not set)` for a reference, the value itself or the mask for a literal. */
function shown(value: Setting, env: Env, literal: 'plain' | 'mask'): string {
  if (isSecretRef(value)) return `$${value.env} (${env[value.env] ? 'set' : 'not set'})`
  return literal === 'mask' ? MASK : value
}

/** The URL with a password in it masked (ASCII: URLs percent-encode the bullet). */
function safeUrl(text: string): string {
  const url = new URL(text)
  if (url.password) url.password = '***'
  return url.toString()
}

function settingsOf(adapter: ChannelAdapterConfig, env: Env): Record<string, string> {
  if (adapter.kind === 'log') return {}
  if (adapter.kind === 'smtp') {
    return {
      host: adapter.host, port: String(adapter.port), secure: String(adapter.secure), requireTLS: String(adapter.requireTLS), from: adapter.from,
      ...(adapter.auth ? { 'auth.user': shown(adapter.auth.user, env, 'plain'), 'auth.pass': shown(adapter.auth.pass, env, 'mask') } : {}),
      concurrency: String(adapter.concurrency), timeoutMs: String(adapter.timeoutMs),
    }
  }
  const payload = adapter.payload === undefined ? 'the whole message (default)' : typeof adapter.payload === 'string' ? 'one template for every channel' : `templates for ${Object.keys(adapter.payload).join(', ')}`
  return {
    url: safeUrl(adapter.url), secret: shown(adapter.secret, env, 'mask'),
    ...Object.fromEntries(Object.entries(adapter.headers ?? {}).map(([name, value]) => [`headers.${name}`, shown(value, env, 'mask')])),
    payload, allow: (adapter.allow ?? []).join(', ') || '(none)', concurrency: String(adapter.concurrency), timeoutMs: String(adapter.timeoutMs),
  }
}

/** The section as shown to people; `env` only says whether referenced variables are set. */
export function describeChannels(config: ChannelsConfig | undefined, env: Env): ChannelsDescription {
  const mapping = channelMapping(config)
  const declared: [string, ChannelAdapterConfig][] = Object.entries(config?.adapters ?? {})
  const all: [string, ChannelAdapterConfig][] = declared.some(([name]) => name === LOG_ADAPTER) ? declared : [[LOG_ADAPTER, { kind: 'log' }], ...declared]
  return {
    configured: config !== undefined,
    adapters: all.map(([name, adapter]) => ({ name, kind: adapter.kind, settings: settingsOf(adapter, env), channels: CHANNELS.filter((c) => mapping[c] === name) })),
    channels: Object.fromEntries(CHANNELS.map((c) => [c, mapping[c] ?? null])) as Record<Channel, string | null>,
  }
}
