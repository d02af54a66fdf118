import { describe, expect, it } from 'vitest'
import { normalizeAddress } from './address.ts'

describe('normalizeAddress', () => {
  it('lower-cases and trims e-mail addresses', () => {
    expect(normalizeAddress('email', '  Ann.Lee@Example.COM ')).toBe('ann.lee@example.com')
  })

  it('strips phone punctuation and turns a 00 prefix into +', () => {
    expect(normalizeAddress('phone', '+33 (0)6-12.34 56 78')).toBe('+330612345678')
    expect(normalizeAddress('phone', '0044 20 7946 0958')).toBe('+442079460958')
  })

  it('keeps opaque push and wechat tokens as they are, except for surrounding blanks', () => {
    expect(normalizeAddress('push', ' AbC-123 ')).toBe('AbC-123')
    expect(normalizeAddress('wechat', 'wxid_AbC')).toBe('wxid_AbC')
  })
})
