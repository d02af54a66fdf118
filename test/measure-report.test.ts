/**
 * The measure node in a running flow and the measure report, on SQLite and Postgres: a send,
 * a 2-day wait, then a goal window of 5 days anchored on the send (read back from the journal),
 * with a 20 % holdout. Expected figures are computed here from the fixture's own rules and the
 * engine's holdout draw, not read from the code under test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inHoldout } from '../engine/executor/admit.ts'
import { measureReport } from '../engine/measure/report.ts'
import { uplift } from '../engine/measure/uplift.ts'
import type { OpenStoreOptions } from '../store/open-store.ts'
import measure from '../nodes/measure/index.ts'
import { createTestSchema, type TestSchema } from './support/postgres.ts'
import { DAY, engineHarness, flowOf, HOUR, sendNode, T0, type EngineHarness } from './engine-harness.ts'

const N = 400
const ids = Array.from({ length: N }, (_, i) => `m-${String(i).padStart(3, '0')}`)
const FLOW = 'measure-fixture'

function fixtureFlow(goal: Record<string, unknown>) {
  return flowOf(
    FLOW,
    [
      { id: 'start', type: 'trigger', config: { audience: { customers: ids, at: new Date(T0).toISOString() } } },
      { id: 'mail', type: 'send', config: { channel: 'email', template: 'offer' } },
      { id: 'pause', type: 'wait', config: { for: { amount: 2, unit: 'days' } } },
      { id: 'goal', type: 'measure', config: goal },
    ],
    [
      { from: 'start', output: 'entered', to: 'mail' },
      { from: 'mail', output: 'sent', to: 'pause' },
      { from: 'pause', output: 'done', to: 'goal' },
    ],
    { holdout: { percent: 20 } },
  )
}

/**
 * Customer i: i % 4 = 0 buys 1 day after the send (during the wait, before reaching the measure
 * node), 1 buys on day 4 (while parked there), 2 buys on day 6 (after the 5-day window), 3 bought
 * the day before. Amount = i. Every 5th opens an e-mail an hour after the send; every 10th clicks.
 */
function fixtureEvents() {
  const when = [T0 + DAY, T0 + 4 * DAY, T0 + 6 * DAY, T0 - DAY]
  return ids.flatMap((id, i) => [
    { id: `p-${i}`, customerId: id, type: 'purchase', at: when[i % 4] as number, properties: { amount: i, channel: i % 8 < 4 ? 'web' : 'store' } },
    ...(i % 5 === 0 ? [{ id: `o-${i}`, customerId: id, type: 'email_open', at: T0 + HOUR, properties: {} }] : []),
    ...(i % 10 === 0 ? [{ id: `k-${i}`, customerId: id, type: 'email_click', at: T0 + 2 * HOUR, properties: {} }] : []),
  ])
}

/** What the report must say, from the fixture's rules. */
function expected(convertedIf: (i: number) => boolean) {
  const arms = { treated: { customers: 0, converted: 0, revenue: 0, opened: 0, clicked: 0 }, holdout: { customers: 0, converted: 0, revenue: 0, opened: 0, clicked: 0 } }
  const tiers: Record<string, { treated: number; holdout: number; converted: number }> = {}
  ids.forEach((id, i) => {
    const arm = inHoldout(FLOW, id, 20) ? arms.holdout : arms.treated
    const converted = convertedIf(i)
    arm.customers++
    if (converted) {
      arm.converted++
      arm.revenue += i
    }
    if (i % 5 === 0) arm.opened++
    if (i % 10 === 0) arm.clicked++
    const tier = i % 3 === 0 ? 'gold' : 'silver'
    tiers[tier] ??= { treated: 0, holdout: 0, converted: 0 }
    const t = tiers[tier] as { treated: number; holdout: number; converted: number }
    if (inHoldout(FLOW, id, 20)) t.holdout++
    else t.treated++
    if (converted) t.converted++
  })
  return { arms, tiers }
}

let pg: TestSchema
beforeAll(async () => {
  pg = await createTestSchema('the measure report tests')
})
afterAll(() => pg?.drop())

