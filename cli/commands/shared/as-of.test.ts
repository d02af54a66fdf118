import { describe, expect, it } from 'vitest'
import { UserError } from '../../../engine/errors.ts'
import { formatAsOf, parseAsOf, parseDateOption, startOfUtcDay } from './as-of.ts'

const DAY = 86_400_000

describe('date options', () => {
  it('names the option the user typed when the value is not a date', () => {
    expect(() => parseDateOption('--start', '2025-02-30', 0)).toThrow(new UserError('cli.date', '--start: expected a date such as 2024-06-30 (or an ISO 8601 instant), got "2025-02-30"'))
    expect(() => parseDateOption('--until', 'tomorrow', 0)).toThrow(/^--until: expected a date .*got "tomorrow"$/)
    expect(() => parseAsOf('June', 0)).toThrow(/^--as-of: expected a date .*got "June"$/)
  })

  it('parses dates and instants, and falls back when the option is absent', () => {
    expect(parseDateOption('--start', '2025-04-21', 0)).toBe(Date.UTC(2025, 3, 21))
    expect(parseDateOption('--start', '2025-04-21T09:30:00+02:00', 0)).toBe(Date.UTC(2025, 3, 21, 7, 30))
    expect(parseDateOption('--until', undefined, 42)).toBe(42)
    const now = Date.UTC(2025, 5, 15, 17, 3)
    expect(startOfUtcDay(now)).toBe(Date.UTC(2025, 5, 15))
    expect(parseAsOf(undefined, now)).toBe(Date.UTC(2025, 5, 15))
    expect(formatAsOf(Date.UTC(2025, 5, 15))).toBe('2025-06-15')
    expect(formatAsOf(Date.UTC(2025, 5, 15) + DAY / 2)).toBe('2025-06-15T12:00:00.000Z')
  })
})
