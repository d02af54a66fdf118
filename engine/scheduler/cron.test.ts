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

  it('fires on the day-of-month OR the day-of-week when both are restricted, as Vixie cron does', () => {
    // 09:00 UTC on the 1st and on Mondays: from Wednesday 2025-01-01 10:00 → Monday 6th, 13th, …, 27th, then Saturday 1 February.
    const schedule = parseCron('0 9 1 * 1', 'UTC')
    const { fires } = cronFiresBetween(schedule, Date.UTC(2025, 0, 1, 10), Date.UTC(2025, 1, 3, 23), 10)
    expect(fires.map(iso)).toEqual([
      '2025-01-06T09:00:00.000Z', '2025-01-13T09:00:00.000Z', '2025-01-20T09:00:00.000Z', '2025-01-27T09:00:00.000Z',
      '2025-02-01T09:00:00.000Z', '2025-02-03T09:00:00.000Z',
    ])
    // A wildcard day-of-week leaves day-of-month alone (and the other way round).
    expect(iso(nextCronFire(parseCron('0 9 1 * *', 'UTC'), Date.UTC(2025, 0, 2)))).toBe('2025-02-01T09:00:00.000Z')
    expect(iso(nextCronFire(parseCron('0 9 * * 1', 'UTC'), Date.UTC(2025, 0, 2)))).toBe('2025-01-06T09:00:00.000Z')
  })

  it('fires a fixed time inside the spring-forward gap once at the end of the gap, and a repeated time once', () => {
    const gap = parseCron('30 2 * * *', 'America/New_York')
    // 2025-03-09: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist → at the jump, 03:00 EDT = 07:00Z (Vixie cron)
    expect(iso(nextCronFire(gap, Date.UTC(2025, 2, 9, 0)))).toBe('2025-03-09T07:00:00.000Z')
    // A list of hours is a fixed-time job too: 01:30 EST, then the 02:30 that fell in the gap at 03:00 EDT.
    const { fires } = cronFiresBetween(parseCron('30 1,2 * * *', 'America/New_York'), Date.UTC(2025, 2, 9, 0), Date.UTC(2025, 2, 9, 12), 5)
    expect(fires.map(iso)).toEqual(['2025-03-09T06:30:00.000Z', '2025-03-09T07:00:00.000Z'])
    const overlap = parseCron('30 1 * * *', 'America/New_York')
    // 2025-11-02: 01:30 happens twice (EDT then EST); the first is 05:30Z, the next fire is the next day
    const first = nextCronFire(overlap, Date.UTC(2025, 10, 2, 0)) as number
    expect(iso(first)).toBe('2025-11-02T05:30:00.000Z')
    expect(iso(nextCronFire(overlap, first))).toBe('2025-11-03T06:30:00.000Z')
  })

  it('follows real time for wildcard and step jobs across a DST change: no fires in the gap, both passes of a repeated hour', () => {
    const spring = cronFiresBetween(parseCron('0 */2 * * *', 'America/New_York'), Date.UTC(2025, 2, 9, 4), Date.UTC(2025, 2, 9, 11), 10)
    // 00:00 EST (05:00Z); 02:00 does not exist; 04:00 EDT (08:00Z), 06:00 EDT (10:00Z)
    expect(spring.fires.map(iso)).toEqual(['2025-03-09T05:00:00.000Z', '2025-03-09T08:00:00.000Z', '2025-03-09T10:00:00.000Z'])
    const autumn = cronFiresBetween(parseCron('30 * * * *', 'America/New_York'), Date.UTC(2025, 10, 2, 4), Date.UTC(2025, 10, 2, 8), 10)
    // 00:30 EDT, 01:30 EDT, 01:30 EST, 02:30 EST
    expect(autumn.fires.map(iso)).toEqual(['2025-11-02T04:30:00.000Z', '2025-11-02T05:30:00.000Z', '2025-11-02T06:30:00.000Z', '2025-11-02T07:30:00.000Z'])
  })

  it('computes fires from the instant it is given, not the wall clock', () => {
    const schedule = parseCron('0 6 * * *', 'Asia/Shanghai')
    expect(iso(nextCronFire(schedule, Date.UTC(1999, 11, 31, 23)))).toBe('2000-01-01T22:00:00.000Z')
    expect(iso(nextCronFire(schedule, Date.UTC(2040, 5, 1)))).toBe('2040-06-01T22:00:00.000Z')
  })

  it('supports the last day of the month and lists fires in a window, keeping the latest', () => {
    const monthly = parseCron('0 0 L * *', 'UTC')
    expect(iso(nextCronFire(monthly, Date.UTC(2024, 1, 10)))).toBe('2024-02-29T00:00:00.000Z')
    const daily = parseCron('0 6 * * *', 'UTC')
    const { fires, skipped } = cronFiresBetween(daily, Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 11), 3)
    expect(fires.map(iso)).toEqual(['2025-01-08T06:00:00.000Z', '2025-01-09T06:00:00.000Z', '2025-01-10T06:00:00.000Z'])
    expect(skipped).toBe(7)
  })

  it('names the field that is wrong and what it accepts', () => {
    expect(cronProblems('61 * * * *', 'UTC')).toEqual(['cron minute: "61" is out of range, expected 0-59'])
    expect(cronProblems('0 9 32 * *', 'UTC')).toEqual(['cron day-of-month: "32" is out of range, expected 1-31, L or nW'])
    expect(cronProblems('0 9 * 13 *', 'UTC')).toEqual(['cron month: "13" is out of range, expected 1-12 or JAN-DEC'])
    expect(cronProblems('0 9 * * 8', 'UTC').join()).toMatch(/^cron day-of-week: "8" is out of range/)
    expect(cronProblems('70 0 25 * * *', 'UTC')).toEqual(['cron second: "70" is out of range, expected 0-59', 'cron hour: "25" is out of range, expected 0-23'])
    expect(cronProblems('0 9 * * MON#6', 'UTC').join()).toMatch(/^cron day-of-week: "MON#6": nth weekday out of range/)
    expect(cronProblems('x 9 * * *', 'UTC')).toEqual(['cron minute: "x" is not valid here, expected 0-59'])
    expect(cronProblems('*/0 * * * *', 'UTC').join()).toMatch(/^cron minute: "\*\/0": .*stepping/)
    expect(cronProblems('* * *', 'UTC').join()).toMatch(/expected 5 fields/)
    expect(cronProblems('0 0 0 1 1 * 2030', 'UTC').join()).toMatch(/expected 5 fields .* got 7/)
    expect(cronProblems('0 0 30 2 *', 'UTC')).toEqual(['cron: "0 0 30 2 *" never fires (no date matches its day-of-month, month and day-of-week)'])
    expect(cronProblems('0 9 * * *', 'Mars/Olympus').join()).toMatch(/not an IANA time zone/)
    expect(cronProblems('0 9 * * *', 'UTC')).toEqual([])
    expect(cronProblems('@daily', 'UTC')).toEqual([])
    expect(() => parseCron('0 9 * * *', 'Nowhere')).toThrow(/invalid schedule/)
  })
})
