/** Date options of the commands: `--as-of` of `generate` and `demo`, `--start` and `--until` of `run`. */
import { UserError } from '../../../engine/errors.ts'
import { parseIsoInstant } from '../../../import/cell-values.ts'
import { formatAsOf, startOfUtcDay } from '../../../engine/clock/utc-day.ts'

// The day helpers live in the engine (the server's simulate route prints the same dates).
export { formatAsOf, startOfUtcDay }

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
