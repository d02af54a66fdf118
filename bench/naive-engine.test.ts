import { describe, expect, it } from 'vitest'
import { sampleKeys } from './naive-engine.ts'

describe('sampleKeys', () => {
  it('spreads the sample evenly over keys 1..population, each key once', () => {
    const keys = sampleKeys(1_000, 100)
    expect(keys).toHaveLength(100)
    expect(new Set(keys).size).toBe(100)
    expect([...keys].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 1 + i * 10))
  })

  it('orders it so that a prefix (what a time-boxed run lets in) covers the whole key range too', () => {
    const keys = sampleKeys(1_000_000, 20_000)
    const quarterOf = (key: number) => Math.floor(((key - 1) * 4) / 1_000_000)
    expect(new Set(keys.slice(0, 4).map(quarterOf))).toEqual(new Set([0, 1, 2, 3]))
    const firstHundred = keys.slice(0, 100)
    for (let quarter = 0; quarter < 4; quarter++) expect(firstHundred.filter((key) => quarterOf(key) === quarter).length).toBeGreaterThanOrEqual(20)
  })

  it('takes the whole population when the sample is larger, and copes with one customer', () => {
    expect([...sampleKeys(5, 50)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5])
    expect(sampleKeys(1, 10)).toEqual([1])
  })
})
