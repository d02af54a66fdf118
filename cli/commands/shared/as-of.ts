/** The `--as-of DATE` flag of `generate` and `demo`. */
import { UserError } from '../../../engine/errors.ts'
import { parseIsoInstant } from '../../../store/import/cell-values.ts'

const DAY = 86_400_000

/**
 * Parses `--as-of` (an ISO date or instant) to epoch ms; without it, midnight UTC today from
 * the real clock (the CLI is where the wall clock may be read), so runs on one day agree.
 */
export function parseAsOf(value: string | undefined, now: number): number {
  if (value === undefined) return Math.floor(now / DAY) * DAY
  const at = parseIsoInstant(value)
  if (at === undefined) throw new UserError('cli.as-of', `--as-of: expected a date such as 2024-06-30 (or an ISO 8601 instant), got "${value}"`)
  return at
}

/** `2024-06-30` for midnight UTC, the full instant otherwise. */
export function formatAsOf(at: number): string {
  const iso = new Date(at).toISOString()
  return at % DAY === 0 ? iso.slice(0, 10) : iso
}
