import { describe, expect, it } from 'vitest'
import { UserError } from '../../../engine/errors.ts'
import { parseWholeNumber } from './whole-number.ts'

describe('parseWholeNumber', () => {
  it('accepts plain digits within the range, spaces around them allowed', () => {
    expect(parseWholeNumber('--customers', '5', 1, 10)).toBe(5)
    expect(parseWholeNumber('--customers', ' 10 ', 1, 10)).toBe(10)
    expect(parseWholeNumber('--port', '0', 0, 65_535)).toBe(0)
  })

  it('quotes the text as typed, with the option and the range, never NaN', () => {
    expect(() => parseWholeNumber('--customers', '-5', 1, 5_000_000)).toThrow(new UserError('cli.number', '--customers: expected a whole number from 1 to 5,000,000, got "-5"'))
    for (const text of ['', ' ', '1e3', '0x10', '2.5', '+3', 'lots', '11', '0']) {
      expect(() => parseWholeNumber('--port', text, 1, 10), text).toThrow(`--port: expected a whole number from 1 to 10, got "${text}"`)
    }
    expect(() => parseWholeNumber('--n', '99999999999999999999', 1, Number.MAX_SAFE_INTEGER)).toThrow(/got "99999999999999999999"/)
  })
})
