/**
 * The outbox dispatcher: delivers pending intents whose attempt time has come, through the
 * channel adapters, and records each outcome in one transaction per page — the intent's state
 * and, for every delivered send, its contact-history entry (so throttles across campaigns see
 * it). Failures retry with exponential backoff; after the last attempt, or on a permanent
 * failure, the intent is dead-lettered with its error. A dead intent whose message lists
 * `fallback` channels (choose-channel puts the next eligible ones there) enqueues the first of
 * them, keyed `<key>>channel`, in the same transaction: the customer is tried on the next
 * channel at once, and contact history records the channel that actually delivered.
 */
import type { ChannelRouter, DeliveryResult, OutboundMessage } from '../channels/channel-port.ts'
import type { EngineStore, OutboxIntent, OutboxRow, OutboxUpdate } from '../ports/engine-store.ts'
import type { ContactInput } from '../ports/store.ts'
import type { SendIntent } from '../sdk/types.ts'
import { backoff, type RunOptions } from '../executor/run-options.ts'

/** Intents per page. */
const PAGE = 5_000

/** What one dispatch did. */
export interface DispatchOutcome {
  sent: number
  retried: number
  dead: number
}

/** Retry policy of the run an intent belongs to. */
export type RetryPolicyOf = (runId: string) => Pick<RunOptions, 'sendAttempts' | 'sendRetryMs' | 'sendRetryMaxMs'>

/** Delivers every intent due by `now`. */
export async function dispatchOutbox(store: EngineStore, channels: ChannelRouter, now: number, retryOf: RetryPolicyOf): Promise<DispatchOutcome> {
  const outcome: DispatchOutcome = { sent: 0, retried: 0, dead: 0 }
  for (;;) {
    const rows = await store.dueOutbox(now, PAGE)
    if (rows.length === 0) return outcome
    const results = await deliverAll(rows, channels)
    const updates: OutboxUpdate[] = []
    const contacts: ContactInput[] = []
    const fallbacks: OutboxIntent[] = []
    rows.forEach((row, i) => {
      const result = results[i] as DeliveryResult
      const attempts = row.attempts + 1
      if (result.status === 'sent') {
        updates.push({ id: row.id, state: 'sent', attempts, nextAttemptAt: row.nextAttemptAt, lastError: null, sentAt: now })
        contacts.push({ customerId: row.customerId, flowId: row.flowId, runId: row.runId, nodeId: row.nodeId, channel: row.channel, at: now, status: 'sent', ...(row.offer === null ? {} : { offer: row.offer }) })
        outcome.sent++
        return
      }
      const policy = retryOf(row.runId)
      if (result.permanent || attempts >= policy.sendAttempts) {
        updates.push({ id: row.id, state: 'dead', attempts, nextAttemptAt: row.nextAttemptAt, lastError: result.error, sentAt: null })
        outcome.dead++
        const next = fallbackIntent(row, now)
        if (next) fallbacks.push(next)
      } else {
        // Strictly later than now, so a failing intent is not retried again within this tick.
        const delay = Math.max(1, backoff(attempts, policy.sendRetryMs, policy.sendRetryMaxMs))
        updates.push({ id: row.id, state: 'pending', attempts, nextAttemptAt: now + delay, lastError: result.error, sentAt: null })
        outcome.retried++
      }
    })
    await store.transaction(async (tx) => {
      await tx.updateOutbox(updates)
      if (contacts.length > 0) await tx.customers.recordContacts(contacts)
      if (fallbacks.length > 0) await tx.enqueueOutbox(fallbacks)
    })
    // Fallbacks are due now: go round again to deliver them in this dispatch.
    if (rows.length < PAGE && fallbacks.length === 0) return outcome
  }
}

/** The intent for the next fallback channel of a dead intent, carrying the remaining ones; undefined when there is none. */
export function fallbackIntent(row: OutboxRow, now: number): OutboxIntent | undefined {
  let message: SendIntent['message']
  try {
    message = JSON.parse(row.message) as SendIntent['message']
  } catch {
    return undefined
  }
  const [next, ...rest] = Array.isArray(message.fallback) ? message.fallback : []
  if (!next) return undefined
  const { channel, ...content } = next
  return {
    key: `${row.key}>${channel}`, runId: row.runId, flowId: row.flowId, nodeId: row.nodeId, customerKey: row.customerKey, channel,
    message: JSON.stringify({ ...content, ...(rest.length > 0 ? { fallback: rest } : {}) }), offer: row.offer, createdAt: now, nextAttemptAt: now,
  }
}

/** Results in row order; rows are grouped per adapter so each adapter gets one batch. */
async function deliverAll(rows: readonly OutboxRow[], channels: ChannelRouter): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = new Array(rows.length)
  const groups = new Map<string, { adapter: NonNullable<ReturnType<ChannelRouter>>; indexes: number[] }>()
  rows.forEach((row, index) => {
    if (row.customerId === '') {
      results[index] = { status: 'failed', error: 'the customer is no longer in the store', permanent: true }
      return
    }
    const adapter = channels(row.channel)
    if (!adapter) {
      results[index] = { status: 'failed', error: `no channel adapter is configured for "${row.channel}"`, permanent: true }
      return
    }
    const group = groups.get(adapter.name) ?? { adapter, indexes: [] }
    group.indexes.push(index)
    groups.set(adapter.name, group)
  })
  for (const { adapter, indexes } of groups.values()) {
    const messages = indexes.map((i) => toMessage(rows[i] as OutboxRow))
    let answers: DeliveryResult[]
    try {
      answers = await adapter.deliver(messages)
      if (answers.length !== messages.length) throw new Error(`adapter "${adapter.name}" answered ${answers.length} results for ${messages.length} messages`)
    } catch (error) {
      // An adapter that throws fails its whole batch, retryably; the engine keeps going.
      const reason = error instanceof Error ? error.message : String(error)
      answers = messages.map(() => ({ status: 'failed', error: reason }))
    }
    indexes.forEach((rowIndex, i) => (results[rowIndex] = answers[i] as DeliveryResult))
  }
  return results
}

function toMessage(row: OutboxRow): OutboundMessage {
  return {
    key: row.key, channel: row.channel, customerId: row.customerId, flowId: row.flowId, runId: row.runId, nodeId: row.nodeId,
    message: JSON.parse(row.message) as SendIntent['message'], offer: row.offer, attempts: row.attempts,
  }
}
