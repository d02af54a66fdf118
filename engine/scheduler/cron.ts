/**
 * Cron schedules in a time zone, for schedule triggers. Parsing and the next fire come from
 * croner, a maintained, dependency-free cron library that computes fires from any instant in an
 * IANA zone: the engine needs fires from its own clock (simulated runs, catch-up after
 * downtime), never from the wall clock, so every function here takes the instant to start from.
 *
 * The semantics are Vixie cron's, which croner follows:
 * - 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); names (`MON`,
 *   `JAN`), `L` (last day of the month), `5L` (last Friday), `1#2` (second Monday), `15W`
 *   (nearest weekday) and the `@daily`-style nicknames.
 * - When day-of-month and day-of-week are both restricted, a day matches either of them:
 *   `0 9 1 * 1` fires on the 1st and on every Monday.
 * - Daylight-saving changes: a fixed-time job (no `*` or step in seconds, minutes and hours,
 *   e.g. `30 2 * * *` or `30 1,2 * * *`) whose time falls in the spring-forward gap fires once
 *   at the end of the gap (03:00 when clocks jump from 02:00 to 03:00), and a time that occurs
 *   twice fires once, at its first occurrence. Other jobs (`*\/15 * * * *`, `0 *\/2 * * *`)
 *   follow real time: times in the gap do not exist, a repeated hour runs twice.
 */
import { Cron } from 'croner'
import { UserError } from '../errors.ts'
import { isValidTimeZone } from '../clock/zoned-time.ts'

/** A parsed cron expression bound to a zone. */
export interface CronSchedule {
  expression: string
  timeZone: string
  /** The croner job that computes fires; it has no callback, so it never schedules a timer. */
  readonly job: Cron
}

/** The cron fields in order, with what each accepts (for messages). */
const FIELDS = [
  { name: 'second', accepts: '0-59' },
  { name: 'minute', accepts: '0-59' },
  { name: 'hour', accepts: '0-23' },
  { name: 'day-of-month', accepts: '1-31, L or nW' },
  { name: 'month', accepts: '1-12 or JAN-DEC' },
  { name: 'day-of-week', accepts: '0-7 (0 and 7 are Sunday), SUN-SAT, nL or n#k' },
] as const

/**
 * The croner options of every schedule: 5 or 6 fields (no year field); `no-wildcard` makes a
 * list or range of hours a fixed-time job as in Vixie cron; OR between day-of-month and
 * day-of-week is croner's default and the standard.
 */
function cronJob(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone, mode: '5-or-6-parts', fixedTimeRule: 'no-wildcard', domAndDow: false })
}

/** croner's message, without its class prefix, as a clause after the field name. */
function libraryMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/^Cron\w*:\s*/, '')
}

/** What is wrong with one field, checked with every other field a wildcard; undefined when it parses. */
function fieldProblem(fields: string[], index: number, offset: number): string | undefined {
  const alone = fields.map((field, i) => (i === index ? field : '*')).join(' ')
  try {
    cronJob(alone, 'UTC')
    return undefined
  } catch (error) {
    const { name, accepts } = FIELDS[index + offset]!
    const text = fields[index]
    // croner reports out-of-range values by their index (day 32 as "31"), so say it ourselves.
    if (error instanceof RangeError) return `cron ${name}: "${text}" is out of range, expected ${accepts}`
    if (/illegal characters/.test(libraryMessage(error))) return `cron ${name}: "${text}" is not valid here, expected ${accepts}`
    return `cron ${name}: "${text}": ${libraryMessage(error)}`
  }
}

/** Problems with an expression and zone, as sentences naming the field; empty when usable. */
export function cronProblems(expression: string, timeZone: string): string[] {
  const problems: string[] = []
  const zoneOk = typeof timeZone === 'string' && isValidTimeZone(timeZone)
  if (typeof expression !== 'string' || expression.trim() === '') problems.push('cron: expected an expression such as "0 9 * * 1" (09:00 every Monday)')
  else {
    const fields = expression.trim().split(/\s+/)
    const nickname = fields.length === 1 && fields[0]!.startsWith('@')
    if (!nickname && fields.length !== 5 && fields.length !== 6) problems.push(`cron: expected 5 fields (minute hour day month weekday) or 6 (seconds first), got ${fields.length}`)
    else {
      if (!nickname) {
        const offset = fields.length === 5 ? 1 : 0
        for (let i = 0; i < fields.length; i++) {
          const problem = fieldProblem(fields, i, offset)
          if (problem) problems.push(problem)
        }
      }
      if (problems.length === 0) {
        try {
          const job = cronJob(expression.trim(), zoneOk ? timeZone : 'UTC')
          // Fixed instant, not the clock: whether an expression can fire does not depend on when it is asked.
          if (job.nextRun(new Date(0)) === null) problems.push(`cron: "${expression}" never fires (no date matches its day-of-month, month and day-of-week)`)
        } catch (error) {
          problems.push(`cron: ${libraryMessage(error)}`)
        }
      }
    }
  }
  if (!zoneOk) problems.push(`timeZone: "${String(timeZone)}" is not an IANA time zone such as "Europe/Paris" or "UTC"`)
  return problems
}

/** Parses `expression` in `timeZone`; throws a UserError naming each problem. */
export function parseCron(expression: string, timeZone: string): CronSchedule {
  const problems = cronProblems(expression, timeZone)
  if (problems.length > 0) throw new UserError('cron', `invalid schedule "${expression}" (${timeZone}): ${problems.join('; ')}`)
  return { expression, timeZone, job: cronJob(expression.trim(), timeZone) }
}

/** The first fire strictly after `after` (epoch ms), or undefined when there is none. */
export function nextCronFire(schedule: CronSchedule, after: number): number | undefined {
  return schedule.job.nextRun(new Date(after))?.getTime()
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
