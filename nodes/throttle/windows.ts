/**
 * Time windows of the contact policy, in the customer's own time zone and correct across
 * daylight-saving changes: every local boundary goes through engine/clock/zoned-time (Intl),
 * never "+ 24 h", so a calendar day is 23 or 25 hours long where the zone says so.
 */
import { addLocalDays, startOfLocalDay, zonedParts, zonedToEpoch } from '../../engine/sdk/index.ts'
import type { Cap, CapPeriod, QuietHours } from '../../engine/sdk/index.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Lengths of rolling windows. */
export const ROLLING_MS: Record<CapPeriod, number> = { day: DAY, week: 7 * DAY, month: 30 * DAY }

/** The longest look-back any window needs (a calendar month is at most 31 local days, plus DST slack). */
export const LONGEST_WINDOW_MS = 32 * DAY

/** `[start, end)` of the calendar day / week (Monday first) / month containing `now` in `zone`. */
export function calendarWindow(now: number, per: CapPeriod, zone: string): { start: number; end: number } {
  if (per === 'day') return { start: startOfLocalDay(now, zone), end: startOfLocalDay(now, zone, 1) }
  const p = zonedParts(now, zone)
  if (per === 'week') {
    const sinceMonday = (p.weekday + 6) % 7
    return { start: startOfLocalDay(now, zone, -sinceMonday), end: startOfLocalDay(now, zone, 7 - sinceMonday) }
  }
  const nextMonth = p.month === 12 ? { year: p.year + 1, month: 1 } : { year: p.year, month: p.month + 1 }
  return {
    start: zonedToEpoch({ year: p.year, month: p.month, day: 1, hour: 0, minute: 0 }, zone),
    end: zonedToEpoch({ ...nextMonth, day: 1, hour: 0, minute: 0 }, zone),
  }
}

/**
 * Whether a cap is reached at `now` given the customer's contact times (on the cap's channels),
 * and if so the earliest time a contact fits again.
 */
export function capBlock(cap: Cap, times: readonly number[], now: number, zone: string): { count: number; until: number } | null {
  if (cap.window === 'calendar') {
    const { start, end } = calendarWindow(now, cap.per, zone)
    const count = times.filter((t) => t >= start && t < end).length
    return count >= cap.max ? { count, until: end } : null
  }
  const length = ROLLING_MS[cap.per]
  const inside = times.filter((t) => t > now - length && t <= now).sort((a, b) => a - b)
  if (inside.length < cap.max) return null
  // Room again once enough of the oldest contacts have left the window.
  const leaving = inside[inside.length - cap.max] as number
  return { count: inside.length, until: leaving + length + 1 }
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return (h as number) * 60 + (m as number)
}

/** Whether local time `now` in `zone` falls in the quiet interval (`from` > `to` wraps midnight). */
function inQuiet(quiet: QuietHours, now: number, zone: string): boolean {
  const p = zonedParts(now, zone)
  const minute = p.hour * 60 + p.minute
  const from = minutesOf(quiet.from)
  const to = minutesOf(quiet.to)
  if (from === to) return false
  return from < to ? minute >= from && minute < to : minute >= from || minute < to
}

/** The end of the quiet interval `now` is in: the next local `to` (today or tomorrow) as an instant. */
function quietEnd(quiet: QuietHours, now: number, zone: string): number {
  const p = zonedParts(now, zone)
  const to = minutesOf(quiet.to)
  const minute = p.hour * 60 + p.minute
  const date = minute < to ? { year: p.year, month: p.month, day: p.day } : addLocalDays(p, 1)
  return zonedToEpoch({ ...date, hour: Math.floor(to / 60), minute: to % 60 }, zone)
}

/**
 * Null when `now` is outside every quiet interval; otherwise the next instant outside all of
 * them (intervals may overlap or chain, so it steps until none holds).
 */
export function quietUntil(quiets: readonly QuietHours[], now: number, zone: string): number | null {
  let at = now
  for (let step = 0; step < 2 * quiets.length + 2; step++) {
    const active = quiets.filter((q) => inQuiet(q, at, zone))
    if (active.length === 0) return at === now ? null : at
    at = Math.max(...active.map((q) => quietEnd(q, at, zone)))
  }
  return at
}
