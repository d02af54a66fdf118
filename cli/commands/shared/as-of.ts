/** Date options of the commands: `--as-of` of `generate` and `demo`, `--start` and `--until` of `run`. */
import { UserError } from '../../../engine/errors.ts'
import { parseIsoInstant } from '../../../store/import/cell-values.ts'

const DAY = 86_400_000

/** Midnight UTC of the day `now` falls in, so runs on one day agree. */
export function startOfUtcDay(now: number): number {
  return Math.floor(now / DAY) * DAY
}

/**
 * Parses a date option (an ISO date or instant) to epoch ms, or `fallback` when it is absent.
 * The option's name is a parameter, not a default: an error must name the flag the user typed.
 */
export function parseDateOption(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const at = parseIsoInstant(value)
  if (at === undefined) throw new UserError('cli.date', `${option}: expected a date such as 2024-06-30 (or an ISO 8601 instant), got "${value}"`)
  return at
}

/**
 * Parses `--as-of` to epoch ms; without it, midnight UTC today from the real clock (the CLI is
 * where the wall clock may be read).
 */
export function parseAsOf(value: string | undefined, now: number): number {
  return parseDateOption('--as-of', value, startOfUtcDay(now))
}

/** `2024-06-30` for midnight UTC, the full instant otherwise. */
export function formatAsOf(at: number): string {
  const iso = new Date(at).toISOString()
  return at % DAY === 0 ? iso.slice(0, 10) : iso
}
