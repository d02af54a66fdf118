/**
 * The `webhook` channel: each message is a JSON POST to a configured URL, signed with
 * HMAC-SHA256 over the exact body (`X-Sluice-Signature: sha256=<hex>`) and carrying the outbox
 * key as `Idempotency-Key`. SMS, push and WeChat-style providers are webhook adapters with a
 * body mapping (see {@link providerWebhook}).
 *
 * Outbound requests never reach loopback, private, link-local or metadata addresses unless
 * allow-listed: literal IPs are checked before connecting, host names at DNS resolution time
 * inside the socket's own lookup, so the address checked is the address connected to (no
 * window for DNS rebinding between a check and the connection).
 *
 * Framework-free (Node's http/https, dns, crypto), so it lives in engine/channels.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { UserError } from '../errors.ts'
import type { Channel } from '../ports/store.ts'
import { AllowList, blockedKind } from './address-guard.ts'
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from './channel-port.ts'

/** How a webhook adapter is configured. */
export interface WebhookChannelOptions {
  /** Adapter name in errors and summaries; default `webhook`. */
  name?: string
  /** http(s) URL messages are POSTed to. */
  url: string
  /** HMAC-SHA256 key for the signature header (16 characters or more). */
  secret: string
  /** Host names, IPs or CIDR blocks allowed even though they are internal (e.g. a local relay). */
  allow?: readonly string[]
  /** Extra request headers (e.g. a provider's API key header). */
  headers?: Record<string, string>
  /** Socket inactivity limit per request; default 10 s. */
  timeoutMs?: number
  /** Requests in flight at once; default 8. */
  concurrency?: number
  /** Maps a message to the JSON body; default {@link defaultWebhookBody}. */
  body?: (message: OutboundMessage) => unknown
}

/** The default JSON body: the message and where it comes from. */
export function defaultWebhookBody(m: OutboundMessage): unknown {
  return { key: m.key, channel: m.channel, customer: m.customerId, flow: m.flowId, run: m.runId, node: m.nodeId, offer: m.offer, message: m.message }
}

/** `sha256=<hex>` of the body under the secret. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** True when `header` is the signature of `body` under `secret` (constant-time compare); for receivers. */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false
  const expected = Buffer.from(signWebhookBody(secret, body))
  const given = Buffer.from(header)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** A refusal to connect: permanent, never retried. */
class RefusedAddress extends Error {}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** A dns.lookup that fails for blocked addresses unless the host or address is allow-listed. */
function guardedLookup(allow: AllowList) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (error, addresses) => {
      if (error) return callback(error, [])
      if (!allow.allowsHost(hostname)) {
        for (const { address } of addresses) {
          const kind = allow.allowsAddress(address) ? null : blockedKind(address)
          if (kind) return callback(new RefusedAddress(`${hostname} resolves to ${address}, a ${kind} address`), [])
        }
      }
      if (options.all) return callback(null, addresses)
      const first = addresses[0] as LookupAddress
      return callback(null, first.address, first.family)
    })
  }
}

/** Creates a webhook adapter; a bad URL or secret is a UserError naming the adapter. */
export function createWebhookChannel(options: WebhookChannelOptions): ChannelAdapter {
  const name = options.name ?? 'webhook'
  let url: URL
  try {
    url = new URL(options.url)
  } catch {
    throw new UserError('webhook-config', `channel "${name}": url "${options.url}" is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError('webhook-config', `channel "${name}": url must be http or https, got ${url.protocol}`)
  if (typeof options.secret !== 'string' || options.secret.length < 16) throw new UserError('webhook-config', `channel "${name}": the signing secret must be at least 16 characters`)
  let allow: AllowList
  try {
    allow = new AllowList(options.allow ?? [])
  } catch (error) {
    throw new UserError('webhook-config', `channel "${name}": ${(error as Error).message}`)
  }
  const lookup = guardedLookup(allow)
  const timeout = options.timeoutMs ?? 10_000
  const toBody = options.body ?? defaultWebhookBody
  const concurrency = Math.max(1, options.concurrency ?? 8)

  /** Refusal reason for a literal-IP host before any connection, or null. */
  function literalRefusal(): string | null {
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) === 0 || allow.allowsHost(host) || allow.allowsAddress(host)) return null
    const kind = blockedKind(host)
    return kind ? `${host} is a ${kind} address` : null
  }

  function post(message: OutboundMessage): Promise<DeliveryResult> {
    const refused = literalRefusal()
    if (refused) return Promise.resolve({ status: 'failed', permanent: true, error: `webhook "${name}" refused: ${refused} (add it to the allow-list to permit it)` })
    let body: string
    try {
      body = JSON.stringify(toBody(message))
    } catch (error) {
      // A body that cannot be built for this message (a payload template rendering no JSON) will not build on a retry either.
      return Promise.resolve({ status: 'failed', permanent: true, error: `webhook "${name}": cannot build the request body: ${error instanceof Error ? error.message : String(error)}` })
    }
    const client = url.protocol === 'https:' ? https : http
    return new Promise((resolve) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          lookup: lookup as unknown as http.RequestOptions['lookup'],
          timeout,
          headers: {
            ...options.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'idempotency-key': message.key,
            'x-sluice-signature': signWebhookBody(options.secret, body),
          },
        },
        (response) => {
          response.resume()
          response.on('end', () => {
            const status = response.statusCode ?? 0
            if (status >= 200 && status < 300) return resolve({ status: 'sent' })
            // 4xx is the provider rejecting this message: retrying the same body will not help,
            // except for timeouts and rate limits.
            const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429
            resolve({ status: 'failed', permanent, error: `webhook "${name}" answered HTTP ${status}` })
          })
        },
      )
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeout} ms`)))
      request.on('error', (error) => {
        if (error instanceof RefusedAddress) resolve({ status: 'failed', permanent: true, error: `webhook "${name}" refused: ${error.message} (add it to the allow-list to permit it)` })
        else resolve({ status: 'failed', error: `webhook "${name}" failed: ${error.message}` })
      })
      request.end(body)
    })
  }

  return {
    name,
    async deliver(messages: readonly OutboundMessage[]): Promise<DeliveryResult[]> {
      const results: DeliveryResult[] = new Array(messages.length)
      for (let start = 0; start < messages.length; start += concurrency) {
        const slice = messages.slice(start, start + concurrency)
        const answers = await Promise.all(slice.map(post))
        answers.forEach((answer, i) => (results[start + i] = answer))
      }
      return results
    },
  }
}

/**
 * A messaging provider (SMS gateway, push service, WeChat-style official account) reached as a
 * webhook: the body is `{ to, text, subject?, reference }` plus the provider's fixed fields.
 * `to` is the address the choose-channel node resolved when it decided (phone, push token, …).
 */
export function providerWebhook(channel: Channel, options: WebhookChannelOptions & { fields?: Record<string, unknown> }): ChannelAdapter {
  return createWebhookChannel({
    name: options.name ?? `${channel}-provider`,
    ...options,
    body: (m) => ({
      ...options.fields,
      channel,
      to: m.message.to ?? null,
      text: m.message.body ?? '',
      ...(m.message.subject === undefined ? {} : { subject: m.message.subject }),
      reference: m.key,
    }),
  })
}

/** A channel router from a map of adapters (channels not in it have no adapter: dead-lettered). */
export function routeChannels(adapters: Partial<Record<Channel, ChannelAdapter>>): (channel: Channel) => ChannelAdapter | undefined {
  return (channel) => adapters[channel]
}
