/**
 * Relative times of segment conditions ("within the last 30 days", "more than 3 months ago"),
 * always measured from the evaluation time `now` that the caller passes in, never the wall
 * clock. Months are calendar months in UTC (the day is clamped: 31 March − 1 month = 28/29
 * February), so "the last 3 months" means the same on every run with the same `now`.
 */
import { civilFromDays, daysFromCivil, daysInMonth, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from './iso-time.ts'

/** Units of relative times. */
export const TIME_UNITS = ['minutes', 'hours', 'days', 'weeks', 'months'] as const
export type TimeUnit = (typeof TIME_UNITS)[number]

/** A length of time such as `{ amount: 30, unit: 'days' }`. */
export interface Duration {
  amount: number
  unit: TimeUnit
}

const FIXED_UNIT_MS: Record<Exclude<TimeUnit, 'months'>, number> = {
  minutes: MS_PER_MINUTE,
  hours: MS_PER_HOUR,
  days: MS_PER_DAY,
  weeks: 7 * MS_PER_DAY,
}

/** `at` moved by `months` calendar months (negative: back), in UTC, the day clamped to the month's length. */
function shiftMonths(at: number, months: number): number {
  const days = Math.floor(at / MS_PER_DAY)
  const timeOfDay = at - days * MS_PER_DAY
  const { year, month, day } = civilFromDays(days)
  const index = year * 12 + (month - 1) + months
  const targetYear = Math.floor(index / 12)
  const targetMonth = index - targetYear * 12 + 1
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth))
  return daysFromCivil(targetYear, targetMonth, targetDay) * MS_PER_DAY + timeOfDay
}

/** The instant `duration` before `now` (epoch ms). */
export function durationBefore(now: number, duration: Duration): number {
  if (duration.unit === 'months') return shiftMonths(now, -duration.amount)
  return now - duration.amount * FIXED_UNIT_MS[duration.unit]
}

/** The instant `duration` after `now` (epoch ms). */
export function durationAfter(now: number, duration: Duration): number {
  if (duration.unit === 'months') return shiftMonths(now, duration.amount)
  return now + duration.amount * FIXED_UNIT_MS[duration.unit]
}

/** `30 days`, `1 month`: a duration for messages. */
export function describeDuration(duration: Duration): string {
  const unit = duration.amount === 1 ? duration.unit.slice(0, -1) : duration.unit
  return `${duration.amount} ${unit}`
}
