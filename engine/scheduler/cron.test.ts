import { describe, expect, it } from 'vitest'
import { cronFiresBetween, cronProblems, nextCronFire, parseCron } from './cron.ts'

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

describe('cron schedules in a time zone', () => {
  it('finds the next weekday 09:00 in Paris (UTC+1 in winter, +2 in summer)', () => {
    const schedule = parseCron('0 9 * * 1-5', 'Europe/Paris')
    // Saturday 2025-01-04 12:00Z → Monday 2025-01-06 09:00 Paris = 08:00Z
    expect(iso(nextCronFire(schedule, Date.UTC(2025, 0, 4, 12)))).toBe('2025-01-06T08:00:00.000Z')
    expect(iso(nextCronFire(schedule, Date.UTC(2025, 6, 1, 6)))).toBe('2025-07-01T07:00:00.000Z')
  })

  it('fires a time inside the spring-forward gap once, after the jump, and a repeated time once', () => {
    const gap = parseCron('30 2 * * *', 'America/New_York')
    // 2025-03-09: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist → 03:30 EDT = 07:30Z
    expect(iso(nextCronFire(gap, Date.UTC(2025, 2, 9, 0)))).toBe('2025-03-09T07:30:00.000Z')
    const overlap = parseCron('30 1 * * *', 'America/New_York')
    // 2025-11-02: 01:30 happens twice (EDT then EST); the first is 05:30Z, the next fire is the next day
    const first = nextCronFire(overlap, Date.UTC(2025, 10, 2, 0)) as number
    expect(iso(first)).toBe('2025-11-02T05:30:00.000Z')
    expect(iso(nextCronFire(overlap, first))).toBe('2025-11-03T06:30:00.000Z')
  })

  it('supports the last day of the month and lists fires in a window, keeping the latest', () => {
    const monthly = parseCron('0 0 L * *', 'UTC')
    expect(iso(nextCronFire(monthly, Date.UTC(2024, 1, 10)))).toBe('2024-02-29T00:00:00.000Z')
    const daily = parseCron('0 6 * * *', 'UTC')
    const { fires, skipped } = cronFiresBetween(daily, Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 11), 3)
    expect(fires.map(iso)).toEqual(['2025-01-08T06:00:00.000Z', '2025-01-09T06:00:00.000Z', '2025-01-10T06:00:00.000Z'])
    expect(skipped).toBe(7)
  })

  it('names the field that is wrong', () => {
    expect(cronProblems('61 * * * *', 'UTC').join()).toMatch(/minute/)
    expect(cronProblems('* * *', 'UTC').join()).toMatch(/expected 5 fields/)
    expect(cronProblems('0 9 * * *', 'Mars/Olympus').join()).toMatch(/not an IANA time zone/)
    expect(() => parseCron('0 9 * * *', 'Nowhere')).toThrow(/invalid schedule/)
  })
})
