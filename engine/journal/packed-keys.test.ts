import { describe, expect, it } from 'vitest'
import { packKeys, unpackKeys } from './packed-keys.ts'

describe('packed keys', () => {
  it('round-trips sorted, de-duplicated keys, including large gaps', () => {
    const keys = [5, 1, 3, 3, 1_000_000_007, 2 ** 40, 0]
    expect(unpackKeys(packKeys(keys))).toEqual([0, 1, 3, 5, 1_000_000_007, 2 ** 40])
    expect(unpackKeys(packKeys([]))).toEqual([])
  })

  it('packs 5,000 consecutive keys into about one byte each', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => 100_000 + i)
    const packed = packKeys(keys)
    expect(packed.length).toBeLessThan(5000 * 1.4)
    expect(unpackKeys(packed)).toEqual(keys)
  })

  it('refuses keys that are not non-negative integers', () => {
    expect(() => packKeys([1.5])).toThrow(/non-negative integers/)
    expect(() => packKeys([-1])).toThrow(/non-negative integers/)
  })
})
