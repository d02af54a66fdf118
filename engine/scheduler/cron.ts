/**
 * Cron schedules in a time zone, for schedule triggers: node-cron's parser (5 fields, or 6 with
 * seconds first) and our own walk to the next fire, because node-cron only computes fires from
 * the wall clock and the engine needs them from any clock (simulated runs, catch-up after
 * downtime). Day-of-month and day-of-week must both match, as in node-cron. Local times follow
 * zoned-time.ts: a fire in a DST gap happens the same distance after the jump; a fire in a
 * repeated hour happens once, at its first occurrence.
 */
import cron from 'node-cron'
import { UserError } from '../errors.ts'
import { addLocalDays, isValidTimeZone, zonedParts, zonedToEpoch } from '../clock/zoned-time.ts'

/** A parsed cron expression bound to a zone. */
export interface CronSchedule {
  expression: string
  timeZone: string
  seconds: number[]
  minutes: number[]
  hours: number[]
  /** Numbers, or `L` (last day of the month). */
  daysOfMonth: (number | string)[]
  months: number[]
  /** Numbers (0 = Sunday), `nL` (last weekday n of the month) or `n#k` (k-th weekday n). */
  daysOfWeek: (number | string)[]
}

/** Looking further than this for a fire means the expression never fires (e.g. 30 February). */
const HORIZON_DAYS = 366 * 8

/** Problems with an expression and zone, as sentences naming the field; empty when usable. */
export function cronProblems(expression: string, timeZone: string): string[] {
  const problems: string[] = []
  if (typeof expression !== 'string' || expression.trim() === '') problems.push('cron: expected an expression such as "0 9 * * 1" (09:00 every Monday)')
  else {
    const fields = expression.trim().split(/\s+/).length
    if (fields !== 5 && fields !== 6) problems.push(`cron: expected 5 fields (minute hour day month weekday) or 6 (seconds first), got ${fields}`)
    else {
      const detailed = cron.validateDetailed(expression.trim())
      for (const error of detailed.errors) problems.push(`cron ${error.field}: ${error.message}`)
    }
  }
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) problems.push(`timeZone: "${String(timeZone)}" is not an IANA time zone such as "Europe/Paris" or "UTC"`)
  return problems
}

/** Parses `expression` in `timeZone`; throws a UserError naming each problem. */
export function parseCron(expression: string, timeZone: string): CronSchedule {
  const problems = cronProblems(expression, timeZone)
  if (problems.length > 0) throw new UserError('cron', `invalid schedule "${expression}" (${timeZone}): ${problems.join('; ')}`)
  const fields = cron.parse(expression.trim())
  const sorted = (values: number[]) => [...new Set(values)].sort((a, b) => a - b)
  return {
    expression,
    timeZone,
    seconds: sorted(fields.second),
    minutes: sorted(fields.minute),
    hours: sorted(fields.hour),
    daysOfMonth: fields.dayOfMonth,
    months: fields.month,
    daysOfWeek: fields.dayOfWeek.map((d) => (d === 7 ? 0 : d)),
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function matchesDay(schedule: CronSchedule, year: number, month: number, day: number): boolean {
  if (!schedule.months.includes(month)) return false
  const last = daysInMonth(year, month)
  const domOk = schedule.daysOfMonth.some((d) => d === day || (d === 'L' && day === last))
  if (!domOk) return false
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay()
  return schedule.daysOfWeek.some((d) => {
    if (d === weekday) return true
    if (typeof d !== 'string') return false
    const lastOf = /^([0-7])L$/i.exec(d)
    if (lastOf) return Number(lastOf[1]) % 7 === weekday && day + 7 > last
    const nth = /^([0-7])#([1-5])$/.exec(d)
    return nth !== null && Number(nth[1]) % 7 === weekday && Math.floor((day - 1) / 7) + 1 === Number(nth[2])
  })
}

/** The first fire strictly after `after` (epoch ms), or undefined when there is none within eight years. */
export function nextCronFire(schedule: CronSchedule, after: number): number | undefined {
  const start = zonedParts(after, schedule.timeZone)
  let date = { year: start.year, month: start.month, day: start.day }
  for (let i = 0; i < HORIZON_DAYS; i++, date = addLocalDays(date, 1)) {
    if (!matchesDay(schedule, date.year, date.month, date.day)) continue
    for (const hour of schedule.hours) {
      // An hour of margin on the first day: a DST shift can move a local hour by one.
      if (i === 0 && hour < start.hour - 1) continue
      for (const minute of schedule.minutes) {
        for (const second of schedule.seconds) {
          const at = zonedToEpoch({ ...date, hour, minute, second }, schedule.timeZone)
          if (at > after) return at
        }
      }
    }
  }
  return undefined
}

/** Fires in `(after, until]`, oldest first, at most `limit` of the latest ones; `skipped` counts the older ones left out. */
export function cronFiresBetween(schedule: CronSchedule, after: number, until: number, limit: number): { fires: number[]; skipped: number } {
  const fires: number[] = []
  let skipped = 0
  for (let at = nextCronFire(schedule, after); at !== undefined && at <= until; at = nextCronFire(schedule, at)) {
    fires.push(at)
    if (fires.length > limit) {
      fires.shift()
      skipped++
    }
  }
  return { fires, skipped }
}
