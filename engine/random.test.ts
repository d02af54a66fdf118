import { describe, expect, it } from 'vitest'
import { createIdSource, hash53, keyedRandom } from './random.ts'

describe('keyedRandom', () => {
  it('is a pure function of its key parts', () => {
    expect(keyedRandom('seed', 'node-1', 'c-1', '')).toBe(keyedRandom('seed', 'node-1', 'c-1', ''))
    expect(keyedRandom('seed', 'node-1', 'c-1', '')).not.toBe(keyedRandom('seed', 'node-1', 'c-2', ''))
    expect(keyedRandom('seed', 'node-1', 'c-1', '')).not.toBe(keyedRandom('seed', 'node-2', 'c-1', ''))
    expect(keyedRandom('seed', 'node-1', 'c-1', '')).not.toBe(keyedRandom('other', 'node-1', 'c-1', ''))
    expect(keyedRandom('seed', 'node-1', 'c-1', 'a')).not.toBe(keyedRandom('seed', 'node-1', 'c-1', 'b'))
  })

  it('does not confuse parts that concatenate to the same text', () => {
    expect(keyedRandom('ab', 'c')).not.toBe(keyedRandom('a', 'bc'))
  })

  it('stays in [0, 1) and spreads evenly over ten buckets (chi-square, 100k draws)', () => {
    const buckets = new Array<number>(10).fill(0)
    const n = 100_000
    let outOfRange = 0
    for (let i = 0; i < n; i++) {
      const r = keyedRandom('seed-1', 'split', `c-${String(i).padStart(6, '0')}`, '')
      if (!(r >= 0 && r < 1)) outOfRange++
      else buckets[Math.floor(r * 10)]! += 1
    }
    expect(outOfRange).toBe(0)
    const expected = n / 10
    const chiSquare = buckets.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)
    // 9 degrees of freedom: 27.9 is the 0.1 % critical value; the input is fixed, so this is deterministic.
    expect(chiSquare).toBeLessThan(27.9)
  })

  it('gives independent draws for different salts (no correlation between two salts)', () => {
    const n = 20_000
    let same = 0
    for (let i = 0; i < n; i++) {
      const a = keyedRandom('s', 'n', `c-${i}`, 'first') < 0.5
      const b = keyedRandom('s', 'n', `c-${i}`, 'second') < 0.5
      if (a === b) same++
    }
    expect(Math.abs(same / n - 0.5)).toBeLessThan(0.02)
  })
})

describe('hash53', () => {
  it('changes about half of the output bits when one input character changes (avalanche)', () => {
    let flipped = 0
    const trials = 2_000
    for (let i = 0; i < trials; i++) {
      const a = hash53(`customer-${i}a`)
      const b = hash53(`customer-${i}b`)
      let diff = BigInt(a) ^ BigInt(b)
      let bits = 0
      while (diff > 0n) {
        bits += Number(diff & 1n)
        diff >>= 1n
      }
      flipped += bits
    }
    const average = flipped / trials
    expect(average).toBeGreaterThan(23)
    expect(average).toBeLessThan(30)
  })
})

describe('createIdSource', () => {
  it('makes unique ids that a second source with the same seed reproduces', () => {
    const a = createIdSource('run-seed')
    const b = createIdSource('run-seed')
    const idsA = Array.from({ length: 1000 }, a)
    expect(new Set(idsA).size).toBe(1000)
    expect(Array.from({ length: 1000 }, b)).toEqual(idsA)
    expect(createIdSource('other-seed')()).not.toBe(idsA[0])
  })
})
