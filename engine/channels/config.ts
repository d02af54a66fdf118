/**
 * The `channels` section of sluice.config.ts: named adapters and which one each channel uses.
 *
 * ```ts
 * channels: {
 *   adapters: {
 *     mail: { kind: 'smtp', host: 'smtp.example.com', port: 587, auth: { user: 'sluice', pass: { env: 'SMTP_PASS' } }, from: 'Shop <news@shop.example>' },
 *     gateway: { kind: 'webhook', url: 'https://sms.example.com/send', secret: { env: 'SMS_HMAC_KEY' }, payload: { sms: '{"to":"{{to}}","text":"{{body}}"}' } },
 *   },
 *   email: 'mail',
 *   sms: 'gateway',
 *   default: 'log',
 * }
 * ```
 *
 * `log` is built in (it records a send without contacting anyone). Without a `channels` section
 * every channel goes through `log`, so the demo runs with nothing configured; with one, a
 * channel goes to the adapter it names, else to `default`, else nowhere (its sends are
 * dead-lettered, naming the channel). Secrets are `{ env: NAME }` references, resolved at startup.
 */
import { z } from 'zod'
import { settingSchema, secretRefSchema } from '../config/secret-ref.ts'
import { CHANNELS, type Channel } from '../ports/store.ts'
import { checkPayloadTemplate } from './payload-template.ts'

/** The adapter every installation has. */
export const LOG_ADAPTER = 'log'

const ADAPTER_NAME = /^[a-z][a-z0-9-]*$/

const logAdapterSchema = z.strictObject({ kind: z.literal('log') }).meta({ title: 'Log', description: 'Records each send as delivered without contacting anyone (the demo default).' })

const smtpAdapterSchema = z
  .strictObject({
    kind: z.literal('smtp'),
    host: z.string().min(1).meta({ title: 'Host' }),
    port: z.number().int().min(1).max(65_535).default(587).meta({ title: 'Port', description: '587 (STARTTLS) by default; 465 with secure: true.' }),
    secure: z.boolean().default(false).meta({ title: 'TLS from the start', description: 'true: TLS from the first byte (port 465); false: upgrade with STARTTLS when the server offers it.' }),
    requireTLS: z.boolean().default(false).meta({ title: 'Require STARTTLS', description: 'Refuse to send unless the connection is upgraded to TLS.' }),
    auth: z
      .strictObject({ user: settingSchema.meta({ title: 'User' }), pass: secretRefSchema.meta({ title: 'Password', description: 'From an environment variable: { env: "SMTP_PASS" }.' }) })
      .optional()
      .meta({ title: 'Authentication' }),
    from: z.string().regex(/@[^@\s>]+>?\s*$/, 'expected a sender address, e.g. "Shop <news@shop.example>"').meta({ title: 'From' }),
    messageIdDomain: z.string().min(1).optional().meta({ title: 'Message-ID domain', description: 'Default: the sender\'s domain.' }),
    concurrency: z.number().int().min(1).max(64).default(4).meta({ title: 'Messages in flight' }),
    timeoutMs: z.number().int().min(1_000).max(600_000).default(30_000).meta({ title: 'Timeout (ms)', description: 'Connection and response limit per message.' }),
  })
  .meta({ title: 'SMTP', description: 'E-mail through an SMTP server (nodemailer).' })

const payloadTemplate = z.string().min(2).max(20_000)

const webhookAdapterSchema = z
  .strictObject({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }).meta({ title: 'URL', description: 'Each message is POSTed here as JSON.' }),
    secret: secretRefSchema.meta({ title: 'Signing secret', description: 'HMAC-SHA256 key of the X-Sluice-Signature header (16 characters or more), from an environment variable.' }),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name'), settingSchema).optional().meta({ title: 'Headers', description: 'Extra request headers; values may come from the environment: { Authorization: { env: "SMS_TOKEN" } }.' }),
    payload: z
      .union([payloadTemplate, z.partialRecord(z.enum(CHANNELS), payloadTemplate)])
      .optional()
      .meta({ title: 'Payload template', description: 'The JSON body as Mustache over the message (to, subject, body, key, customer, flow, node, offer…), values JSON-escaped; one for all channels or one per channel. Default: the whole message.' }),
    allow: z.array(z.string().min(1)).optional().meta({ title: 'Allowed internal addresses', description: 'Host names, IPs or CIDR blocks the address guard lets through although they are loopback or private.' }),
    concurrency: z.number().int().min(1).max(64).default(8).meta({ title: 'Requests in flight' }),
    timeoutMs: z.number().int().min(100).max(600_000).default(10_000).meta({ title: 'Timeout (ms)' }),
  })
  .superRefine((adapter, ctx) => {
    const templates: [string[], string][] =
      adapter.payload === undefined ? [] : typeof adapter.payload === 'string' ? [[[], adapter.payload]] : Object.entries(adapter.payload).map(([channel, text]) => [[channel], text as string])
    for (const [path, text] of templates) {
      for (const message of checkPayloadTemplate(text)) ctx.addIssue({ code: 'custom', path: ['payload', ...path], message })
    }
  })
  .meta({ title: 'Webhook', description: 'A signed JSON POST per message: SMS, push and WeChat / WeCom gateways.' })

export const channelAdapterSchema = z.discriminatedUnion('kind', [logAdapterSchema, smtpAdapterSchema, webhookAdapterSchema])
export type ChannelAdapterConfig = z.output<typeof channelAdapterSchema>
export type SmtpAdapterConfig = z.output<typeof smtpAdapterSchema>
export type WebhookAdapterConfig = z.output<typeof webhookAdapterSchema>

const adapterName = z.string().regex(ADAPTER_NAME, 'expected an adapter name in lower case, e.g. "mail"')

export const channelsConfigSchema = z
  .strictObject({
    adapters: z.record(adapterName, channelAdapterSchema).default({}).meta({ description: 'Named adapters; `log` is built in.' }),
    default: adapterName.optional().meta({ description: 'Adapter of channels not mapped below; without it their sends are dead-lettered.' }),
    ...Object.fromEntries(CHANNELS.map((channel) => [channel, adapterName.optional().meta({ description: `Adapter that delivers ${channel}.` })])) as Record<Channel, z.ZodOptional<typeof adapterName>>,
  })
  .superRefine((config, ctx) => {
    const builtIn = config.adapters[LOG_ADAPTER]
    if (builtIn && builtIn.kind !== 'log') ctx.addIssue({ code: 'custom', path: ['adapters', LOG_ADAPTER, 'kind'], message: 'the name "log" is the built-in log adapter; give this adapter another name' })
    const known = new Set([LOG_ADAPTER, ...Object.keys(config.adapters)])
    for (const key of ['default', ...CHANNELS] as const) {
      const name = config[key]
      if (name !== undefined && !known.has(name)) ctx.addIssue({ code: 'custom', path: [key], message: `no adapter is named "${name}"; declared: ${[...known].sort().join(', ')}` })
    }
  })
  .meta({ description: 'Channel adapters and which one each channel uses (docs/configuration.md). Without it every channel goes through log.' })

export type ChannelsConfig = z.output<typeof channelsConfigSchema>

/** The adapter name each channel uses under `config` (undefined: none, dead-lettered). */
export function channelMapping(config: ChannelsConfig | undefined): Record<Channel, string | undefined> {
  return Object.fromEntries(CHANNELS.map((channel) => [channel, config === undefined ? LOG_ADAPTER : (config[channel] ?? config.default)])) as Record<Channel, string | undefined>
}
