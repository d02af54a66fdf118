import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutboundMessage } from '../engine/channels/channel-port.ts'
import { channelsConfigSchema } from '../engine/channels/config.ts'
import { verifyWebhookSignature } from '../engine/channels/webhook.ts'
import { ValidationError } from '../engine/errors.ts'
import { projectConfigSchema } from '../engine/registry/project-config.ts'
import { zodIssuesToIssues } from '../engine/sdk/zod-issues.ts'
import { channelRouterFromConfig } from './from-config.ts'

const HMAC = 'gateway-hmac-key-0123456789'

interface Mail { user: string | undefined; to: string[]; raw: string }
interface Hook { headers: IncomingMessage['headers']; body: string }
const mails: Mail[] = []
const hooks: Hook[] = []
let smtp: SMTPServer
let smtpPort = 0
let http: Server
let httpPort = 0

beforeAll(async () => {
  smtp = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'sluice' && auth.password === 'smtp-password') return callback(null, { user: auth.username })
      callback(new Error('invalid credentials'))
    },
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
      stream.on('end', () => {
        mails.push({ user: session.user as string | undefined, to: session.envelope.rcptTo.map((r) => r.address), raw })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  smtpPort = (smtp.server.address() as AddressInfo).port
  http = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      hooks.push({ headers: req.headers, body })
      res.end()
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  httpPort = (http.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
  await new Promise<void>((resolve) => http.close(() => resolve()))
})

function message(channel: OutboundMessage['channel'], to: string, body: string): OutboundMessage {
  return { key: `r:n:${to}:1`, channel, customerId: 'c-1', flowId: 'f', runId: 'r', nodeId: 'n', offer: null, attempts: 0, message: { to, subject: 'Hi', body } }
}

/** The section as sluice.config.ts would give it (defaults filled in by the schema). */
const section = (input: unknown) => channelsConfigSchema.parse(input)

function configured() {
  return section({
    adapters: {
      mail: { kind: 'smtp', host: '127.0.0.1', port: smtpPort, auth: { user: 'sluice', pass: { env: 'TEST_SMTP_PASS' } }, from: 'Shop <news@shop.example>' },
      gateway: {
        kind: 'webhook', url: `http://127.0.0.1:${httpPort}/send`, secret: { env: 'TEST_GATEWAY_HMAC' }, allow: ['127.0.0.1'],
        headers: { Authorization: { env: 'TEST_GATEWAY_TOKEN' }, 'X-Account': 'acme' },
        payload: { sms: '{"to":"{{to}}","text":"{{body}}","ref":"{{key}}"}' },
      },
    },
    email: 'mail',
    sms: 'gateway',
    push: 'log',
  })
}
const ENV = { TEST_SMTP_PASS: 'smtp-password', TEST_GATEWAY_HMAC: HMAC, TEST_GATEWAY_TOKEN: 'Bearer gw-token' }

describe('channels from sluice.config.ts', () => {
  it('sends every channel through log when nothing is configured', async () => {
    const lines: string[] = []
    const channels = channelRouterFromConfig(undefined, {}, { logSink: (line) => lines.push(line) })
    expect(Object.values(channels.mapping)).toEqual(['log', 'log', 'log', 'log', 'log', 'log'])
    const adapter = channels.router('wechat')
    expect(adapter?.name).toBe('log')
    expect(await adapter?.deliver([message('wechat', 'wx-1', 'Hello')])).toEqual([{ status: 'sent' }])
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ channel: 'wechat', customer: 'c-1' })
  })

  it('delivers e-mail through the SMTP adapter with the password from the environment, and SMS through the webhook with its template, signature and headers', async () => {
    const channels = channelRouterFromConfig(configured(), ENV)
    try {
      expect(channels.mapping).toEqual({ email: 'mail', sms: 'gateway', call: undefined, push: 'log', wechat: undefined, inbox: undefined })
      expect([...channels.adapters.keys()]).toEqual(['log', 'mail', 'gateway'])
      expect(await channels.router('email')?.deliver([message('email', 'ann@example.com', '<p>Hello</p>')])).toEqual([{ status: 'sent' }])
      const text = 'Line 1\n"quoted" \\ {{not a tag}}'
      expect(await channels.router('sms')?.deliver([message('sms', '+15550001', text)])).toEqual([{ status: 'sent' }])
      // Unmapped channels without a default have no adapter: the dispatcher dead-letters their sends.
      expect(channels.router('call')).toBeUndefined()
    } finally {
      channels.close()
    }
    expect(mails).toHaveLength(1)
    expect(mails[0]).toMatchObject({ user: 'sluice', to: ['ann@example.com'] })
    expect(mails[0]?.raw).toMatch(/^From: Shop <news@shop\.example>\r$/m)
    const [hook] = hooks as [Hook]
    // Values are JSON-escaped into the template: the text arrives exactly as sent.
    expect(JSON.parse(hook.body)).toEqual({ to: '+15550001', text: 'Line 1\n"quoted" \\ {{not a tag}}', ref: 'r:n:+15550001:1' })
    expect(verifyWebhookSignature(HMAC, hook.body, hook.headers['x-sluice-signature'] as string)).toBe(true)
    expect(hook.headers.authorization).toBe('Bearer gw-token')
    expect(hook.headers['x-account']).toBe('acme')
  })

  it('routes unmapped channels to the default adapter', () => {
    const channels = channelRouterFromConfig(section({ default: 'log', email: 'log' }), {})
    expect(channels.router('inbox')?.name).toBe('log')
    expect(channels.mapping.call).toBe('log')
  })

  it('names the config path of every secret whose variable is not set, all at once', () => {
    const error = (() => {
      try {
        channelRouterFromConfig(configured(), { TEST_GATEWAY_HMAC: HMAC })
      } catch (e) {
        return e
      }
    })() as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'default.channels.adapters.mail.auth.pass.env: the environment variable TEST_SMTP_PASS is not set (it holds this secret)',
      'default.channels.adapters.gateway.headers.Authorization.env: the environment variable TEST_GATEWAY_TOKEN is not set (it holds this secret)',
    ])
    expect(error.message).toMatch(/^sluice\.config\.ts: 2 settings cannot be used:\n/)
  })

  it('refuses a short signing secret and a bad allow-list entry with their paths', () => {
    const config = section({
      adapters: {
        short: { kind: 'webhook', url: 'https://hooks.example.com/a', secret: { env: 'SHORT' } },
        badallow: { kind: 'webhook', url: 'https://hooks.example.com/b', secret: { env: 'LONG' }, allow: ['10.0.0.0/99'] },
      },
    })
    expect(() => channelRouterFromConfig(config, { SHORT: 'tiny', LONG: HMAC })).toThrow(
      /default\.channels\.adapters\.short\.secret: the signing secret in SHORT must be at least 16 characters, got 4\n\s+default\.channels\.adapters\.badallow: channel "badallow": .*10\.0\.0\.0\/99/,
    )
  })
})

