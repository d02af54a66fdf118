import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../engine/errors.ts'
import { MAX_LISTED_ISSUES } from './issues.ts'
import {
  canonicalTimeZone,
  foldAttributeDefs,
  initialAttributes,
  latestConsents,
  mergeDuplicateCustomers,
  validateCustomers,
  validateEvents,
  validateSuppressions,
  validateTagRows,
} from './validate-input.ts'

const issuesOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    if (error instanceof ValidationError) return error
    throw error
  }
  throw new Error('expected a ValidationError')
}

describe('validateCustomers', () => {
  it('normalises time zones and addresses, and keeps "not given" apart from "set to null"', () => {
    const [row] = validateCustomers([{ id: 'c-1', timeZone: 'asia/tokyo', addresses: { email: ' A@B.CO ', phone: null } }])
    expect(row).toEqual({
      id: 'c-1',
      attributes: null,
      timeZone: 'Asia/Tokyo',
      setPreferredChannel: false,
      preferredChannel: null,
      addresses: { email: 'a@b.co', phone: null },
      tags: [],
    })
    expect(validateCustomers([{ id: 'c-2', preferredChannel: null }])[0]).toMatchObject({ setPreferredChannel: true, preferredChannel: null })
  })

  it('lists every problem with its path and what was expected', () => {
    const error = issuesOf(() =>
      validateCustomers([
        { id: 'c-1', addresses: { fax: '123' } as never, tags: [{ name: 'x', layer: 'weird' as never, value: {} as never, at: 'today' as never }] },
        { id: 42 as never, attributes: { nested: { a: 1 } as never, ' ': 1 } },
      ]),
    )
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      "customers[0].addresses.fax: unknown address kind 'fax': expected one of email, phone, push, wechat",
      'customers[0].tags[0].layer: expected one of raw, fact, model, predictive, got \'weird\'',
      'customers[0].tags[0].value: expected a string, finite number, boolean or null, got object',
      "customers[0].tags[0].at: expected a time in epoch milliseconds (an integer), got 'today'",
      'customers[1].id: expected a customer id (a non-empty string), got 42',
      'customers[1].attributes.nested: expected a string, finite number, boolean or null, got object',
      'customers[1].attributes: attribute names must not be empty',
    ])
    expect(error.message).toMatch(/^7 invalid customers: customers\[0\]\.addresses\.fax/)
  })

  it('counts but does not list issues beyond the cap', () => {
    const rows = Array.from({ length: MAX_LISTED_ISSUES + 10 }, () => ({ id: '' }))
    const error = issuesOf(() => validateCustomers(rows))
    expect(error.issues).toHaveLength(MAX_LISTED_ISSUES)
    expect(error.message).toContain(`${MAX_LISTED_ISSUES + 10} invalid customers (first ${MAX_LISTED_ISSUES} listed)`)
  })
})

describe('mergeDuplicateCustomers', () => {
  it('folds repeats in first-seen order, later values winning, and counts them', () => {
    const rows = validateCustomers([
      { id: 'a', attributes: { x: 1, y: 2 }, addresses: { email: 'a@x.io' }, preferredChannel: 'sms' },
      { id: 'b' },
      { id: 'a', attributes: { y: null, z: 3 }, timeZone: 'UTC', tags: [{ name: 't', layer: 'raw', value: 1, at: 1 }] },
    ])
    const { rows: merged, repeats } = mergeDuplicateCustomers(rows)
    expect(repeats).toBe(1)
    expect(merged.map((row) => row.id)).toEqual(['a', 'b'])
    expect(merged[0]).toMatchObject({
      attributes: { x: 1, y: null, z: 3 },
      timeZone: 'UTC',
      setPreferredChannel: true,
      preferredChannel: 'sms',
      addresses: { email: 'a@x.io' },
      tags: [{ name: 't', layer: 'raw', value: 1, at: 1 }],
    })
    expect(initialAttributes(merged[0]?.attributes ?? null)).toEqual({ x: 1, z: 3 })
  })
})

