import { describe, expect, it } from 'vitest'
import { validateNodeConfig } from '../../engine/sdk/index.ts'
import { DEFAULT_TEST_NOW, testNode } from '../../testing/index.ts'
import wait, { nextWindowStart } from './index.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const now = DEFAULT_TEST_NOW // 2025-01-01T00:00:00Z, a Wednesday

describe('wait', () => {
  it('holds for a duration after arrival: a due time, not a timer', async () => {
    const result = await testNode(wait, { customers: ['c-1', 'c-2'], config: { for: { amount: 3, unit: 'days' } }, enteredAt: now - DAY })
    expect(result.routes.done).toEqual(['c-1', 'c-2'])
    expect(result.decisions.map((d) => d.at)).toEqual([now + 2 * DAY, now + 2 * DAY])
    expect(result.decisions[0]?.explanation).toBe('waited 3 days')
  })

  it('passes at once when the wait is already over (a date in the past)', async () => {
    const past = await testNode(wait, { customers: ['c-1'], config: { until: '2024-12-31T00:00:00Z' } })
    expect(past.decisions[0]?.at).toBeUndefined()
    const future = await testNode(wait, { customers: ['c-1'], config: { until: '2025-02-01T09:00:00Z' } })
    expect(future.decisions[0]?.at).toBe(Date.UTC(2025, 1, 1, 9))
  })

  it('waits for the next weekday window in each customer\'s own time zone', async () => {
    const config = { window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[], from: '09:00', to: '18:00' } }
    const result = await testNode(wait, {
      customers: [{ id: 'paris', timeZone: 'Europe/Paris' }, { id: 'ny', timeZone: 'America/New_York' }, { id: 'tokyo', timeZone: 'Asia/Tokyo' }],
      config,
    })
    // Wed 01:00 Paris → 09:00 Paris (08:00Z); Tue 19:00 New York → Wed 09:00 (14:00Z); Wed 09:00 Tokyo: inside the window, no wait.
    expect(Object.fromEntries(result.decisions.map((d) => [d.customer, d.at]))).toEqual({ paris: Date.UTC(2025, 0, 1, 8), ny: Date.UTC(2025, 0, 1, 14), tokyo: undefined })
    expect(result.calls.customers).toBe(1)
    // Friday 18:30 in New York → Monday 09:00.
    expect(nextWindowStart(Date.UTC(2025, 0, 3, 23, 30), 'America/New_York', config.window)).toBe(Date.UTC(2025, 0, 6, 14))
  })

  it('parks until an event correlated with the trigger, or the timeout', async () => {
    const config = { event: { type: 'purchase', where: { channel: 'web' }, correlate: ['cart'], timeout: { amount: 4, unit: 'hours' as const } } }
    const parked = await testNode(wait, { customers: ['c-1'], config })
    // Without a triggering event there is no cart to match: only the timeout remains, with the reason.
    expect(parked.parked).toEqual([{ customer: 'c-1', until: now + 4 * HOUR, reason: 'no cart on the triggering event to match; waiting for the timeout' }])
    expect((await testNode(wait, { customers: ['c-1'], config, wake: 'event' })).routes.event).toEqual(['c-1'])
    const timedOut = await testNode(wait, { customers: ['c-1'], config, wake: 'due' })
    expect(timedOut.routes.timeout).toEqual(['c-1'])
    expect(timedOut.decisions[0]?.explanation).toBe('no "purchase" within 4 hours')
  })

  it('reports a config that is not exactly one mode, longer than 90 days, or a window that ends before it starts', () => {
    const issues = (config: unknown) => validateNodeConfig(wait, config).issues.map((i) => `${i.path}: ${i.message}`)
    expect(issues({})).toEqual(['config: give exactly one of "for", "until", "window", "event"'])
    expect(issues({ for: { amount: 91, unit: 'days' } })).toEqual(['config.for: 91 days is longer than the 90 days a wait may last'])
    expect(issues({ window: { days: ['mon'], from: '18:00', to: '09:00' } })).toEqual(['config.window.to: the window must end after it starts (18:00–09:00)'])
    expect(issues({ window: { days: ['mon'], from: '9am', to: '18:00' } }).join()).toMatch(/config\.window\.from: expected a time of day HH:MM/)
  })
})
