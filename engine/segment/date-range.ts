/**
 * Date comparisons resolved to an inclusive range of epoch milliseconds at evaluation time
 * `now`. A date alone (`2024-05-01`) is a whole UTC day: `eq` matches any time that day, `lte`
 * includes it, `gt` starts the day after; an instant compares exactly. Relative operators count
 * back (or forward) from `now`. The SQL compiler turns every date comparison into one
 * `BETWEEN lo AND hi` (or NOT BETWEEN for `neq`).
 */
import { durationAfter, durationBefore, type Duration } from './durations.ts'
import { MS_PER_DAY, parseIsoTime } from './iso-time.ts'
import type { Comparison } from './schema.ts'

/** Earliest and latest instants a JavaScript Date can hold: "unbounded" ends of a range. */
export const MIN_TIME = -8_640_000_000_000_000
export const MAX_TIME = 8_640_000_000_000_000

/** An inclusive range of instants; `negate` means "a valid date outside it". */
export interface TimeRange {
  lo: number
  hi: number
  negate: boolean
}

function instant(value: unknown): { start: number; end: number } {
  const parsed = typeof value === 'string' ? parseIsoTime(value) : undefined
  if (!parsed) throw new Error(`not an ISO date: ${JSON.stringify(value)} (the segment should have been validated)`)
  return { start: parsed.ms, end: parsed.dateOnly ? parsed.ms + MS_PER_DAY - 1 : parsed.ms }
}

function duration(c: Partial<Comparison<string>>): Duration {
  if (c.amount === undefined || c.unit === undefined) throw new Error('relative date comparison without amount and unit (the segment should have been validated)')
  return { amount: c.amount, unit: c.unit }
}

/** The range of instants a date comparison accepts at `now`. */
export function dateRange(c: Partial<Comparison<string>>, now: number): TimeRange {
  const range = (lo: number, hi: number, negate = false): TimeRange => ({ lo, hi, negate })
  switch (c.op) {
    case 'eq': {
      const v = instant(c.value)
      return range(v.start, v.end)
    }
    case 'neq': {
      const v = instant(c.value)
      return range(v.start, v.end, true)
    }
    case 'lt':
      return range(MIN_TIME, instant(c.value).start - 1)
    case 'lte':
      return range(MIN_TIME, instant(c.value).end)
    case 'gt':
      return range(instant(c.value).end + 1, MAX_TIME)
    case 'gte':
      return range(instant(c.value).start, MAX_TIME)
    case 'between':
      return range(instant(c.from).start, instant(c.to).end)
    case 'within-last':
      return range(durationBefore(now, duration(c)), now)
    case 'older-than':
      return range(MIN_TIME, durationBefore(now, duration(c)) - 1)
    case 'within-next':
      return range(now, durationAfter(now, duration(c)))
    default:
      throw new Error(`operator ${String(c.op)} is not a date comparison`)
  }
}

/** The window `[lo, hi]` of events a behaviour condition looks at: never after `now`. */
export function eventWindow(options: { within?: Duration; since?: string; until?: string }, now: number): { lo: number; hi: number } {
  let lo = MIN_TIME
  let hi = now
  if (options.within) lo = Math.max(lo, durationBefore(now, options.within))
  if (options.since) lo = Math.max(lo, instant(options.since).start)
  if (options.until) hi = Math.min(hi, instant(options.until).end)
  return { lo, hi }
}