describe('validateEvents', () => {
  it('serialises properties once and requires integer times', () => {
    expect(validateEvents([{ id: 'e', customerId: 'c', type: 't', at: 5, properties: { a: [1] } }])[0]?.propertiesJson).toBe('{"a":[1]}')
    const error = issuesOf(() => validateEvents([{ id: 'e', customerId: 'c', type: 't', at: Number.POSITIVE_INFINITY, properties: [] as never }]))
    expect(error.issues.map((issue) => issue.path)).toEqual(['events[0].at', 'events[0].properties'])
  })

  it('tells a real NUL from an escaped backslash followed by u0000', () => {
    expect(() => validateEvents([{ id: 'e', customerId: 'c', type: 't', at: 1, properties: { text: '\\u0000' } }])).not.toThrow()
    expect(() => validateEvents([{ id: 'e', customerId: 'c', type: 't', at: 1, properties: { text: '\\\u0000' } }])).toThrow(ValidationError)
  })
})

describe('batch folding', () => {
  it('keeps the latest consent per customer and channel, the later row on a tie', () => {
    const folded = latestConsents([
      { customerId: 'c', channel: 'sms', status: 'granted', at: 10 },
      { customerId: 'c', channel: 'sms', status: 'revoked', at: 5 },
      { customerId: 'c', channel: 'email', status: 'granted', at: 1 },
      { customerId: 'c', channel: 'email', status: 'revoked', at: 1 },
    ])
    expect(folded.map((row) => `${row.channel}:${row.status}`)).toEqual(['sms:granted', 'email:revoked'])
  })

  it('never lets an inferred definition replace a declared one inside a batch', () => {
    const folded = foldAttributeDefs([
      { name: 'age', type: 'number', source: 'declared', description: 'Years' },
      { name: 'age', type: 'string', source: 'inferred' },
      { name: 'age', type: 'date', source: 'declared' },
    ])
    expect(folded).toEqual([{ name: 'age', type: 'date', source: 'declared', description: 'Years' }])
  })

  it('normalises suppressed addresses like customer addresses', () => {
    expect(validateSuppressions([{ scope: 'email', value: ' X@Y.COM', reason: 'bounce', at: 1 }])[0]?.value).toBe('x@y.com')
    expect(validateSuppressions([{ scope: 'customer', value: 'C-1', reason: 'legal', at: 1 }])[0]?.value).toBe('C-1')
  })
})

describe('validateTagRows', () => {
  const good = { customerId: 'c-1', tag: { name: 'rfm_r', layer: 'predictive' as const, value: 4, at: 1, source: 'flow:f/score' } }

  it('accepts well-formed rows as they are', () => {
    const rows = [good, { customerId: 'c-2', tag: { name: 'vip', layer: 'raw' as const, value: null, at: 2, source: null as never } }]
    expect(validateTagRows(rows)).toBe(rows)
  })

  it('refuses each malformed row among well-formed ones, naming it', () => {
    const bad = [
      { customerId: ' ', tag: good.tag },
      { customerId: 'c-1', tag: { ...good.tag, name: 'a\u0000b' } },
      { customerId: 'c-1', tag: { ...good.tag, layer: 'guess' } },
      { customerId: 'c-1', tag: { ...good.tag, value: Number.NaN } },
      { customerId: 'c-1', tag: { ...good.tag, value: 'x\u0000' } },
      { customerId: 'c-1', tag: { ...good.tag, at: 1.5 } },
      { customerId: 'c-1', tag: { ...good.tag, source: 7 } },
      { customerId: 'c-1', tag: 'rfm_r=4' },
    ]
    for (const row of bad) {
      const error = issuesOf(() => validateTagRows([good, row as never, good]))
      expect(error.issues.map((issue) => issue.path)).toEqual([expect.stringMatching(/^tags\[1\]/)])
    }
  })
})

describe('canonicalTimeZone', () => {
  it('returns the canonical IANA name, or null for anything else', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris')
    expect(canonicalTimeZone('UTC')).toBe('UTC')
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull()
  })
})
