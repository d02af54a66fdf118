/**
 * flows/abandoned-cart.flow.json on the demo's last eight weeks: each cart_add lets its customer
 * in (again after a day at the earliest), a purchase of the same cart within 4 hours ends the
 * journey, otherwise a reminder goes out on the customer's preferred channel when it is usable
 * (address, granted consent, not 21:00–08:00 their time), else on the first usable of push,
 * e-mail, SMS. A 10 % holdout gets no message. The whole journey is recomputed here from the
 * demo's events, addresses and consents with plain SQL and arithmetic, independently of the
 * engine, the wait node and the channel choice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AS_OF, DAY, HOUR, localTime, runDemoCampaign, START, type DemoCampaign } from './support/demo-campaign.ts'

const CANDIDATES = ['push', 'email', 'sms'] as const
const ADDRESS = { push: 'push', email: 'email', sms: 'phone' } as const

interface Cart { key: number; at: number; cart: string }
interface Journey extends Cart { outcome: 'event' | 'timeout' | 'active'; channel?: string }

let campaign: DemoCampaign
let journeys: Journey[]

/** Admissions and outcomes from the events alone: again-after 1 day; the purchase of the same cart within 4 hours, or the timeout. */
function expectedJourneys(db: DemoCampaign['db']): Journey[] {
  const carts = db
    .prepare(`SELECT customer_key AS key, at, json_extract(properties, '$.cart_id') AS cart FROM events WHERE type = 'cart_add' AND at >= ? AND at < ? ORDER BY at, key`)
    .all(START, AS_OF) as Cart[]
  const purchases = new Map<string, number[]>()
  for (const p of db.prepare(`SELECT at, json_extract(properties, '$.cart_id') AS cart FROM events WHERE type = 'purchase' AND json_extract(properties, '$.cart_id') IS NOT NULL`).all() as { at: number; cart: string }[]) {
    purchases.set(p.cart, [...(purchases.get(p.cart) ?? []), p.at])
  }
  const customers = new Map(
    (db.prepare('SELECT key, time_zone AS zone, preferred_channel AS preferred FROM customers').all() as { key: number; zone: string; preferred: string | null }[]).map((c) => [c.key, c]),
  )
  const usable = new Set(
    (db.prepare(`SELECT a.customer_key || ':' || c.channel FROM customer_addresses a JOIN consents c ON c.customer_key = a.customer_key AND c.status = 'granted'
      AND ((a.kind = 'phone' AND c.channel = 'sms') OR (a.kind = c.channel))`).pluck().all() as string[]),
  )
  const lastEntry = new Map<number, number>()
  const out: Journey[] = []
  for (const cart of carts) {
    const last = lastEntry.get(cart.key)
    if (last !== undefined && cart.at - last < DAY) continue
    lastEntry.set(cart.key, cart.at)
    const timeout = cart.at + 4 * HOUR
    if ((purchases.get(cart.cart) ?? []).some((at) => at > cart.at && at <= timeout && at < AS_OF)) out.push({ ...cart, outcome: 'event' })
    else if (timeout >= AS_OF) out.push({ ...cart, outcome: 'active' })
    else {
      const customer = customers.get(cart.key)!
      const { hour } = localTime(timeout, customer.zone)
      const quiet = hour >= 21 || hour < 8
      const eligible = quiet ? [] : CANDIDATES.filter((channel) => usable.has(`${cart.key}:${channel}`) && ADDRESS[channel])
      const channel = eligible.find((c) => c === customer.preferred) ?? eligible[0] ?? 'none'
      out.push({ ...cart, outcome: 'timeout', channel })
    }
  }
  return out
}

beforeAll(async () => {
  campaign = await runDemoCampaign('abandoned-cart')
  journeys = expectedJourneys(campaign.db)
}, 120_000)
afterAll(() => campaign?.close())

describe('abandoned-cart campaign on the demo (last eight weeks)', () => {
  it('lets carts in, ends the journey of those bought within 4 hours and reminds the rest', () => {
    expect(campaign.report.nodes).toEqual({
      'cart-added': { entered: 1513, outputs: { entered: 1513 }, parked: 0, failed: 0 },
      'wait-for-purchase': { entered: 1513, outputs: { event: 41, timeout: 1469 }, parked: 1513, failed: 0 },
      remind: { entered: 1469, outputs: { push: 128, email: 360, sms: 139, none: 842 }, parked: 0, failed: 0 },
    })
    // The holdout's reminders are held back, the others delivered.
    expect(campaign.report.sends).toEqual({ push: 114, email: 328, sms: 125 })
    expect(campaign.report.held).toEqual({ push: 14, email: 32, sms: 14 })
    expect(campaign.report.delivery).toEqual({ sent: 567, pending: 0, dead: 0 })
    // Three carts added in the last 4 hours are still waiting for a purchase when the window ends.
    expect(campaign.report.positions.active).toBe(3)
  })

  it('matches the journeys recomputed from the events: entries, purchases within 4 hours, timeouts', () => {
    const count = (outcome: Journey['outcome']) => journeys.filter((j) => j.outcome === outcome).length
    const nodes = campaign.report.nodes
    expect(journeys.length).toBe(nodes['cart-added']!.entered)
    expect(count('event')).toBe(nodes['wait-for-purchase']!.outputs.event)
    expect(count('timeout')).toBe(nodes['wait-for-purchase']!.outputs.timeout)
    expect(count('active')).toBe(campaign.report.positions.active)
  })

  it('reminds on the channel recomputed from preference, addresses, consent and the local hour', () => {
    const outputs = campaign.report.nodes.remind!.outputs
    for (const channel of [...CANDIDATES, 'none']) expect(journeys.filter((j) => j.channel === channel).length, channel).toBe(outputs[channel])
    // Who got what: the outbox (treated customers) plus the holdout's held sends are the reminders.
    const sent = campaign.db.prepare(`SELECT customer_key AS key, channel, created_at AS at FROM outbox WHERE run_id = ? ORDER BY created_at, customer_key`).all(campaign.report.runId) as { key: number; channel: string; at: number }[]
    const expected = new Map(journeys.filter((j) => j.channel && j.channel !== 'none').map((j) => [`${j.key}:${j.at + 4 * HOUR}`, j.channel]))
    for (const send of sent) expect(expected.get(`${send.key}:${send.at}`)).toBe(send.channel)
    const held = Object.values(campaign.report.held).reduce((a, b) => a + (b ?? 0), 0)
    expect(sent.length + held).toBe(expected.size)
  })
})
