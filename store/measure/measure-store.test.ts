import { expect, it } from 'vitest'
import type { GoalQuery } from '../../engine/ports/engine-store.ts'
import { describeEngineStore, HOUR, position, run, T0 } from '../../test/support/engine-store-dialects.ts'

const bySegmentAndHoldout = (a: { segment: string | null; holdout: boolean }, b: { segment: string | null; holdout: boolean }) =>
  String(a.segment).localeCompare(String(b.segment)) || Number(a.holdout) - Number(b.holdout)

describeEngineStore('measure', (ctx) => {
  const query: GoalQuery = { event: 'purchase', withinMs: 24 * HOUR, now: T0 + 48 * HOUR, revenue: 'amount', engagement: ['open'] }

  async function seed(): Promise<void> {
    const { engine, store, key } = ctx
    await store.upsertCustomers([{ id: 'c-1', attributes: { plan: 'gold' } }, { id: 'c-2', attributes: { plan: 'gold' } }, { id: 'c-3', attributes: { plan: 'free' } }])
    await engine.insertRun(run('r1'))
    await engine.writePositions([
      position('r1', key('c-1'), { holdout: true, state: 'done', dueAt: null }),
      position('r1', key('c-2'), { state: 'done', dueAt: null }),
      position('r1', key('c-3'), { state: 'done', dueAt: null }),
    ])
    await store.insertEvents([
      { id: 'b-1', customerId: 'c-1', type: 'purchase', at: T0 + HOUR, properties: { amount: 10 } },
      { id: 'b-2', customerId: 'c-2', type: 'purchase', at: T0 + 2 * HOUR, properties: { amount: 5 } },
      // After c-2's window closed: not their conversion.
      { id: 'b-3', customerId: 'c-2', type: 'purchase', at: T0 + 30 * HOUR, properties: { amount: 99 } },
      { id: 'o-1', customerId: 'c-3', type: 'open', at: T0 + 3 * HOUR },
    ])
  }

  it('counts conversions, revenue and engagement in each closed window, per holdout group and segment', async () => {
    const { engine, key } = ctx
    await seed()
    const answer = await engine.measureGoal('r1', query)
    expect(answer.groups.sort(bySegmentAndHoldout)).toEqual([
      { segment: null, holdout: false, customers: 2, converted: 1, revenue: 5, engaged: [1], open: 0 },
      { segment: null, holdout: true, customers: 1, converted: 1, revenue: 10, engaged: [0], open: 0 },
    ])
    expect(answer.outcomes.sort((a, b) => a.key - b.key)).toEqual([
      { key: key('c-1'), holdout: true, converted: true, revenue: 10, engaged: [false] },
      { key: key('c-2'), holdout: false, converted: true, revenue: 5, engaged: [false] },
      { key: key('c-3'), holdout: false, converted: false, revenue: 0, engaged: [true] },
    ])
    expect(answer.openKeys).toEqual([])
    expect(answer.holdout).toEqual([key('c-1')])

    const byPlan = await engine.measureGoal('r1', { ...query, by: { attribute: 'plan' } })
    expect(byPlan.groups.sort(bySegmentAndHoldout).map((g) => [g.segment, g.holdout, g.customers, g.converted])).toEqual([
      ['free', false, 1, 0], ['gold', false, 1, 1], ['gold', true, 1, 1],
    ])
  })

  it('leaves windows still open at `now` out of the comparison, and measures only the anchors given', async () => {
    const { engine, key } = ctx
    await seed()
    const early = await engine.measureGoal('r1', { ...query, now: T0 + 12 * HOUR })
    expect(early.groups.reduce((sum, g) => sum + g.customers, 0)).toBe(0)
    expect(early.groups.reduce((sum, g) => sum + g.open, 0)).toBe(3)
    expect(early.openKeys).toEqual([key('c-1'), key('c-2'), key('c-3')].sort((a, b) => a - b))
    // c-2 anchored at T0 + 10 h, after their first purchase: only the one at T0 + 30 h falls in the window.
    const anchored = await engine.measureGoal('r1', { ...query, anchors: [{ key: key('c-2'), at: T0 + 10 * HOUR }] })
    expect(anchored.outcomes).toEqual([{ key: key('c-2'), holdout: false, converted: true, revenue: 99, engaged: [false] }])
    expect(anchored.holdout).toEqual([key('c-1')])
  })
})
