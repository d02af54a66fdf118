/**
 * Wall-clock times in an IANA time zone, from Intl (no time zone library): what a cron
 * expression, a quiet-hours window or "weekdays 09:00–18:00 in the customer's zone" mean as
 * epoch milliseconds. Pure functions of their arguments.
 *
 * Daylight-saving rules: a local time that does not exist (the spring-forward gap, e.g. 02:30 on
 * the night clocks jump from 02:00 to 03:00) maps to the instant the same distance after the
 * jump (03:30); a local time that exists twice (fall back) maps to its first occurrence.
 */

/** Calendar fields of an instant in a zone. `weekday` is 0 = Sunday … 6 = Saturday. */
export interface ZonedParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  weekday: number
}

/** A local date and time, without a zone. */
export interface LocalDateTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second?: number
}

const MS_PER_DAY = 86_400_000
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, formatter)
  }
  return formatter
}

/** True when `zone` is an IANA time zone name this runtime knows (e.g. `Europe/Paris`, `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone)
    return true
  } catch {
    return false
  }
}

/**
 * Recent answers of zonedParts per zone. Intl's formatToParts costs ~10 µs, and batch work asks the
 * same few (instant, zone) pairs for every customer (the throttle's calendar windows at `now` in
 * each customer's zone): a bounded memo turns 3 s of a 100k-customer campaign into lookups.
 */
const partsMemo = new Map<string, Map<number, ZonedParts>>()
const PARTS_MEMO_LIMIT = 4_096

/** The calendar fields of instant `ms` in `zone`. */
export function zonedParts(ms: number, zone: string): ZonedParts {
  let memo = partsMemo.get(zone)
  const known = memo?.get(ms)
  if (known) return known
  const parts = Object.freeze(computeZonedParts(ms, zone))
  if (!memo) {
    memo = new Map()
    partsMemo.set(zone, memo)
  }
  if (memo.size >= PARTS_MEMO_LIMIT) memo.clear()
  memo.set(ms, parts)
  return parts
}

function computeZonedParts(ms: number, zone: string): ZonedParts {
  const fields: Record<string, number> = {}
  for (const part of formatterFor(zone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const year = fields.year as number
  const month = fields.month as number
  const day = fields.day as number
  return {
    year,
    month,
    day,
    hour: fields.hour as number,
    minute: fields.minute as number,
    second: fields.second as number,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  }
}

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function zoneOffset(ms: number, zone: string): number {
  const p = zonedParts(ms, zone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - Math.floor(ms / 1000) * 1000
}

function sameLocal(ms: number, zone: string, local: LocalDateTime): boolean {
  const p = zonedParts(ms, zone)
  return p.year === local.year && p.month === local.month && p.day === local.day && p.hour === local.hour && p.minute === local.minute && p.second === (local.second ?? 0)
}

/** The instant of a local date and time in `zone` (see the module note for DST gaps and overlaps). */
export function zonedToEpoch(local: LocalDateTime, zone: string): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second ?? 0)
  // Offsets a day either side bracket any transition; the valid candidates are the real instants.
  const before = asUtc - zoneOffset(asUtc - MS_PER_DAY, zone)
  const after = asUtc - zoneOffset(asUtc + MS_PER_DAY, zone)
  const valid = [before, after].filter((candidate) => sameLocal(candidate, zone, local))
  if (valid.length > 0) return Math.min(...valid)
  // In the gap: the pre-transition offset lands the same distance past the jump.
  return before
}

/** Midnight at the start of the local day `days` after the local day of `ms`. */
export function startOfLocalDay(ms: number, zone: string, days = 0): number {
  const p = zonedParts(ms, zone)
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days))
  return zonedToEpoch({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 }, zone)
}

/** The local calendar date `days` after (or before) a local date, ignoring the zone. */
export function addLocalDays(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}
