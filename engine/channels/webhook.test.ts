import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AllowList, blockedKind } from './address-guard.ts'
import type { OutboundMessage } from './channel-port.ts'
import { createWebhookChannel, providerWebhook, verifyWebhookSignature } from './webhook.ts'

const SECRET = 'webhook-secret-0123456789'

function message(key: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    key, channel: 'sms', customerId: 'c-1', flowId: 'f', runId: 'r', nodeId: 'n', offer: null, attempts: 0,
    message: { to: '+15550001', body: 'Hello' }, ...overrides,
  }
}

interface Received {
  url: string
  headers: IncomingMessage['headers']
  body: string
}

let server: Server
let port = 0
const received: Received[] = []
let answer = 200

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body })
      res.statusCode = answer
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('webhook address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['10.0.0.1', 'private'], ['169.254.169.254', 'metadata'], ['172.16.5.4', 'private'], ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'], ['169.254.10.10', 'link-local'], ['0.0.0.0', 'unspecified'], ['::1', 'loopback'], ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'], ['fe80::1', 'link-local'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:a00:1', 'private'], ['[::1]', 'loopback'],
    ['fd00:ec2::254', 'metadata'], ['100.64.0.1', 'carrier-grade NAT'],
  ])('%s is refused as %s', (address, kind) => {
    expect(blockedKind(address)).toBe(kind)
  })

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2606:4700::1111'])('%s is public', (address) => {
    expect(blockedKind(address)).toBeNull()
  })

  it('allow-lists by host name, address and CIDR block', () => {
    const allow = new AllowList(['relay.internal', '10.1.0.0/16', '::1'])
    expect(allow.allowsHost('Relay.Internal')).toBe(true)
    expect(allow.allowsAddress('10.1.2.3')).toBe(true)
    expect(allow.allowsAddress('10.2.0.1')).toBe(false)
    expect(allow.allowsAddress('::1')).toBe(true)
    expect(() => new AllowList(['10.0.0.0/40'])).toThrow('invalid prefix')
  })
})

describe('webhook channel', () => {
  it.each(['127.0.0.1', '10.0.0.1', '169.254.169.254', '[::1]', '[fe80::1]'])('refuses http://%s by default, permanently, without connecting', async (host) => {
    const before = received.length
    const adapter = createWebhookChannel({ url: `http://${host}:${port}/hook`, secret: SECRET })
    const [result] = await adapter.deliver([message('k1')])
    expect(result).toMatchObject({ status: 'failed', permanent: true })
    expect((result as { error: string }).error).toMatch(/^webhook "webhook" refused: .* is a (loopback|private|metadata|link-local) address/)
    expect(received.length).toBe(before)
  })

  it('refuses a host name that resolves to a loopback address', async () => {
    const before = received.length
    const adapter = createWebhookChannel({ url: `http://localhost:${port}/hook`, secret: SECRET })
    const [result] = await adapter.deliver([message('k1')])
    expect(result).toMatchObject({ status: 'failed', permanent: true })
    expect((result as { error: string }).error).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/)
    expect(received.length).toBe(before)
  })

  it('posts signed JSON with the idempotency key to an allow-listed address', async () => {
    answer = 202
    const adapter = createWebhookChannel({ url: `http://127.0.0.1:${port}/hook?x=1`, secret: SECRET, allow: ['127.0.0.1'], headers: { authorization: 'Bearer t' } })
    const results = await adapter.deliver([message('r:n:1:1'), message('r:n:2:1', { customerId: 'c-2' })])
    expect(results).toEqual([{ status: 'sent' }, { status: 'sent' }])
    const last = received.slice(-2)
    expect(last.map((r) => r.url)).toEqual(['/hook?x=1', '/hook?x=1'])
    const first = last[0] as Received
    expect(JSON.parse(first.body)).toEqual({ key: 'r:n:1:1', channel: 'sms', customer: 'c-1', flow: 'f', run: 'r', node: 'n', offer: null, message: { to: '+15550001', body: 'Hello' } })
    expect(first.headers['idempotency-key']).toBe('r:n:1:1')
    expect(first.headers.authorization).toBe('Bearer t')
    expect(verifyWebhookSignature(SECRET, first.body, first.headers['x-sluice-signature'] as string)).toBe(true)
    expect(verifyWebhookSignature('another-secret-000000', first.body, first.headers['x-sluice-signature'] as string)).toBe(false)
    expect(verifyWebhookSignature(SECRET, `${first.body} `, first.headers['x-sluice-signature'] as string)).toBe(false)
  })

  it('allows a host name on the allow-list', async () => {
    answer = 200
    const adapter = createWebhookChannel({ url: `http://localhost:${port}/hook`, secret: SECRET, allow: ['localhost'] })
    expect(await adapter.deliver([message('k-local')])).toEqual([{ status: 'sent' }])
  })

  it('treats 4xx as permanent, 5xx and 429 as retryable', async () => {
    const adapter = createWebhookChannel({ url: `http://127.0.0.1:${port}/hook`, secret: SECRET, allow: ['127.0.0.0/8'] })
    answer = 400
    expect(await adapter.deliver([message('a')])).toEqual([{ status: 'failed', permanent: true, error: 'webhook "webhook" answered HTTP 400' }])
    answer = 503
    expect(await adapter.deliver([message('b')])).toEqual([{ status: 'failed', permanent: false, error: 'webhook "webhook" answered HTTP 503' }])
    answer = 429
    expect(await adapter.deliver([message('c')])).toEqual([{ status: 'failed', permanent: false, error: 'webhook "webhook" answered HTTP 429' }])
    answer = 200
  })

  it('reports a connection failure as retryable', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadPort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const adapter = createWebhookChannel({ url: `http://127.0.0.1:${deadPort}/`, secret: SECRET, allow: ['127.0.0.1'] })
    const [result] = await adapter.deliver([message('x')])
    expect(result).toMatchObject({ status: 'failed' })
    expect((result as { permanent?: boolean }).permanent).toBeUndefined()
    expect((result as { error: string }).error).toContain('ECONNREFUSED')
  })

  it('SMS, push and WeChat-style providers are webhooks with a provider body', async () => {
    answer = 200
    const sms = providerWebhook('sms', { url: `http://127.0.0.1:${port}/sms`, secret: SECRET, allow: ['127.0.0.1'], fields: { sender: 'SLUICE' } })
    expect(sms.name).toBe('sms-provider')
    expect(await sms.deliver([message('r:n:9:1')])).toEqual([{ status: 'sent' }])
    expect(JSON.parse(received.at(-1)?.body ?? '')).toEqual({ sender: 'SLUICE', channel: 'sms', to: '+15550001', text: 'Hello', reference: 'r:n:9:1' })
  })

  it('refuses bad configuration with a clear message', () => {
    expect(() => createWebhookChannel({ url: 'ftp://example.com', secret: SECRET })).toThrow('url must be http or https')
    expect(() => createWebhookChannel({ url: 'https://example.com', secret: 'short' })).toThrow('at least 16 characters')
    expect(() => createWebhookChannel({ url: 'nope', secret: SECRET })).toThrow('is not a URL')
  })
})
