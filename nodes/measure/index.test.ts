import { describe, expect, it } from 'vitest'
import { validateNodeConfig } from '../../engine/sdk/index.ts'
import { DEFAULT_TEST_NOW, testNode } from '../../testing/index.ts'
import measure from './index.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const now = DEFAULT_TEST_NOW

const purchase = (id: string, customerId: string, at: number, properties: Record<string, unknown> = {}) => ({ id, customerId, type: 'purchase', at, properties })

describe('measure', () => {
  it('converts at once on a goal already reached in the window since entry, parks the others until the window ends', async () => {
    const result = await testNode(measure, {
      customers: ['early', 'late', 'before', 'none', 'wrong'],
      events: [
        purchase('e1', 'early', now - 2 * DAY, { amount: 30 }),
        // After the window of a customer who entered 20 days ago.
        purchase('e2', 'late', now - 1 * HOUR),
        // Before entering: does not count.
        purchase('e3', 'before', now - 6 * DAY),
        purchase('e4', 'wrong', now - DAY, { channel: 'store' }),
      ],
      config: { event: 'purchase', where: { channel: 'web' }, withinDays: 14 },
      flowEnteredAt: now - 5 * DAY,
      enteredAt: now - HOUR,
    })
    // With a property condition, e1 (no channel) and e4 (channel store) do not count.
    expect(result.routes.converted).toEqual([])
    expect(result.parked.map((p) => [p.customer, p.until])).toEqual(['early', 'late', 'before', 'none', 'wrong'].map((id) => [id, now + 9 * DAY]))
    expect(result.parked[0]?.wakeOn).toEqual({ type: 'purchase', where: { channel: 'web' } })
    expect(result.calls.events).toBe(1)

    const plain = await testNode(measure, {
      customers: ['early', 'late', 'before', 'none'],
      events: [purchase('e1', 'early', now - 2 * DAY, { amount: 30 }), purchase('e3', 'before', now - 6 * DAY)],
      config: { event: 'purchase', withinDays: 14 },
      flowEnteredAt: now - 5 * DAY,
    })
    expect(plain.routes.converted).toEqual(['early'])
    expect(plain.decisions[0]?.values).toEqual({ anchorAt: now - 5 * DAY, convertedAt: now - 2 * DAY, afterHours: 72 })
    expect(plain.decisions[0]?.explanation).toBe('did "purchase" within 14 days of entering the flow')
    expect(plain.parked.map((p) => p.customer)).toEqual(['late', 'before', 'none'])
  })

  it('routes "not converted" when the window has closed, and re-checks the window when woken', async () => {
    const closed = await testNode(measure, { customers: ['a'], config: { event: 'purchase', withinDays: 3 }, flowEnteredAt: now - 3 * DAY, wake: 'due' })
    expect(closed.routes['not converted']).toEqual(['a'])
    expect(closed.decisions[0]?.explanation).toBe('no "purchase" within 3 days of entering the flow')
    // Woken by an event: converted only if the event is inside the window.
    const woken = await testNode(measure, {
      customers: ['in', 'out'],
      events: [purchase('e1', 'in', now - DAY), purchase('e2', 'out', now - HOUR)],
      config: { event: 'purchase', withinDays: 3 },
      flowEnteredAt: now - 3 * DAY - 2 * HOUR,
      wake: 'event',
    })
    expect(woken.routes.converted).toEqual(['in'])
    expect(woken.routes['not converted']).toEqual(['out'])
  })

  it('anchors on the time the customer passed a node, read through ctx.data.passedAt in one call', async () => {
    const result = await testNode(measure, {
      customers: ['sent-early', 'sent-late', 'same-batch'],
      events: [purchase('e1', 'sent-early', now - 3 * DAY), purchase('e2', 'sent-late', now - 3 * DAY), purchase('e3', 'same-batch', now - 3 * DAY)],
      config: { event: 'purchase', withinDays: 4, anchor: { node: 'send' } },
      passed: { send: { 'sent-early': now - 4 * DAY, 'sent-late': now - 3 * DAY + HOUR } },
      flowEnteredAt: now - 10 * DAY,
      enteredAt: now - 4 * DAY,
    })
    // sent-early bought 1 day after the send; sent-late bought before it and its window (4 days) is still open;
    // same-batch is not in the journal yet, so its arrival here (4 days ago) is the anchor.
    expect(result.routes.converted).toEqual(['sent-early', 'same-batch'])
    expect(result.parked).toEqual([{ customer: 'sent-late', until: now + DAY + HOUR, wakeOn: { type: 'purchase' } }])
    expect(result.calls.passedAt).toBe(1)
    expect(result.decisions[0]?.explanation).toBe('did "purchase" within 4 days of passing "send"')
  })

  it('gives the same routes whatever the batching or order', async () => {
    const customers = Array.from({ length: 40 }, (_, i) => `c-${i}`)
    const events = customers.filter((_, i) => i % 3 === 0).map((id, i) => purchase(`e${i}`, id, now - (i % 5) * DAY))
    const run = (batchSize: number, order: 'key' | 'reverse') =>
      testNode(measure, { customers, events, config: { event: 'purchase', withinDays: 7 }, flowEnteredAt: now - 3 * DAY - HOUR, batchSize, order })
    const one = await run(40, 'key')
    const many = await run(7, 'reverse')
    expect(many.routes).toEqual(one.routes)
    // Indexes 0, 3, …, 39: 14 buyers, the j-th buying j mod 5 days ago; the 2 who bought 4 days ago did so before entering.
    expect(one.routes.converted.length).toBe(12)
    expect(one.parked.length).toBe(28)
  })

  it('rejects an anchor node that is missing or is the measure node itself', () => {
    const flow = (anchor: string) => ({
      nodeId: 'goal',
      nodes: [{ id: 'start', type: 'trigger', config: {} }, { id: 'goal', type: 'measure', config: { event: 'purchase', withinDays: 7, anchor: { node: anchor } } }],
      edges: [],
    })
    const issues = (anchor: string) => validateNodeConfig(measure, { event: 'purchase', withinDays: 7, anchor: { node: anchor } }, flow(anchor)).issues.map((i) => `${i.path}: ${i.message}`)
    expect(issues('start')).toEqual([])
    expect(issues('sned')).toEqual(['config.anchor.node: no node "sned" in this flow (expected the id of a node customers pass before this one)'])
    expect(issues('goal')[0]).toMatch(/^config.anchor.node: the window cannot start at the measure node itself/)
    expect(validateNodeConfig(measure, { event: 'purchase', withinDays: 0 }).issues[0]?.path).toBe('config.withinDays')
  })
})
