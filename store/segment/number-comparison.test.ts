import { describe, expect, it } from 'vitest'
import { nextUp, numberComparisonHolds } from './number-comparison.ts'

describe('nextUp', () => {
  it.each([0, -0, 1, -1, 0.1, 4.999, -4.999, 1e300, -Number.MIN_VALUE, 2 ** 53])('is the next double above %d', (v) => {
    const up = nextUp(v)
    expect(up).toBeGreaterThan(v)
    // Nothing lies between: the midpoint rounds to one of the two.
    expect([v, up]).toContain(v + (up - v) / 2)
  })

  it('keeps infinity', () => {
    expect(nextUp(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY)
    expect(nextUp(Number.MAX_VALUE)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('numberComparisonHolds', () => {
  it.each([
    [0, { op: 'lte', value: 2 }, true],
    [0, { op: 'gte', value: 1 }, false],
    [0, { op: 'eq', value: 0 }, true],
    [0, { op: 'neq', value: 0 }, false],
    [0, { op: 'between', from: 0, to: 3 }, true],
    [1, { op: 'in', values: [1, 'x'] }, true],
    [1, { op: 'gt', value: 1 }, false],
  ])('%d %j → %s', (value, comparison, holds) => {
    expect(numberComparisonHolds(value, comparison as never)).toBe(holds)
  })
})
