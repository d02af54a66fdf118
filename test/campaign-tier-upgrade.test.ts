/**
 * flows/tier-upgrade.flow.json on the demo's last eight weeks: every tier_change enters, the
 * gate drops customers without e-mail consent and holds those upgraded between 21:00 and 08:00
 * in their own time zone until 08:00 local, so no congratulation goes out at night anywhere.
 * The counts are checked against the demo's events read with plain SQL and local times
 * computed with Intl, independently of the engine's zone arithmetic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AS_OF, journalDetails, journalKeys, localTime, nextLocalHour, runDemoCampaign, START, type DemoCampaign } from './support/demo-campaign.ts'

const TIERS = ['bronze', 'silver', 'gold', 'platinum']
const QUIET_FROM = 21
const QUIET_TO = 8

interface Upgrade { key: number; zone: string; at: number; from: string; to: string }

let campaign: DemoCampaign
let upgrades: Upgrade[]
let consented: Set<number>

const quiet = (at: number, zone: string) => {
  const { hour } = localTime(at, zone)
  return hour >= QUIET_FROM || hour < QUIET_TO
}

beforeAll(async () => {
  campaign = await runDemoCampaign('tier-upgrade')
  upgrades = (
    campaign.db
      .prepare(
        `SELECT e.customer_key AS key, c.time_zone AS zone, e.at, json_extract(e.properties, '$.from') AS "from", json_extract(e.properties, '$.to') AS "to"
         FROM events e JOIN customers c ON c.key = e.customer_key WHERE e.type = 'tier_change' AND e.at >= ? AND e.at < ? ORDER BY e.at, e.key`,
      )
      .all(START, AS_OF) as Upgrade[]
  )
  consented = new Set(
    campaign.db.prepare(`SELECT customer_key FROM consents WHERE channel = 'email' AND status = 'granted'`).pluck().all() as number[],
  )
}, 60_000)
afterAll(() => campaign?.close())

describe('tier-upgrade campaign on the demo (last eight weeks)', () => {
  it('lets every upgrade in, holds the night-time ones until morning and sends 222 congratulations', () => {
    expect(campaign.report.nodes).toEqual({
      'tier-changed': { entered: 313, outputs: { entered: 313 }, parked: 0, failed: 0 },
      'daytime-gate': { entered: 313, outputs: { pass: 222, held: 91 }, parked: 79, failed: 0 },
      congratulate: { entered: 222, outputs: { email: 222, none: 0 }, parked: 0, failed: 0 },
    })
    expect(campaign.report.sends).toEqual({ email: 222 })
    expect(campaign.report.delivery).toEqual({ sent: 222, pending: 0, dead: 0 })
    expect(campaign.report.positions).toEqual({ active: 0, done: 313, error: 0, cancelled: 0 })
  })

  it('matches the demo: one entry per tier_change in the window, each a move up', () => {
    expect(upgrades).toHaveLength(campaign.report.nodes['tier-changed']!.entered)
    for (const u of upgrades) expect(TIERS.indexOf(u.to)).toBeGreaterThan(TIERS.indexOf(u.from))
  })

  it('drops exactly the customers without granted e-mail consent, each with the reason no-consent', async () => {
    const held = await journalDetails(campaign, 'daytime-gate')
    const dropped = held.filter((row) => row.output === 'held')
    expect(dropped.map((row) => row.reason)).toEqual(Array(dropped.length).fill('no-consent'))
    const withoutConsent = upgrades.filter((u) => !consented.has(u.key)).map((u) => u.key).sort((a, b) => a - b)
    expect(dropped.map((row) => row.customerKey).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(withoutConsent)
    expect(withoutConsent).toHaveLength(91)
  })

  it('defers exactly the consenting customers upgraded during quiet hours, and sends them at 08:00 their time', async () => {
    const nightly = upgrades.filter((u) => consented.has(u.key) && quiet(u.at, u.zone))
    expect(nightly).toHaveLength(79)
    const parked = (await journalKeys(campaign, 'daytime-gate', 'park')).flatMap((row) => row.keys).sort((a, b) => a - b)
    expect(parked).toEqual(nightly.map((u) => u.key).sort((a, b) => a - b))

    const sentAt = new Map(
      (campaign.db.prepare(`SELECT customer_key AS key, at FROM contacts WHERE flow_id = 'tier-upgrade' AND channel = 'email'`).all() as { key: number; at: number }[]).map((c) => [c.key, c.at]),
    )
    expect(sentAt.size).toBe(222)
    for (const u of upgrades.filter((x) => consented.has(x.key))) {
      expect(sentAt.get(u.key), `customer ${u.key} upgraded at ${new Date(u.at).toISOString()} in ${u.zone}`).toBe(quiet(u.at, u.zone) ? nextLocalHour(u.at, u.zone, QUIET_TO) : u.at)
    }
  })

  it("delivers no congratulation between 21:00 and 08:00 in the customer's own time zone", () => {
    const sends = campaign.db
      .prepare(`SELECT o.created_at AS at, t.at AS contactAt, c.time_zone AS zone FROM outbox o JOIN customers c ON c.key = o.customer_key
        JOIN contacts t ON t.customer_key = o.customer_key AND t.flow_id = o.flow_id WHERE o.run_id = ?`)
      .all(campaign.report.runId) as { at: number; contactAt: number; zone: string }[]
    expect(sends).toHaveLength(222)
    const atNight = sends.filter((s) => quiet(s.at, s.zone) || quiet(s.contactAt, s.zone))
    expect(atNight).toEqual([])
    // The demo has upgrades in every hour of the local night, so the gate had real work to do.
    expect(new Set(upgrades.filter((u) => quiet(u.at, u.zone)).map((u) => localTime(u.at, u.zone).hour)).size).toBeGreaterThanOrEqual(8)
  })
})
