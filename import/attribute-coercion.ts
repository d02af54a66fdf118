/**
 * Turns a raw cell into a typed attribute value for its catalogue type, or says what was
 * expected, so the caller can report `line 5, column tenure: expected a number, got "abc"`.
 */
import type { AttributeDef, AttributeValue } from '../engine/ports/store.ts'
import { isMissing, parseBoolean, parseIsoDate, parseNumber, trimIfNeeded } from './cell-values.ts'

/** A coerced value, or the expectation it failed. */
export type Coerced = { ok: true; value: AttributeValue } | { ok: false; expected: string }

const MAX_LISTED_ENUM_VALUES = 8

/** Coerces `raw` (CSV text or a JSON value) to the type of `def`; missing values become null. */
export function coerceAttribute(raw: unknown, def: Pick<AttributeDef, 'type' | 'values'>): Coerced {
  if (isMissing(raw)) return { ok: true, value: null }
  switch (def.type) {
    case 'number': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? parseNumber(raw) : undefined
      return value === undefined || !Number.isFinite(value) ? { ok: false, expected: 'a number' } : { ok: true, value }
    }
    case 'boolean': {
      const value = typeof raw === 'boolean' ? raw : typeof raw === 'string' || typeof raw === 'number' ? parseBoolean(String(raw), true) : undefined
      return value === undefined ? { ok: false, expected: 'yes/no, true/false or 1/0' } : { ok: true, value }
    }
    case 'date': {
      const value = typeof raw === 'string' ? parseIsoDate(raw) : undefined
      return value === undefined ? { ok: false, expected: 'an ISO 8601 date such as 2024-05-01' } : { ok: true, value }
    }
    case 'enum': {
      const text = typeof raw === 'string' ? trimIfNeeded(raw) : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined
      const allowed = def.values ?? []
      if (text !== undefined && allowed.includes(text)) return { ok: true, value: text }
      return { ok: false, expected: `one of ${listValues(allowed)}` }
    }
    case 'string': {
      if (typeof raw === 'string') return { ok: true, value: trimIfNeeded(raw) }
      if (typeof raw === 'number' || typeof raw === 'boolean') return { ok: true, value: String(raw) }
      return { ok: false, expected: 'a text value' }
    }
    default: {
      const unknownType: never = def.type
      throw new Error(`unknown attribute type ${String(unknownType)}`)
    }
  }
}

/** Lists enum values for a message, shortened when there are many. */
function listValues(values: string[]): string {
  const shown = values.slice(0, MAX_LISTED_ENUM_VALUES).map((value) => JSON.stringify(value))
  const more = values.length - shown.length
  return more > 0 ? `${shown.join(', ')} (and ${more} more)` : shown.join(', ')
}
