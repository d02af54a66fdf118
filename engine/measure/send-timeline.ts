/**
 * Sends per channel over time for a run: the outbox's intents counted per UTC day of their
 * creation (when the step decided to send) and channel, with how many were delivered. The
 * results view charts it beside the measure report; held-back (holdout) sends never reach the
 * outbox, so they are not here.
 */
import type { EngineTables } from '../ports/engine-store.ts'
import type { Channel } from '../ports/store.ts'

const DAY = 86_400_000
const PAGE = 2_000

/** One day's sends on one channel. */
export interface SendDay {
  /** UTC date, `2025-06-01`. */
  day: string
  channel: Channel
  /** Intents created that day (delivered, pending or dead). */
  sent: number
  /** Of those, delivered. */
  delivered: number
}

/** The run's sends per day and channel, ordered by day then channel. */
export async function sendTimeline(store: Pick<EngineTables, 'listOutbox'>, runId: string): Promise<SendDay[]> {
  const byKey = new Map<string, SendDay>()
  let afterId = 0
  for (;;) {
    const rows = await store.listOutbox({ runId, afterId, limit: PAGE })
    for (const row of rows) {
      const day = new Date(Math.floor(row.createdAt / DAY) * DAY).toISOString().slice(0, 10)
      const key = `${day}|${row.channel}`
      const entry = byKey.get(key) ?? { day, channel: row.channel, sent: 0, delivered: 0 }
      entry.sent++
      if (row.state === 'sent') entry.delivered++
      byKey.set(key, entry)
    }
    if (rows.length < PAGE) break
    afterId = (rows.at(-1) as { id: number }).id
  }
  return [...byKey.values()].sort((a, b) => a.day.localeCompare(b.day) || a.channel.localeCompare(b.channel))
}
