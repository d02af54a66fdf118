import { describe, expect, it } from 'vitest'
import { describeValue, isMissing, parseBoolean, parseConsent, parseEventTime, parseIsoDate, parseIsoInstant, parseNumber } from './cell-values.ts'

describe('isMissing', () => {
  it('treats empty cells and NA/NULL placeholders as missing, real values not', () => {
    for (const value of ['', '  ', 'NA', 'na', 'N/A', 'NULL', 'null', null, undefined]) expect(isMissing(value)).toBe(true)
    for (const value of ['0', 'No', 'NAB', 0, false]) expect(isMissing(value)).toBe(false)
  })
})

describe('parseNumber', () => {
  it('accepts plain decimals and rejects what Number() would wrongly accept', () => {
    expect(parseNumber('29.85')).toBe(29.85)
    expect(parseNumber(' -3 ')).toBe(-3)
    expect(parseNumber('1e3')).toBe(1000)
    expect(parseNumber('.5')).toBe(0.5)
    for (const text of ['abc', '0x1f', 'Infinity', '1_000', '', '1,5', '12abc']) expect(parseNumber(text)).toBeUndefined()
  })
})

describe('parseBoolean', () => {
  it('reads yes/no/true/false in any case, and 1/0 only when asked', () => {
    expect(parseBoolean('Yes')).toBe(true)
    expect(parseBoolean('FALSE')).toBe(false)
    expect(parseBoolean('1')).toBeUndefined()
    expect(parseBoolean('1', true)).toBe(true)
    expect(parseBoolean('0', true)).toBe(false)
    expect(parseBoolean('maybe', true)).toBeUndefined()
  })
})

describe('dates and instants', () => {
  it('validates calendar dates', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29')
    expect(parseIsoDate('2023-02-29')).toBeUndefined()
    expect(parseIsoDate('2024-13-01')).toBeUndefined()
    expect(parseIsoDate('2024-05-01T10:00:00Z')).toBe('2024-05-01T10:00:00Z')
  })

  it('reads instants with offsets, and without one as UTC', () => {
    expect(parseIsoInstant('2024-05-01')).toBe(Date.UTC(2024, 4, 1))
    expect(parseIsoInstant('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10))
    expect(parseIsoInstant('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10))
    expect(parseIsoInstant('2024-05-01 05:30:00-0500')).toBe(Date.UTC(2024, 4, 1, 10, 30))
    expect(parseIsoInstant('2024-05-01T10:00:00.250Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 250))
    expect(parseIsoInstant('2024-05-01T25:00:00Z')).toBeUndefined()
  })

  it('parses event times as ISO or epoch ms, and flags epoch seconds', () => {
    expect(parseEventTime('2024-05-01T10:00:00Z')).toEqual({ ok: true, at: Date.UTC(2024, 4, 1, 10) })
    expect(parseEventTime(1714557600000)).toEqual({ ok: true, at: 1714557600000 })
    expect(parseEventTime('1714557600000')).toEqual({ ok: true, at: 1714557600000 })
    const seconds = parseEventTime('1714557600')
    expect(seconds.ok).toBe(false)
    expect(!seconds.ok && seconds.expected).toContain('epoch seconds')
    expect(parseEventTime('yesterday').ok).toBe(false)
  })
})

describe('parseConsent', () => {
  it('maps every accepted spelling and rejects the rest', () => {
    for (const yes of ['yes', 'TRUE', '1', 'granted', true, 1]) expect(parseConsent(yes)).toBe('granted')
    for (const no of ['No', 'false', '0', 'Revoked', false, 0]) expect(parseConsent(no)).toBe('revoked')
    for (const bad of ['maybe', 2, {}]) expect(parseConsent(bad)).toBeUndefined()
  })
})

describe('describeValue', () => {
  it('quotes text and shortens long values', () => {
    expect(describeValue('abc')).toBe('"abc"')
    expect(describeValue(12)).toBe('12')
    expect(describeValue('x'.repeat(100)).length).toBeLessThan(70)
  })
})
