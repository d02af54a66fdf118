import { describe, expect, it } from 'vitest'
import { dateRange, eventWindow, MAX_TIME, MIN_TIME } from './date-range.ts'
import { durationAfter, durationBefore } from './durations.ts'

const DAY = 86_400_000
const now = Date.UTC(2025, 2, 31, 15, 0)
const may1 = Date.UTC(2024, 4, 1)

describe('dateRange', () => {
  it.each([
    [{ op: 'eq', value: '2024-05-01' }, { lo: may1, hi: may1 + DAY - 1, negate: false }],
    [{ op: 'neq', value: '2024-05-01' }, { lo: may1, hi: may1 + DAY - 1, negate: true }],
    [{ op: 'eq', value: '2024-05-01T00:00:00Z' }, { lo: may1, hi: may1, negate: false }],
    [{ op: 'lt', value: '2024-05-01' }, { lo: MIN_TIME, hi: may1 - 1, negate: false }],
    [{ op: 'lte', value: '2024-05-01' }, { lo: MIN_TIME, hi: may1 + DAY - 1, negate: false }],
    [{ op: 'gt', value: '2024-05-01' }, { lo: may1 + DAY, hi: MAX_TIME, negate: false }],
    [{ op: 'gt', value: '2024-05-01T00:00:00Z' }, { lo: may1 + 1, hi: MAX_TIME, negate: false }],
    [{ op: 'gte', value: '2024-05-01' }, { lo: may1, hi: MAX_TIME, negate: false }],
    [{ op: 'between', from: '2024-05-01', to: '2024-05-31' }, { lo: may1, hi: Date.UTC(2024, 5, 1) - 1, negate: false }],
    [{ op: 'within-last', amount: 30, unit: 'days' }, { lo: now - 30 * DAY, hi: now, negate: false }],
    [{ op: 'older-than', amount: 2, unit: 'hours' }, { lo: MIN_TIME, hi: now - 2 * 3_600_000 - 1, negate: false }],
    [{ op: 'within-next', amount: 1, unit: 'weeks' }, { lo: now, hi: now + 7 * DAY, negate: false }],
  ])('%j', (comparison, range) => {
    expect(dateRange(comparison as never, now)).toEqual(range)
  })

  it('counts calendar months in UTC, clamping the day', () => {
    expect(durationBefore(now, { amount: 1, unit: 'months' })).toBe(Date.UTC(2025, 1, 28, 15, 0))
    expect(durationBefore(now, { amount: 13, unit: 'months' })).toBe(Date.UTC(2024, 1, 29, 15, 0))
    expect(durationAfter(Date.UTC(2024, 11, 31), { amount: 2, unit: 'months' })).toBe(Date.UTC(2025, 1, 28))
    expect(durationBefore(Date.UTC(2025, 0, 15), { amount: 1, unit: 'months' })).toBe(Date.UTC(2024, 11, 15))
  })
})

describe('eventWindow', () => {
  it('never reaches past now and narrows to the tightest bounds', () => {
    expect(eventWindow({}, now)).toEqual({ lo: MIN_TIME, hi: now })
    expect(eventWindow({ within: { amount: 90, unit: 'days' }, since: '2025-02-01' }, now)).toEqual({ lo: Date.UTC(2025, 1, 1), hi: now })
    expect(eventWindow({ since: '2024-01-01', until: '2024-12-31' }, now)).toEqual({ lo: Date.UTC(2024, 0, 1), hi: Date.UTC(2025, 0, 1) - 1 })
    expect(eventWindow({ until: '2026-01-01' }, now)).toEqual({ lo: MIN_TIME, hi: now })
  })
})
