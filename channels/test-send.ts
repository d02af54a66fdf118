/**
 * One test message through a configured adapter (`sluice channels test NAME`, POST
 * /api/channels/{name}/test): proves the host, credentials, URL, signature and template work
 * before a campaign depends on them. The outcome is the adapter's own answer.
 */
import type { DeliveryResult, OutboundMessage } from '../engine/channels/channel-port.ts'
import { UserError } from '../engine/errors.ts'
import { CHANNELS, type Channel } from '../engine/ports/store.ts'
import type { ConfiguredChannels } from './from-config.ts'

export interface TestSendOptions {
  /** Recipient: an e-mail address, phone number, push token… (needed by SMTP). */
  to?: string
  /** Channel the message claims to be on; default the first channel mapped to the adapter. */
  channel?: Channel
  /** When it is sent (epoch ms): part of the message key. */
  now: number
}

export interface TestSendOutcome {
  adapter: string
  channel: Channel
  to: string | null
  result: DeliveryResult
  /** How long the adapter took. */
  ms: number
}

/** Sends the test message; an unknown adapter or missing recipient is a UserError, a failed delivery is in `result`. */
export async function sendTestMessage(channels: ConfiguredChannels, name: string, kindOf: (name: string) => string | undefined, options: TestSendOptions): Promise<TestSendOutcome> {
  const adapter = channels.adapters.get(name)
  if (!adapter) throw new UserError('channels.unknown-adapter', `there is no channel adapter "${name}"; configured: ${[...channels.adapters.keys()].join(', ')}`)
  const kind = kindOf(name)
  const channel = options.channel ?? CHANNELS.find((c) => channels.mapping[c] === name) ?? (kind === 'webhook' ? 'sms' : 'email')
  if (kind === 'smtp' && !options.to) throw new UserError('channels.test-recipient', `adapter "${name}" sends e-mail: the test needs a recipient address (--to on the command line, "to" in the API)`)
  const message: OutboundMessage = {
    key: `test:${name}:${options.now}`, channel, customerId: 'sluice-test', flowId: 'sluice-test', runId: 'sluice-test', nodeId: 'sluice-test', offer: null, attempts: 0,
    message: {
      ...(options.to ? { to: options.to } : {}),
      subject: `Sluice test message (${name})`,
      body: channel === 'email' ? `<p>This is a test message from Sluice through the channel adapter <b>${name}</b>.</p>` : `This is a test message from Sluice through the channel adapter ${name}.`,
    },
  }
  const started = performance.now()
  let result: DeliveryResult
  try {
    result = (await adapter.deliver([message]))[0] ?? { status: 'failed', error: `adapter "${name}" gave no answer` }
  } catch (error) {
    result = { status: 'failed', error: error instanceof Error ? error.message : String(error) }
  }
  return { adapter: name, channel, to: options.to ?? null, result, ms: Math.round(performance.now() - started) }
}
