/**
 * flows/churn-prevention.flow.json on the demo's last eight weeks (two monthly fires, 1 May
 * and 1 June at 09:00 New York time): every current customer is scored with the fitted
 * logistic model, the top 10 % who can be called get a retention call — at most 200 a day,
 * the overflow deferred to the next day, never outside 09:00–20:00 in their own time zone — and
 * everyone else an e-mail. Probabilities, the top-10 % cut, who is callable and who can be
 * e-mailed are recomputed here from the customers' attributes with plain SQL and arithmetic,
 * independently of the score node and the segment compiler.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DAY, journalDetails, journalKeys, localTime, runDemoCampaign, type DemoCampaign } from './support/demo-campaign.ts'

interface Model {
  intercept: number
  numeric: { attribute: string; coefficient: number; missing: number }[]
  categorical: { attribute: string; reference: string; levels: Record<string, number> }[]
}
const flow = JSON.parse(readFileSync(new URL('../flows/churn-prevention.flow.json', import.meta.url), 'utf8')) as { nodes: { id: string; config: { method?: Model } }[] }
const model = flow.nodes.find((n) => n.id === 'churn-score')!.config.method!

const FIRES = [Date.UTC(2025, 4, 1, 13), Date.UTC(2025, 5, 1, 13)] // 09:00 EDT
const CALLS_PER_DAY = 200

interface Scored { key: number; id: string; p: number }

let campaign: DemoCampaign
let audience: Scored[]
let callable: Set<number>
let emailable: Set<number>

function probability(attributes: Record<string, unknown>): number {
  let z = model.intercept
  for (const t of model.numeric) z += t.coefficient * (typeof attributes[t.attribute] === 'number' ? (attributes[t.attribute] as number) : t.missing)
  for (const t of model.categorical) z += t.levels[String(attributes[t.attribute])] ?? 0
  return 1 / (1 + Math.exp(-z))
}

const sorted = (keys: Iterable<number>) => [...keys].sort((a, b) => a - b)

beforeAll(async () => {
  campaign = await runDemoCampaign('churn-prevention')
  const rows = campaign.db
    .prepare(`SELECT key, external_id AS id, json(attributes) AS attributes FROM customers WHERE json_type(attributes, '$.churn') = 'false'`)
    .all() as { key: number; id: string; attributes: string }[]
  audience = rows.map((r) => ({ key: r.key, id: r.id, p: probability(JSON.parse(r.attributes) as Record<string, unknown>) }))
  const keys = (sql: string) => new Set(campaign.db.prepare(sql).pluck().all() as number[])
  // Calls: a phone and no call opt-out. E-mail: an address and a granted e-mail consent.
  callable = keys(`SELECT a.customer_key FROM customer_addresses a WHERE a.kind = 'phone'
    AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.customer_key = a.customer_key AND c.channel = 'call' AND c.status = 'revoked')`)
  emailable = keys(`SELECT a.customer_key FROM customer_addresses a JOIN consents c ON c.customer_key = a.customer_key AND c.channel = 'email' AND c.status = 'granted'
    WHERE a.kind = 'email'`)
}, 60_000)
afterAll(() => campaign?.close())

describe('churn-prevention campaign on the demo (last eight weeks)', () => {
  it('fires twice, scores 5,174 customers each time and sends 758 calls and 6,884 e-mails', () => {
    expect(campaign.report.nodes).toEqual({
      monthly: { entered: 10_348, outputs: { entered: 10_348 }, parked: 0, failed: 0 },
      'churn-score': { entered: 10_348, outputs: { top: 1036, rest: 9312 }, parked: 0, failed: 0 },
      callable: { entered: 1036, outputs: { match: 758, 'no match': 278 }, parked: 0, failed: 0 },
      'retention-email': { entered: 9590, outputs: { email: 6884, none: 2706 }, parked: 0, failed: 0 },
      'call-gate': { entered: 758, outputs: { pass: 758, held: 0 }, parked: 588, failed: 0 },
      'retention-call': { entered: 758, outputs: { call: 758, none: 0 }, parked: 0, failed: 0 },
    })
    expect(campaign.report.sends).toEqual({ call: 758, email: 6884 })
    expect(campaign.report.delivery).toEqual({ sent: 7642, pending: 0, dead: 0 })
    expect(campaign.report.positions).toEqual({ active: 0, done: 5174, error: 0, cancelled: 0 })
  })

  it('lets the current customers in at each fire (1 May and 1 June, 09:00 in New York)', async () => {
    expect(audience).toHaveLength(5174)
    const fires = await journalKeys(campaign, 'churn-score', 'arrive')
    const byFire = new Map<number, number[]>()
    for (const { at, keys } of fires) byFire.set(at, [...(byFire.get(at) ?? []), ...keys])
    expect([...byFire.keys()]).toEqual(FIRES)
    for (const keys of byFire.values()) expect(sorted(keys)).toEqual(sorted(audience.map((c) => c.key)))
  })

  it('writes each customer\'s churn probability as computed from the model, and sends the top ⌈10 %⌉ by it to the call branch', async () => {
    const tags = new Map(
      (campaign.db.prepare(`SELECT customer_key AS key, num FROM customer_tags WHERE name = 'churn_probability'`).all() as { key: number; num: number }[]).map((t) => [t.key, t.num]),
    )
    expect(tags.size).toBe(audience.length)
    for (const c of audience) expect(Math.abs((tags.get(c.key) ?? Number.NaN) - c.p)).toBeLessThan(1e-9)

    const cut = Math.ceil((audience.length * 10) / 100)
    expect(cut).toBe(518)
    const ranked = [...audience].sort((a, b) => b.p - a.p || (a.id < b.id ? -1 : 1))
    // No tie straddles the cut, so the top set does not depend on how ties are broken.
    expect(ranked[cut - 1]!.p).toBeGreaterThan(ranked[cut]!.p)
    const top = sorted(ranked.slice(0, cut).map((c) => c.key))
    const routed = await journalKeys(campaign, 'churn-score', 'route', 'top')
    for (const fire of FIRES) expect(sorted(routed.filter((r) => r.at === fire).flatMap((r) => r.keys))).toEqual(top)
  })

  it('calls exactly the top customers with a phone and no call opt-out, and e-mails everyone else who can be e-mailed', async () => {
    const ranked = [...audience].sort((a, b) => b.p - a.p || (a.id < b.id ? -1 : 1))
    const top = ranked.slice(0, 518).map((c) => c.key)
    const callers = top.filter((k) => callable.has(k))
    expect(callers).toHaveLength(379)
    const called = campaign.db.prepare(`SELECT customer_key FROM outbox WHERE run_id = ? AND channel = 'call'`).pluck().all(campaign.report.runId) as number[]
    expect(sorted(called)).toEqual(sorted([...callers, ...callers]))

    const emailed = audience.filter((c) => !callers.includes(c.key) && emailable.has(c.key)).map((c) => c.key)
    expect(emailed).toHaveLength(3442)
    const mails = campaign.db.prepare(`SELECT customer_key FROM outbox WHERE run_id = ? AND channel = 'email'`).pluck().all(campaign.report.runId) as number[]
    expect(sorted(mails)).toEqual(sorted([...emailed, ...emailed]))
  })

  it('places at most 200 calls a day, deferring the overflow to the next day, and none outside 09:00–20:00 local', async () => {
    const calls = campaign.db
      .prepare(`SELECT t.at, c.time_zone AS zone FROM contacts t JOIN customers c ON c.key = t.customer_key WHERE t.flow_id = 'churn-prevention' AND t.channel = 'call' ORDER BY t.at`)
      .all() as { at: number; zone: string }[]
    const perDay: Record<string, number> = {}
    for (const call of calls) {
      const day = new Date(call.at).toISOString().slice(0, 10)
      perDay[day] = (perDay[day] ?? 0) + 1
      const { hour } = localTime(call.at, call.zone)
      expect(hour >= 9 && hour < 20, `call at ${new Date(call.at).toISOString()} in ${call.zone}`).toBe(true)
    }
    expect(perDay).toEqual({ '2025-05-01': 200, '2025-05-02': 179, '2025-06-01': 200, '2025-06-02': 179 })
    for (const n of Object.values(perDay)) expect(n).toBeLessThanOrEqual(CALLS_PER_DAY)

    // Every deferral at the gate has its reason: the day's capacity, or the customer's night.
    const deferred = (await journalDetails(campaign, 'call-gate')).filter((row) => row.output === null)
    const reasons: Record<string, number> = {}
    for (const row of deferred) reasons[row.reason ?? 'none'] = (reasons[row.reason ?? 'none'] ?? 0) + 1
    expect(reasons).toEqual({ 'capacity:call': 228, 'quiet-hours': 360 })
    expect(deferred).toHaveLength(campaign.report.nodes['call-gate']!.parked)
    expect(calls.at(-1)!.at).toBeLessThan(FIRES[1]! + 2 * DAY)
  })

  it('at each fire defers exactly the callers in their night and calls the others at once', async () => {
    const ranked = [...audience].sort((a, b) => b.p - a.p || (a.id < b.id ? -1 : 1))
    const callers = ranked.slice(0, 518).filter((c) => callable.has(c.key)).map((c) => c.key)
    const zones = new Map((campaign.db.prepare('SELECT key, time_zone AS zone FROM customers').all() as { key: number; zone: string }[]).map((c) => [c.key, c.zone]))
    const deferred = (await journalDetails(campaign, 'call-gate')).filter((row) => row.output === null)
    for (const fire of FIRES) {
      const night = callers.filter((k) => {
        const { hour } = localTime(fire, zones.get(k)!)
        return hour < 9 || hour >= 20
      })
      const atFire = deferred.filter((row) => row.at === fire)
      expect(sorted(atFire.filter((row) => row.reason === 'quiet-hours').map((row) => row.customerKey!))).toEqual(sorted(night))
      // 199 callers are in their day at the fire: all called at once. The 200th call of the day
      // goes to an early riser (Sydney, 09:00 local = 23:00 UTC); the capacity deferrals come then.
      expect(callers.length - night.length).toBe(199)
      expect(atFire.filter((row) => row.reason === 'capacity:call')).toHaveLength(0)
    }
  })
})
