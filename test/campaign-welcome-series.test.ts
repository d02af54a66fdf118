/**
 * flows/welcome-series.flow.json on the demo's last eight weeks. The demo has no signup event;
 * each customer's signup_date is a day, and the daily 09:00 UTC schedule lets in those whose
 * signup day began within the last 24 hours: every customer who signed up in the window enters
 * once, at 09:00 UTC on their signup day. Welcome e-mail, 2 days, then daytime (09:00–20:00 in
 * the customer's zone) and a push, or an e-mail without the app. Checked against the customers'
 * attributes, addresses and consents read with plain SQL, and local times computed with Intl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AS_OF, DAY, HOUR, localTime, nextLocalHour, runDemoCampaign, START, type DemoCampaign } from './support/demo-campaign.ts'

interface Newcomer { key: number; zone: string; signup: string }

let campaign: DemoCampaign
let newcomers: Newcomer[]
let reachable: (kind: string, channel: string) => Set<number>

const isoDay = (at: number) => new Date(at).toISOString().slice(0, 10)

beforeAll(async () => {
  campaign = await runDemoCampaign('welcome-series')
  newcomers = campaign.db
    .prepare(`SELECT key, time_zone AS zone, json_extract(attributes, '$.signup_date') AS signup FROM customers
      WHERE json_extract(attributes, '$.signup_date') >= ? AND json_extract(attributes, '$.signup_date') < ? ORDER BY key`)
    .all(isoDay(START), isoDay(AS_OF)) as Newcomer[]
  reachable = (kind, channel) =>
    new Set(
      campaign.db
        .prepare(`SELECT a.customer_key FROM customer_addresses a JOIN consents c ON c.customer_key = a.customer_key AND c.channel = ? AND c.status = 'granted' WHERE a.kind = ?`)
        .pluck()
        .all(channel, kind) as number[],
    )
}, 60_000)
afterAll(() => campaign?.close())

/** The instant a newcomer enters: 09:00 UTC on their signup day. */
const entryOf = (c: Newcomer) => Date.parse(`${c.signup}T09:00:00Z`)

describe('welcome-series campaign on the demo (last eight weeks)', () => {
  it('welcomes 554 new customers and follows up 553 of them by push or e-mail', () => {
    expect(campaign.report.nodes).toEqual({
      'new-customers': { entered: 554, outputs: { entered: 554 }, parked: 0, failed: 0 },
      'welcome-email': { entered: 554, outputs: { email: 400, none: 154 }, parked: 0, failed: 0 },
      'two-days': { entered: 554, outputs: { done: 554 }, parked: 0, failed: 0 },
      daytime: { entered: 553, outputs: { done: 553 }, parked: 0, failed: 0 },
      'follow-up': { entered: 553, outputs: { push: 166, email: 287, none: 100 }, parked: 0, failed: 0 },
    })
    expect(campaign.report.sends).toEqual({ email: 687, push: 166 })
    expect(campaign.report.delivery).toEqual({ sent: 853, pending: 0, dead: 0 })
    // The last newcomer's follow-up falls after the window: still waiting when it ends.
    expect(campaign.report.positions).toEqual({ active: 1, done: 553, error: 0, cancelled: 0 })
  })

  it('lets in exactly the customers who signed up in the window, each once, at 09:00 UTC on their signup day', () => {
    expect(newcomers).toHaveLength(554)
    const entries = campaign.db.prepare(`SELECT customer_key AS key, last_entry_at AS at, count FROM entries WHERE flow_id = 'welcome-series' ORDER BY customer_key`).all() as { key: number; at: number; count: number }[]
    expect(entries).toEqual(newcomers.map((c) => ({ key: c.key, at: entryOf(c), count: 1 })))
  })

  it('sends the welcome e-mail at entry to those with an e-mail address and consent', () => {
    const email = reachable('email', 'email')
    const expected = newcomers.filter((c) => email.has(c.key))
    expect(expected).toHaveLength(400)
    const welcomes = campaign.db.prepare(`SELECT customer_key AS key, at FROM contacts WHERE flow_id = 'welcome-series' AND node_id = 'welcome-email' ORDER BY customer_key`).all()
    expect(welcomes).toEqual(expected.map((c) => ({ key: c.key, at: entryOf(c) })))
  })

  it('follows up two days later, in the customer\'s daytime: push where the app can be used, else e-mail', () => {
    const push = reachable('push', 'push')
    const email = reachable('email', 'email')
    const due = newcomers.filter((c) => entryOf(c) + 2 * DAY < AS_OF)
    const expected = due
      .filter((c) => push.has(c.key) || email.has(c.key))
      .map((c) => {
        const after = entryOf(c) + 2 * DAY
        const { hour } = localTime(after, c.zone)
        const at = hour >= 9 && hour < 20 ? after : nextLocalHour(after, c.zone, 9)
        return { key: c.key, channel: push.has(c.key) ? 'push' : 'email', at }
      })
      .filter((send) => send.at < AS_OF)
    expect(expected.filter((s) => s.channel === 'push')).toHaveLength(166)
    expect(expected.filter((s) => s.channel === 'email')).toHaveLength(287)
    const followUps = campaign.db.prepare(`SELECT customer_key AS key, channel, at FROM contacts WHERE flow_id = 'welcome-series' AND node_id = 'follow-up' ORDER BY customer_key`).all()
    expect(followUps).toEqual(expected)
    for (const send of followUps as { key: number; at: number }[]) {
      const zone = newcomers.find((c) => c.key === send.key)!.zone
      const { hour } = localTime(send.at, zone)
      expect(hour >= 9 && hour < 20).toBe(true)
    }
    // Some waited past the two days for morning: the window did something.
    expect(expected.filter((s) => s.at % DAY !== 9 * HOUR).length).toBeGreaterThan(0)
  })
})
