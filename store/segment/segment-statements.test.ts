import { describe, expect, it } from 'vitest'
import { SAMPLE_PROBE_BUDGET, sampleMode } from './segment-statements.ts'

describe('sampleMode', () => {
  it('tests customers one by one while the first matches lie within the budget of keys', () => {
    // 10 of 10,000 matches over 1M keys: the first 10 lie within ~1,000 keys.
    expect(sampleMode(10_000, 1_000_000, 10)).toBe('probe')
    expect(sampleMode(200, 1_000_000, 10)).toBe('probe')
    expect(sampleMode(10, 1_000, 10)).toBe('probe')
  })

  it('gathers the keys first when the matches are too sparse to find by testing customers one by one', () => {
    expect(sampleMode(199, 1_000_000, 10)).toBe('set')
    expect(sampleMode(1, SAMPLE_PROBE_BUDGET + 1, 1)).toBe('set')
  })

  it('never probes for a segment that matches no one', () => {
    expect(sampleMode(0, 100, 10)).toBe('set')
  })
})
