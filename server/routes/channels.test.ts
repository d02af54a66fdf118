import type { AddressInfo } from 'node:net'
import { OpenAPIHono } from '@hono/zod-openapi'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { channelRouterFromConfig, type ConfiguredChannels } from '../../channels/from-config.ts'
import { channelsConfigSchema, type ChannelsConfig } from '../../engine/channels/config.ts'
import { SimulatedClock } from '../../engine/clock/simulated-clock.ts'
import type { Role } from '../auth/roles.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { channelRoutes } from './channels.ts'

const received: string[][] = []
let smtp: SMTPServer
let channels: ConfiguredChannels
let config: ChannelsConfig
let app: OpenAPIHono<ApiEnv>
const ENV = { API_TEST_SMTP_PASS: 'smtp-secret-value', API_TEST_HMAC: 'api-test-hmac-key-0123456789' }

beforeAll(async () => {
  smtp = new SMTPServer({
    allowInsecureAuth: true, disabledCommands: ['STARTTLS'], logger: false, onAuth: (auth, _s, cb) => cb(null, { user: auth.username }),
    onRcptTo: (address, _s, cb) => (address.address === 'gone@example.com' ? cb(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 })) : cb()),
    onData(stream, session, cb) {
      stream.resume()
      stream.on('end', () => (received.push(session.envelope.rcptTo.map((r) => r.address)), cb()))
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const port = (smtp.server.address() as AddressInfo).port
  config = channelsConfigSchema.parse({
    adapters: {
      mail: { kind: 'smtp', host: '127.0.0.1', port, auth: { user: 'sluice', pass: { env: 'API_TEST_SMTP_PASS' } }, from: 'news@shop.example' },
      hook: { kind: 'webhook', url: 'https://user:pw@hooks.example.com/in', secret: { env: 'API_TEST_HMAC' }, headers: { 'X-Key': { env: 'API_TEST_UNSET' } } },
    },
    email: 'mail', sms: 'hook', default: 'log',
  })
  channels = channelRouterFromConfig(config, { ...ENV, API_TEST_UNSET: 'x' })
  app = new OpenAPIHono<ApiEnv>()
  app.use('*', async (c, next) => {
    const role = c.req.header('x-test-role') as Role | undefined
    c.set('principal', role ? { kind: 'token', id: role, name: role, role } : null)
    await next()
  })
  app.route('/channels', channelRoutes({ channels, config, env: ENV, clock: new SimulatedClock(Date.UTC(2025, 0, 1)) }))
})
afterAll(async () => {
  channels.close()
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
})

const as = (role: Role) => ({ 'x-test-role': role })
const testSend = (name: string, body?: unknown, role: Role = 'engineer') =>
  app.request(`/channels/${name}/test`, { method: 'POST', headers: { ...as(role), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

describe('GET /channels', () => {
  it('lists the adapters with secrets masked and the adapter of each channel, for engineers only', async () => {
    const response = await app.request('/channels', { headers: as('engineer') })
    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).not.toContain('smtp-secret-value')
    expect(text).not.toContain('api-test-hmac')
    expect(text).not.toContain(':pw@')
    const body = JSON.parse(text) as { configured: boolean; adapters: { name: string; settings: Record<string, string> }[]; channels: Record<string, string | null> }
    expect(body.configured).toBe(true)
    expect(body.adapters.find((a) => a.name === 'mail')?.settings['auth.pass']).toBe('$API_TEST_SMTP_PASS (set)')
    expect(body.adapters.find((a) => a.name === 'hook')?.settings).toMatchObject({ url: 'https://user:***@hooks.example.com/in', secret: '$API_TEST_HMAC (set)', 'headers.X-Key': '$API_TEST_UNSET (not set)' })
    expect(body.channels).toEqual({ email: 'mail', sms: 'hook', call: 'log', push: 'log', wechat: 'log', inbox: 'log' })
    expect((await app.request('/channels', { headers: as('marketer') })).status).toBe(403)
    expect((await app.request('/channels')).status).toBe(401)
  })
})

describe('POST /channels/{name}/test', () => {
  it('sends a test e-mail through the running adapter and says whether it was delivered', async () => {
    const response = await testSend('mail', { to: 'ann@example.com' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ adapter: 'mail', channel: 'email', to: 'ann@example.com', delivered: true })
    expect(received.at(-1)).toEqual(['ann@example.com'])
    const bounced = await testSend('mail', { to: 'gone@example.com' })
    expect(await bounced.json()).toMatchObject({ delivered: false, permanent: true, error: expect.stringContaining('550') })
    expect(await (await testSend('log')).json()).toMatchObject({ adapter: 'log', delivered: true, to: null })
  })

  it('answers 400 without a recipient for SMTP or with a bad body, 404 for an unknown adapter, 403 to marketers', async () => {
    const noRecipient = await testSend('mail', {})
    expect(noRecipient.status).toBe(400)
    expect(await noRecipient.json()).toEqual({ error: { code: 'channels.test-recipient', message: 'adapter "mail" sends e-mail: the test needs a recipient address (--to on the command line, "to" in the API)' } })
    const badBody = await testSend('mail', { to: 'a@b.c', channel: 'fax' })
    expect(badBody.status).toBe(400)
    expect(((await badBody.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe('json.channel')
    const unknown = await testSend('fax')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: { code: 'not-found', message: "channel adapter 'fax' was not found" } })
    expect((await testSend('mail', { to: 'ann@example.com' }, 'marketer')).status).toBe(403)
  })
})