describe('channels config schema', () => {
  const problems = (channels: unknown) => {
    const parsed = projectConfigSchema.safeParse({ channels })
    return parsed.success ? [] : zodIssuesToIssues(parsed.error.issues, { code: 'project-config', prefix: 'default', schema: projectConfigSchema }).map((i) => `${i.path}: ${i.message}`)
  }

  it('accepts a full section', () => {
    expect(problems({ adapters: { mail: { kind: 'smtp', host: 'smtp.example.com', from: 'news@example.com' } }, email: 'mail', default: 'log' })).toEqual([])
  })

  it('names a channel mapped to an adapter that is not declared', () => {
    expect(problems({ adapters: {}, email: 'mail' })).toEqual(['default.channels.email: no adapter is named "mail"; declared: log'])
  })

  it('refuses a payload template that is not JSON or prints unescaped, naming the channel', () => {
    const gateway = (payload: unknown) => ({ adapters: { gw: { kind: 'webhook', url: 'https://gw.example.com', secret: { env: 'GW' }, payload } } })
    expect(problems(gateway({ sms: '{"to": {{to}}}' }))[0]).toMatch(/^default\.channels\.adapters\.gw\.payload\.sms: does not render to JSON/)
    expect(problems(gateway('{"text":"{{{body}}}"}'))).toEqual(['default.channels.adapters.gw.payload: unescaped output "body" at character 9 is not allowed: use {{body}} inside a JSON string (values are JSON-escaped)'])
  })

  it('refuses a secret written into the file instead of an environment variable', () => {
    expect(problems({ adapters: { gw: { kind: 'webhook', url: 'https://gw.example.com', secret: 'written-in-the-file-0123' } } })[0]).toMatch(/^default\.channels\.adapters\.gw\.secret: /)
  })

  it('keeps the name log for the built-in adapter', () => {
    expect(problems({ adapters: { log: { kind: 'smtp', host: 'h', from: 'a@b.c' } } })).toEqual(['default.channels.adapters.log.kind: the name "log" is the built-in log adapter; give this adapter another name'])
  })
})
