import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutboundMessage } from '../engine/channels/channel-port.ts'
import { listUnsubscribeHeaders } from '../engine/channels/unsubscribe.ts'
import { createSmtpChannel } from './smtp.ts'

interface Mail {
  from: string
  to: string[]
  raw: string
}

const mails: Mail[] = []
let server: SMTPServer
let port = 0

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === 'gone@example.com') return callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }))
      if (address.address === 'busy@example.com') return callback(Object.assign(new Error('4.2.1 try again later'), { responseCode: 451 }))
      callback()
    },
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
      stream.on('end', () => {
        const envelope = session.envelope
        mails.push({ from: envelope.mailFrom ? envelope.mailFrom.address : '', to: envelope.rcptTo.map((r) => r.address), raw })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

function message(key: string, to: string | undefined, extra: Partial<OutboundMessage['message']> = {}): OutboundMessage {
  return {
    key, channel: 'email', customerId: key, flowId: 'f', runId: 'r', nodeId: 'n', offer: null, attempts: 0,
    message: { ...(to === undefined ? {} : { to }), subject: 'Your offer', body: '<p>Hello &lt;Ann&gt;</p>', ...extra },
  }
}

describe('smtp channel against a real SMTP server', () => {
  it('delivers with subject, HTML body, RFC 8058 headers and a Message-ID from the outbox key; a 5xx is a permanent bounce, a 4xx is retried', async () => {
    const smtp = createSmtpChannel({ transport: { host: '127.0.0.1', port, secure: false, ignoreTLS: true }, from: 'Sluice <news@example.com>' })
    const url = 'https://mail.example.com/u?token=abc.def'
    try {
      const results = await smtp.deliver([
        message('r:n:1:1', 'ann@example.com', { headers: listUnsubscribeHeaders(url) }),
        message('r:n:2:1', 'gone@example.com'),
        message('r:n:3:1', 'busy@example.com'),
        message('r:n:4:1', undefined),
      ])
      expect(results[0]).toEqual({ status: 'sent' })
      expect(results[1]).toMatchObject({ status: 'failed', permanent: true })
      expect((results[1] as { error: string }).error).toContain('550')
      expect(results[2]).toMatchObject({ status: 'failed', permanent: false })
      expect((results[2] as { error: string }).error).toContain('451')
      expect(results[3]).toEqual({ status: 'failed', permanent: true, error: 'smtp "smtp": the message has no recipient address' })
    } finally {
      smtp.close()
    }
    expect(mails).toHaveLength(1)
    const [mail] = mails as [Mail]
    expect(mail.from).toBe('news@example.com')
    expect(mail.to).toEqual(['ann@example.com'])
    expect(mail.raw).toMatch(/^Subject: Your offer\r$/m)
    expect(mail.raw).toMatch(/^List-Unsubscribe: <https:\/\/mail\.example\.com\/u\?token=abc\.def>\r$/m)
    expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m)
    expect(mail.raw).toMatch(/^Message-ID: <r%3An%3A1%3A1@example\.com>\r$/m)
    expect(mail.raw).toContain('<p>Hello &lt;Ann&gt;</p>')
  })

  it('reports an unreachable server as a retryable failure', async () => {
    const smtp = createSmtpChannel({ transport: { host: '127.0.0.1', port: 1, secure: false, ignoreTLS: true, connectionTimeout: 2_000 }, from: 'news@example.com' })
    try {
      const [result] = await smtp.deliver([message('k', 'ann@example.com')])
      expect(result).toMatchObject({ status: 'failed', permanent: false })
      expect((result as { error: string }).error).toMatch(/ECONNREFUSED/)
    } finally {
      smtp.close()
    }
  })

  it('refuses a sender without an address', () => {
    expect(() => createSmtpChannel({ transport: {}, from: 'nobody' })).toThrow('has no e-mail address')
  })
})
