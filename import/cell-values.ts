/**
 * Parsing of single cell values as they arrive from CSV (always text) or JSONL (typed JSON).
 * Every parser returns `undefined` for "does not fit" so callers can say what was expected.
 */

/** Cell texts that mean "no value" in real exports (compared case-insensitively, trimmed). */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'null'])

/** True for empty cells and the `NA` / `N/A` / `NULL` placeholders (and JSON null). */
export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true
  if (typeof value !== 'string') return false
  // Hot path of every import: most cells are longer than any token and start with no space.
  if (value.length > 4 && value.charCodeAt(0) > 32 && value.charCodeAt(value.length - 1) > 32) return false
  return MISSING_TOKENS.has(value.trim().toLowerCase())
}

// Plain decimal notation only: `Number()` would also accept `0x1f`, `Infinity` and `1_000`.
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
// `007`, `-01.5`: identifiers and codes that only look numeric (zip codes, SKUs).
const LEADING_ZERO_PATTERN = /^[+-]?0\d/

/** Parses a decimal number (`12`, `-3.5`, `1e6`); `undefined` when the text is not one. */
export function parseNumber(text: string): number | undefined {
  const trimmed = trimIfNeeded(text)
  // Cheap rejection before the regex: a number starts with a digit, a sign or a dot.
  const first = trimmed.charCodeAt(0)
  if (!((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46)) return undefined
  if (!NUMBER_PATTERN.test(trimmed)) return undefined
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : undefined
}

/** True when a numeric-looking text has a leading zero, which inference treats as a code, not a number. */
export function hasLeadingZero(text: string): boolean {
  return LEADING_ZERO_PATTERN.test(trimIfNeeded(text))
}

/** `text.trim()`, without allocating when there is nothing to trim (the usual case). */
export function trimIfNeeded(text: string): string {
  return text.length > 0 && text.charCodeAt(0) > 32 && text.charCodeAt(text.length - 1) > 32 ? text : text.trim()
}

const BOOLEAN_WORDS: Record<string, boolean> = { yes: true, no: false, true: true, false: false }
const BOOLEAN_DIGITS: Record<string, boolean> = { '1': true, '0': false }

/**
 * Parses a boolean word (`yes`/`no`/`true`/`false`, any case). With `acceptDigits`, `1`/`0`
 * too: inference never reads 0/1 as boolean (they stay numbers), but a column already typed
 * boolean accepts them.
 */
export function parseBoolean(text: string, acceptDigits = false): boolean | undefined {
  if (text.length > 16) return undefined
  const key = trimIfNeeded(text).toLowerCase()
  return BOOLEAN_WORDS[key] ?? (acceptDigits ? BOOLEAN_DIGITS[key] : undefined)
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const INSTANT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i

/** True for a real calendar date (rejects `2024-02-30`). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day <= daysInMonth
}

/**
 * Validates an ISO-8601 date (`2024-05-01`) or instant (`2024-05-01T10:00:00Z`) and returns it
 * trimmed, as the store keeps dates as ISO strings; `undefined` when it is not one.
 */
export function parseIsoDate(text: string): string | undefined {
  const trimmed = trimIfNeeded(text)
  if (trimmed.length < 10 || trimmed.charCodeAt(4) !== 45 /* - */) return undefined
  const date = DATE_PATTERN.exec(trimmed)
  if (date) return isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3])) ? trimmed : undefined
  return parseIsoInstant(trimmed) === undefined ? undefined : trimmed
}

/**
 * Parses an ISO-8601 date or instant to epoch milliseconds. A date alone is midnight UTC, and
 * an instant without an offset is read as UTC (exports without a zone are almost always UTC).
 */
export function parseIsoInstant(text: string): number | undefined {
  const trimmed = text.trim()
  const date = DATE_PATTERN.exec(trimmed)
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])]
    return isCalendarDate(year, month, day) ? Date.UTC(year, month - 1, day) : undefined
  }
  const m = INSTANT_PATTERN.exec(trimmed)
  if (!m) return undefined
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]
  const second = m[6] === undefined ? 0 : Number(m[6])
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000)
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis)
  return utc - offsetMinutes(m[8]) * 60_000
}

/** Minutes east of UTC of an ISO offset (`Z`, `+02:00`, `-0500`, or none = UTC). */
function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0
  const digits = offset.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))
  return offset.startsWith('-') ? -minutes : minutes
}

/** Below this an epoch value is almost surely seconds, not milliseconds (it would be before March 1973). */
const SMALLEST_PLAUSIBLE_EPOCH_MS = 1e11

/** Result of parsing an event time: epoch ms, or what was wrong with it. */
export type InstantResult = { ok: true; at: number } | { ok: false; expected: string }

/** Parses an event time: ISO 8601 (date or instant) or integer epoch milliseconds. */
export function parseEventTime(value: unknown): InstantResult {
  const expected = 'an ISO 8601 time or epoch milliseconds'
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
    const ms = Number(value)
    if (!Number.isSafeInteger(ms)) return { ok: false, expected }
    if (ms < SMALLEST_PLAUSIBLE_EPOCH_MS) {
      return { ok: false, expected: `${expected} (this looks like epoch seconds: multiply by 1000)` }
    }
    return { ok: true, at: ms }
  }
  if (typeof value === 'string') {
    const at = parseIsoInstant(value)
    if (at !== undefined) return { ok: true, at }
  }
  return { ok: false, expected }
}

const CONSENT_WORDS: Record<string, 'granted' | 'revoked'> = {
  yes: 'granted', true: 'granted', '1': 'granted', granted: 'granted',
  no: 'revoked', false: 'revoked', '0': 'revoked', revoked: 'revoked',
}

/** Parses a consent cell (yes/no/true/false/1/0/granted/revoked, any case). */
export function parseConsent(value: unknown): 'granted' | 'revoked' | undefined {
  if (typeof value === 'boolean') return value ? 'granted' : 'revoked'
  if (typeof value === 'number') return value === 1 ? 'granted' : value === 0 ? 'revoked' : undefined
  if (typeof value !== 'string') return undefined
  return CONSENT_WORDS[value.trim().toLowerCase()]
}

/** Quotes a value for an error message, shortened so one bad cell cannot flood the terminal. */
export function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text
  return typeof value === 'string' ? JSON.stringify(short) : short
}
