/** Whole UTC days: the default windows of back-tests and the dates they print. Browser-safe. */

export const DAY = 86_400_000

/** Midnight UTC of the day `now` falls in, so runs on one day agree. */
export function startOfUtcDay(now: number): number {
  return Math.floor(now / DAY) * DAY
}

/** `2024-06-30` for midnight UTC, the full instant otherwise. */
export function formatAsOf(at: number): string {
  const iso = new Date(at).toISOString()
  return at % DAY === 0 ? iso.slice(0, 10) : iso
}
