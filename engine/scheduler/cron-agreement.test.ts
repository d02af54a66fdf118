/**
 * Sluice's schedule fires (croner) against a second maintained cron library (cron-parser) on
 * generated cases: expressions × zones × start instants around daylight-saving changes, each case
 * the next two fires chained from its start. The two libraries differ on purpose only at a DST
 * change (which fires a time in the spring-forward gap or a repeated hour produces: croner follows
 * Vixie cron, cron-parser shifts gap times by the jump); every other case must agree exactly, and
 * the rule Sluice follows at a change is pinned down case by case in cron.test.ts.
 */
import { CronExpressionParser } from 'cron-parser'
import { describe, expect, it } from 'vitest'
import { zoneOffset } from '../clock/zoned-time.ts'
import { nextCronFire, parseCron, type CronSchedule } from './cron.ts'

const EXPRESSIONS = [
  '0 9 1 * 1', // day-of-month OR day-of-week
  '0 9 15 * 1-5',
  '0 0,12 1,15 * 0',
  '0 9 * * 1-5',
  '30 2 * * *', // inside the northern spring-forward gap
  '30 0 * * *', // inside São Paulo's midnight gap (2018)
  '*/15 * * * *',
  '0 */2 * * *',
  '30 1,2 * * *',
  '0 0 L * *',
  '0 12 * * 5L',
  '0 8 * * 1#2',
  '15 3 * * 0',
  '0 30 2 * * *', // six fields, seconds first
] as const

const ZONES = ['America/New_York', 'Europe/London', 'Asia/Shanghai', 'Australia/Sydney', 'America/Sao_Paulo', 'UTC'] as const

/** DST changes (UTC instants): United States, European Union, Australia (south-east), Brazil (its last DST, 2018-19). */
const CHANGES = [
  '2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z',
  '2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z',
  '2025-04-05T16:00:00Z', '2025-10-04T16:00:00Z',
  '2018-11-04T03:00:00Z', '2019-02-17T02:00:00Z',
].map((iso) => Date.parse(iso))

/** Starts around each change: a day before (daily fires reach it) and 20 minutes before (frequent ones cross it). */
const OFFSETS_MS = [-26 * 3_600_000, -20 * 60_000]
const STARTS = CHANGES.flatMap((change) => OFFSETS_MS.map((offset) => change + offset))
// cron-parser takes 1-3 ms a fire in a zone: two fires a case keep the test to a few seconds.
const FIRES_PER_CASE = 2

const schedules = new Map<string, CronSchedule>()

function sluiceFires(expression: string, zone: string, start: number): (number | undefined)[] {
  const key = `${expression}|${zone}`
  const schedule = schedules.get(key) ?? parseCron(expression, zone)
  schedules.set(key, schedule)
  const fires: (number | undefined)[] = []
  let at: number | undefined = start
  for (let i = 0; i < FIRES_PER_CASE && at !== undefined; i++) fires.push((at = nextCronFire(schedule, at)))
  return fires
}

function cronParserFires(expression: string, zone: string, start: number): number[] {
  const iterator = CronExpressionParser.parse(expression, { currentDate: new Date(start), tz: zone })
  return Array.from({ length: FIRES_PER_CASE }, () => iterator.next().getTime())
}

const iso = (ms: number | undefined) => (ms === undefined ? 'none' : new Date(ms).toISOString())

/** Whether the zone's UTC offset changes within two hours of `at`. */
function nearOffsetChange(zone: string, at: number): boolean {
  const window = 2 * 3_600_000
  return zoneOffset(at - window, zone) !== zoneOffset(at + window, zone)
}

describe('schedule fires agree with cron-parser', () => {
  it('on generated expressions × zones × start dates around DST changes', () => {
    let cases = 0
    let agreeing = 0
    const unexplained: string[] = []
    const atChanges: string[] = []
    for (const expression of EXPRESSIONS) {
      for (const zone of ZONES) {
        for (const start of STARTS) {
          cases++
          const ours = sluiceFires(expression, zone, start)
          const theirs = cronParserFires(expression, zone, start)
          if (ours.every((fire, i) => fire === theirs[i])) {
            agreeing++
            continue
          }
          // Away from the change both must still list the same fires (up to where both lists reach).
          const horizon = Math.min(Math.max(...ours.map((fire) => fire ?? 0)), Math.max(...theirs))
          const awayFromChange = (fires: (number | undefined)[]) =>
            fires.filter((fire): fire is number => fire !== undefined && fire <= horizon && !nearOffsetChange(zone, fire))
          const line = `${expression} in ${zone} from ${new Date(start).toISOString()}: ${ours.map(iso).join(', ')}; cron-parser ${theirs.map(iso).join(', ')}`
          if (awayFromChange(ours).join() === awayFromChange(theirs).join()) atChanges.push(line)
          else unexplained.push(line)
        }
      }
    }
    expect(cases).toBe(EXPRESSIONS.length * ZONES.length * STARTS.length)
    expect(unexplained).toEqual([])
    expect(agreeing).toBeGreaterThanOrEqual(1_000)
    // The DST disagreements are the few cases whose fire falls in a gap or repeated hour.
    expect(atChanges.length).toBeLessThan(cases * 0.03)
  })
})
