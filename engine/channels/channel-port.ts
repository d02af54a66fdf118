/**
 * The channel port: how the outbox dispatcher hands messages to the outside world. An adapter
 * delivers a batch and answers per message; the outbox records the outcome, retries with
 * backoff and dead-letters after the last attempt. Each message carries the outbox's
 * idempotency key, so a provider that supports one can drop a repeat after a crash between
 * its delivery and our ledger update.
 */
import type { Channel } from '../ports/store.ts'
import type { SendIntent } from '../sdk/types.ts'

/** One message to deliver. */
export interface OutboundMessage {
  /** `run:node:customer:v<visit>` (engine/planner/send-key.ts), unique per intended send. */
  key: string
  channel: Channel
  customerId: string
  flowId: string
  runId: string
  nodeId: string
  message: SendIntent['message']
  offer: string | null
  /** Delivery attempts before this one. */
  attempts: number
}

/** The outcome of one delivery: sent, or failed (a permanent failure is not retried). */
export type DeliveryResult = { status: 'sent' } | { status: 'failed'; error: string; permanent?: boolean }

/** A channel adapter (log, webhook, smtp, …). */
export interface ChannelAdapter {
  /** Name shown in errors and summaries, e.g. `log`. */
  readonly name: string
  /** Delivers a batch; answers one result per message, in order. */
  deliver(messages: readonly OutboundMessage[]): Promise<DeliveryResult[]>
}

/** Which adapter serves a channel; undefined when none is configured (the send is dead-lettered). */
export type ChannelRouter = (channel: Channel) => ChannelAdapter | undefined

/** A router sending every channel through one adapter (the demo default: everything through `log`). */
export function allChannelsThrough(adapter: ChannelAdapter): ChannelRouter {
  return () => adapter
}