describe.each(['sqlite', 'postgres'] as const)('measure node and report on %s', (dialect) => {
  let h: EngineHarness
  afterEach(() => h?.close())
  const open = async (): Promise<EngineHarness> => {
    let store: OpenStoreOptions | undefined
    if (dialect === 'postgres') {
      await pg.truncate()
      store = { databaseUrl: pg.url, pgSchema: pg.schema }
    }
    h = await engineHarness({ nodes: [sendNode(), measure], ...(store ? { store } : {}) })
    await h.store.upsertCustomers(ids.map((id, i) => ({ id, attributes: { tier: i % 3 === 0 ? 'gold' : 'silver' } })))
    await h.store.insertEvents(fixtureEvents())
    return h
  }

  it('routes converted / not converted by the window after the send and reports uplift per flow, node, channel and segment', async () => {
    await open()
    const run = await h.engine.publish(fixtureFlow({ event: 'purchase', withinDays: 5, anchor: { node: 'mail' }, revenue: 'amount' }))
    await h.scheduler.runUntil(T0 + 10 * DAY)
    const { arms, tiers } = expected((i) => i % 4 <= 1)
    const summary = await h.engine.summary(run.id)
    expect(summary.nodes.goal?.outputs).toEqual({ converted: N / 2, 'not converted': N / 2 })
    // Bought during the wait: converted on arrival; bought while parked: woken; the others at the window's end.
    expect(summary.nodes.goal?.parked).toBe(N * 3 / 4)

    const report = await measureReport(h.engineStore, run.id, { registry: h.registry, now: T0 + 10 * DAY, by: 'tier' })
    expect(report.goal).toEqual({ source: 'node:goal', event: 'purchase', withinDays: 5, anchor: { node: 'mail' }, revenue: 'amount' })
    const { treated, holdout } = report.overall
    expect([treated.customers, treated.converted, treated.revenue, treated.opened, treated.clicked, treated.open]).toEqual([arms.treated.customers, arms.treated.converted, arms.treated.revenue, arms.treated.opened, arms.treated.clicked, 0])
    expect([holdout.customers, holdout.converted, holdout.revenue, holdout.opened, holdout.clicked]).toEqual([arms.holdout.customers, arms.holdout.converted, arms.holdout.revenue, arms.holdout.opened, arms.holdout.clicked])
    expect(arms.holdout.customers).toBeGreaterThan(50)
    expect(treated.sent).toBe(arms.treated.customers)
    expect(treated.delivered).toBe(arms.treated.customers)
    expect(holdout.held).toBe(arms.holdout.customers)
    expect(report.overall.uplift).toEqual(uplift(arms.treated, arms.holdout))

    // Everyone arrived at every node; the e-mail channel: treated were sent it, the holdout's were held back.
    for (const node of ['start', 'mail', 'pause', 'goal']) {
      expect([report.nodes[node]?.treated.customers, report.nodes[node]?.holdout.customers, report.nodes[node]?.treated.converted]).toEqual([arms.treated.customers, arms.holdout.customers, arms.treated.converted])
    }
    expect([report.nodes.start?.treated.entered, report.nodes.start?.holdout.entered]).toEqual([arms.treated.customers, arms.holdout.customers])
    expect(report.nodes.mail?.treated.sent).toBe(arms.treated.customers)
    expect(report.nodes.goal?.treated.sent).toBeUndefined()
    expect(Object.keys(report.channels)).toEqual(['email'])
    expect([report.channels.email?.treated.customers, report.channels.email?.holdout.customers, report.channels.email?.holdout.held]).toEqual([arms.treated.customers, arms.holdout.customers, arms.holdout.customers])
    expect(report.channels.email?.holdout.converted).toBe(arms.holdout.converted)

    expect(report.segments?.by).toBe('tier')
    expect(Object.keys(report.segments?.values ?? {})).toEqual(['gold', 'silver'])
    for (const tier of ['gold', 'silver']) {
      const row = report.segments?.values[tier]
      expect([row?.treated.customers, row?.holdout.customers, (row?.treated.converted ?? 0) + (row?.holdout.converted ?? 0)]).toEqual([tiers[tier]?.treated, tiers[tier]?.holdout, tiers[tier]?.converted])
    }
  })

  it('applies the goal\'s property conditions, anchors on entry by default, and leaves windows still open out of the comparison', async () => {
    await open()
    const run = await h.engine.publish(fixtureFlow({ event: 'purchase', where: { channel: 'web' }, withinDays: 5 }))
    await h.scheduler.runUntil(T0 + 3 * DAY)
    // As of day 3 every 5-day window is open: counted as open, not compared (the day-1 buyers
    // among them would make a rate of conversions so far, not of the goal).
    const early = await measureReport(h.engineStore, run.id, { registry: h.registry, now: T0 + 3 * DAY })
    const { arms } = expected((i) => i % 8 === 0)
    expect(early.goal.anchor).toBe('entry')
    expect([early.overall.treated.open, early.overall.holdout.open]).toEqual([arms.treated.customers, arms.holdout.customers])
    expect([early.overall.treated.customers, early.overall.treated.converted, early.overall.holdout.customers, early.overall.holdout.converted]).toEqual([0, 0, 0, 0])
    expect(early.overall.uplift.enough).toBe(false)
    expect([early.nodes.goal?.treated.customers, early.nodes.goal?.treated.entered]).toEqual([0, arms.treated.customers])
    expect(early.channels.email?.holdout.customers).toBe(0)
    // The node routed the day-1 web buyers at once on arrival (day 2); the rest are parked until day 5.
    expect((await h.engine.summary(run.id)).nodes.goal?.outputs.converted).toBe(N / 8)
    // Once the windows close (day 5): the web purchases of day 1 and day 4 (i % 8 = 0, 1); day 6 is too late.
    await h.scheduler.runUntil(T0 + 6 * DAY)
    const report = await measureReport(h.engineStore, run.id, { registry: h.registry, now: T0 + 6 * DAY })
    const { arms: closed } = expected((i) => i % 8 <= 1)
    expect([report.overall.treated.open, report.overall.holdout.open]).toEqual([0, 0])
    expect([report.overall.treated.customers, report.overall.holdout.customers]).toEqual([arms.treated.customers, arms.holdout.customers])
    expect([report.overall.treated.converted, report.overall.holdout.converted]).toEqual([closed.treated.converted, closed.holdout.converted])
    expect(report.segments).toBeUndefined()
    expect((await h.engine.summary(run.id)).nodes.goal?.outputs.converted).toBe(N / 4)
  })

  it('measures settings.goal when the flow has no measure node, and says so when there is no goal at all', async () => {
    await open()
    const flow = fixtureFlow({ event: 'purchase', withinDays: 5 })
    flow.nodes = flow.nodes.filter((n) => n.id !== 'goal')
    flow.edges = flow.edges.filter((e) => e.to !== 'goal')
    const noGoal = await h.engine.publish(flow)
    await expect(measureReport(h.engineStore, noGoal.id, { registry: h.registry, now: T0 })).rejects.toThrow('flow "measure-fixture" has no measure node and no settings.goal: there is nothing to measure')
    const withGoal = await h.engine.publish({ ...flow, version: 2, settings: { ...flow.settings, goal: { event: 'purchase', withinDays: 7 } } })
    await h.scheduler.runUntil(T0 + 10 * DAY)
    const report = await measureReport(h.engineStore, withGoal.id, { registry: h.registry, now: T0 + 10 * DAY })
    // Entered at T0 (the audience time): day 1, 4 and 6 purchases are all within 7 days.
    const { arms } = expected((i) => i % 4 !== 3)
    expect(report.goal.source).toBe('settings.goal')
    expect([report.overall.treated.converted, report.overall.holdout.converted]).toEqual([arms.treated.converted, arms.holdout.converted])
  })
})

