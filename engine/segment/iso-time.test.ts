import { describe, expect, it } from 'vitest'
import { civilFromDays, daysFromCivil, formatEpochMs, isoTimeToEpochMs, parseIsoTime } from './iso-time.ts'

describe('parseIsoTime', () => {
  it.each([
    ['2024-05-01', Date.UTC(2024, 4, 1), true],
    ['2024-02-29', Date.UTC(2024, 1, 29), true],
    ['2000-02-29', Date.UTC(2000, 1, 29), true],
    ['2024-05-01T10:00', Date.UTC(2024, 4, 1, 10), false],
    ['2024-05-01 10:00:30', Date.UTC(2024, 4, 1, 10, 0, 30), false],
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10), false],
    ['2024-05-01t10:00:00z', Date.UTC(2024, 4, 1, 10), false],
    ['2024-05-01T10:00:00.123456789Z', Date.UTC(2024, 4, 1, 10, 0, 0, 123), false],
    ['2024-05-01T10:00:00.5Z', Date.UTC(2024, 4, 1, 10, 0, 0, 500), false],
    ['2024-05-01T10:00:00+02:00', Date.UTC(2024, 4, 1, 8), false],
    ['2024-05-01T10:00:00-0530', Date.UTC(2024, 4, 1, 15, 30), false],
    ['2023-06-01T23:30:00-02:00', Date.UTC(2023, 5, 2, 1, 30), false],
    ['0001-01-01', Date.UTC(2001, 0, 1) - 2000 * 365.2425 * 86_400_000, true],
    ['1969-12-31T23:59:59.999Z', -1, false],
  ])('%s', (text, ms, dateOnly) => {
    expect(parseIsoTime(text)).toEqual({ ms, dateOnly })
  })

  it.each(['2024-02-30', '2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '0000-01-01', '2024-05-01T24:00', '2024-05-01T10:60', '2024-05-01T10:00:60',
    '2024-05-01T10:00+24:00', '2024-5-1', '2024-05-01T10', ' 2024-05-01', '2024-05-01Z', 'yesterday', '', '٢٠٢٤-05-01'])('rejects %j', (text) => {
    expect(parseIsoTime(text)).toBeUndefined()
  })

  it('gives null for non-strings (the shape SQL functions return)', () => {
    expect(isoTimeToEpochMs(20240501)).toBeNull()
    expect(isoTimeToEpochMs(null)).toBeNull()
    expect(isoTimeToEpochMs('2024-05-01')).toBe(Date.UTC(2024, 4, 1))
  })
})

describe('civil day arithmetic', () => {
  it('agrees with Date.UTC over four centuries of days', () => {
    for (let days = -146_097; days <= 146_097; days += 97) {
      const { year, month, day } = civilFromDays(days)
      expect(Date.UTC(year, month - 1, day) / 86_400_000).toBe(days)
      expect(daysFromCivil(year, month, day)).toBe(days)
    }
  })

  it('formats instants like toISOString', () => {
    for (const ms of [0, -1, 1_735_689_599_999, Date.UTC(2024, 1, 29, 13, 5, 7, 89)]) expect(formatEpochMs(ms)).toBe(new Date(ms).toISOString())
  })
})
