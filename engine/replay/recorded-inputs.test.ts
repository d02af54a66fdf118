import { describe, expect, it } from 'vitest'
import { decodeReadValue, encodeReadValue } from './recorded-inputs.ts'

describe('read value encoding', () => {
  it('round-trips Maps and Sets inside answers, and keeps plain objects as they are', () => {
    const value = { hits: new Set([3, 1]), at: new Map([[7, 1_767_225_600_000]]), list: [1, 'a', null], plain: { $map: 1, other: 2 } }
    expect(decodeReadValue(encodeReadValue(value))).toEqual(value)
  })
})