describe.each(['sqlite', 'postgres'] as const)('measure goal SQL on %s', (dialect) => {
  let h: EngineHarness
  afterEach(() => h?.close())

  it('matches property conditions by type and breaks down by a number attribute and by a tag the same way on both dialects', async () => {
    let store: OpenStoreOptions | undefined
    if (dialect === 'postgres') {
      await pg.truncate()
      store = { databaseUrl: pg.url, pgSchema: pg.schema }
    }
    h = await engineHarness({ nodes: [sendNode(), measure], ...(store ? { store } : {}) })
    await h.store.upsertCustomers(ids.map((id, i) => ({ id, attributes: { visits: i % 2, vip: i % 5 === 0 } })))
    await h.store.setTags(ids.filter((_, i) => i % 4 === 0).map((customerId) => ({ customerId, tag: { name: 'cell', layer: 'predictive', value: 'at-risk', at: T0, source: 'test' } })))
    // Goal events: numeric `size` 2 (not "2"), boolean `gift` true (not "true" nor 1).
    await h.store.insertEvents(ids.flatMap((id, i) => [
      { id: `a-${i}`, customerId: id, type: 'purchase', at: T0 + DAY, properties: { size: i % 3 === 0 ? 2 : '2', gift: i % 7 === 0 ? true : 1, amount: 10 } },
    ]))
    const flow = fixtureFlow({ event: 'purchase', where: { size: 2, gift: true }, withinDays: 5 })
    const run = await h.engine.publish(flow)
    await h.scheduler.runUntil(T0 + 10 * DAY)
    const converts = (i: number) => i % 3 === 0 && i % 7 === 0
    const summary = await h.engine.summary(run.id)
    expect(summary.nodes.goal?.outputs.converted).toBe(ids.filter((_, i) => converts(i)).length)
    const byVisits = await measureReport(h.engineStore, run.id, { registry: h.registry, now: T0 + 10 * DAY, by: 'visits' })
    const converted = (keep: (i: number) => boolean) => ids.filter((_, i) => keep(i) && converts(i)).length
    const total = (c: { treated: { converted: number }; holdout: { converted: number } } | undefined) => (c?.treated.converted ?? 0) + (c?.holdout.converted ?? 0)
    expect(Object.keys(byVisits.segments?.values ?? {})).toEqual(['0', '1'])
    expect([total(byVisits.segments?.values['0']), total(byVisits.segments?.values['1'])]).toEqual([converted((i) => i % 2 === 0), converted((i) => i % 2 === 1)])
    expect(byVisits.overall.treated.revenue + byVisits.overall.holdout.revenue).toBe(10 * converted(() => true))
    const byVip = await measureReport(h.engineStore, run.id, { registry: h.registry, now: T0 + 10 * DAY, by: 'vip' })
    expect(Object.keys(byVip.segments?.values ?? {})).toEqual(['false', 'true'])
    const byTag = await measureReport(h.engineStore, run.id, { registry: h.registry, now: T0 + 10 * DAY, byTag: 'cell' })
    expect(byTag.segments?.by).toBe('tag:cell')
    expect(Object.keys(byTag.segments?.values ?? {})).toEqual(['(none)', 'at-risk'])
    const cell = byTag.segments?.values['at-risk']
    expect((cell?.treated.customers ?? 0) + (cell?.holdout.customers ?? 0)).toBe(N / 4)
    expect(total(cell)).toBe(converted((i) => i % 4 === 0))
  })
})
