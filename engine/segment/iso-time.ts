/**
 * The one ISO-8601 grammar segments accept for dates, in TypeScript. The SQL compiler evaluates
 * the same grammar inside each database (a registered function on SQLite, an inline regular
 * expression on Postgres), so a stored date string means the same instant in the editor, on
 * SQLite and on Postgres. Pure integer arithmetic (no Date, no time zone database): the same
 * input gives the same number everywhere.
 *
 * Accepted: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM]`
 * (no offset means UTC), years 0001–9999, real calendar days (no 2024-02-30), hours ≤ 23.
 * Fractions beyond milliseconds are truncated. This is the grammar the importer accepts.
 */

/**
 * The grammar as a regular expression (ASCII digits only: Postgres's `\d` may match other
 * scripts' digits). Groups: year, month, day, hour, minute, second, fraction, offset.
 * The SQL side embeds this exact text; keep them in one place.
 */
export const ISO_TIME_PATTERN_SOURCE =
  '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\\.[0-9]{1,9})?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?$'

const ISO_TIME_PATTERN = new RegExp(ISO_TIME_PATTERN_SOURCE)

export const MS_PER_MINUTE = 60_000
export const MS_PER_HOUR = 3_600_000
export const MS_PER_DAY = 86_400_000

/** A parsed ISO value: its instant, and whether it was a date alone (day-granular comparisons). */
export interface IsoTime {
  ms: number
  dateOnly: boolean
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil; valid for years ≥ 1). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/** The civil date (UTC) of a day number since 1970-01-01 (inverse of {@link daysFromCivil}). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** Parses an ISO date or instant of the accepted grammar; `undefined` when it is not one. */
export function parseIsoTime(text: string): IsoTime | undefined {
  const m = ISO_TIME_PATTERN.exec(text)
  if (!m) return undefined
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  const dateOnly = m[4] === undefined
  const hour = dateOnly ? 0 : Number(m[4])
  const minute = dateOnly ? 0 : Number(m[5])
  const second = m[6] === undefined ? 0 : Number(m[6])
  if (hour > 23 || minute > 59 || second > 59) return undefined
  // Truncate to milliseconds on the digits, not through floating point (0.123 * 1000 ≠ 123).
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(1, 4).padEnd(3, '0'))
  let offsetMinutes = 0
  const offset = m[8]
  if (offset !== undefined && offset.toUpperCase() !== 'Z') {
    const hours = Number(offset.slice(1, 3))
    const minutes = Number(offset.slice(-2))
    if (hours > 23 || minutes > 59) return undefined
    offsetMinutes = (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes)
  }
  const ms = daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + millis - offsetMinutes * MS_PER_MINUTE
  return { ms, dateOnly }
}

/** The instant of an ISO value in epoch ms, or `null` (the shape SQL functions return). */
export function isoTimeToEpochMs(text: unknown): number | null {
  if (typeof text !== 'string') return null
  return parseIsoTime(text)?.ms ?? null
}

/** Formats epoch ms as `YYYY-MM-DDTHH:MM:SS.sssZ` without Date (for messages and docs). */
export function formatEpochMs(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY)
  const rest = ms - days * MS_PER_DAY
  const { year, month, day } = civilFromDays(days)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const time = `${pad(Math.floor(rest / MS_PER_HOUR))}:${pad(Math.floor((rest % MS_PER_HOUR) / MS_PER_MINUTE))}:${pad(Math.floor((rest % MS_PER_MINUTE) / 1000))}.${pad(rest % 1000, 3)}`
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${time}Z`
}
