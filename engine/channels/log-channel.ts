/**
 * The `log` channel: records every message as sent without contacting anyone. The outbox row
 * (state `sent`) and the contact history entry are the record; an optional sink receives one
 * JSON line per message (the CLI can print them). The demo and `sluice run` default.
 */
import type { ChannelAdapter, DeliveryResult, OutboundMessage } from './channel-port.ts'

/** Creates the log adapter; `sink` (optional) gets one JSON line per delivered message. */
export function createLogChannel(sink?: (line: string) => void): ChannelAdapter {
  return {
    name: 'log',
    async deliver(messages: readonly OutboundMessage[]): Promise<DeliveryResult[]> {
      if (sink) {
        for (const m of messages) sink(JSON.stringify({ key: m.key, channel: m.channel, customer: m.customerId, flow: m.flowId, node: m.nodeId, message: m.message }))
      }
      return messages.map(() => ({ status: 'sent' }))
    },
  }
}
