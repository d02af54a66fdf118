/**
 * The `smtp` channel: e-mail through an SMTP server with nodemailer. It lives outside engine/
 * because it needs a driver library (engine/ imports none; docs/decisions.md). Each message goes
 * to `message.to` (the address choose-channel resolved) with its subject, HTML body and headers
 * (RFC 8058 List-Unsubscribe among them); the outbox key becomes the Message-ID's local part so
 * a bounce can be traced back to the intent.
 *
 * Outcomes: accepted → sent; a 5xx rejection (unknown mailbox, policy) is a bounce at send time:
 * permanent, so the dispatcher falls back to the next channel at once; 4xx and connection
 * errors are retried with backoff.
 */
import nodemailer from 'nodemailer'
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from '../engine/channels/channel-port.ts'
import { UserError } from '../engine/errors.ts'

/** How the SMTP adapter is configured. */
export interface SmtpChannelOptions {
  /** Adapter name in errors and summaries; default `smtp`. */
  name?: string
  /** nodemailer SMTP transport options: host, port, secure, auth, tls…; `pool: true` keeps connections open between messages. */
  transport: SMTPTransport.Options | SMTPPool.Options
  /** Sender, e.g. `Sluice <news@example.com>`. */
  from: string
  /** Domain of generated Message-IDs; default the sender's domain. */
  messageIdDomain?: string
  /** Messages in flight at once; default 4. */
  concurrency?: number
}

/** An SMTP adapter that can be closed (it keeps a connection pool). */
export interface SmtpChannel extends ChannelAdapter {
  close(): void
}

/** Creates the SMTP adapter. */
export function createSmtpChannel(options: SmtpChannelOptions): SmtpChannel {
  const name = options.name ?? 'smtp'
  const domain = options.messageIdDomain ?? /@([^>\s]+)>?\s*$/.exec(options.from)?.[1]
  if (!domain) throw new UserError('smtp-config', `channel "${name}": from "${options.from}" has no e-mail address`)
  // Two calls, not one: nodemailer's overloads take a pool or a plain transport, not the union.
  const transport = options.transport
  const transporter = 'pool' in transport && transport.pool ? nodemailer.createTransport(transport) : nodemailer.createTransport(transport as SMTPTransport.Options)
  const concurrency = Math.max(1, options.concurrency ?? 4)

  async function send(m: OutboundMessage): Promise<DeliveryResult> {
    if (!m.message.to) return { status: 'failed', permanent: true, error: `smtp "${name}": the message has no recipient address` }
    try {
      await transporter.sendMail({
        from: options.from,
        to: m.message.to,
        subject: m.message.subject ?? '',
        html: m.message.body ?? '',
        headers: m.message.headers ?? {},
        messageId: `<${encodeURIComponent(m.key)}@${domain}>`,
      })
      return { status: 'sent' }
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode
      const text = (error as { response?: string }).response ?? (error instanceof Error ? error.message : String(error))
      return { status: 'failed', permanent: code !== undefined && code >= 500, error: `smtp "${name}": ${text}` }
    }
  }

  return {
    name,
    async deliver(messages: readonly OutboundMessage[]): Promise<DeliveryResult[]> {
      const results: DeliveryResult[] = new Array(messages.length)
      for (let start = 0; start < messages.length; start += concurrency) {
        const answers = await Promise.all(messages.slice(start, start + concurrency).map(send))
        answers.forEach((answer, i) => (results[start + i] = answer))
      }
      return results
    },
    close: () => transporter.close(),
  }
}
