import { describe, expect, it } from 'vitest'
import { decodeDetailAt, decodeDetails, encodeDetails, type Detail } from './detail-codec.ts'

describe('journal detail codec', () => {
  const details: Detail[] = [
    { reason: 'score 4 < 7', values: { score: 4, r: 2, cell: 'hibernating', population: 62_779 } },
    { reason: 'score 9 ≥ 7', values: { score: 9, r: 5, cell: 'champions', population: 62_779 } },
    { reason: 'no purchase', values: { score: 3, r: 1, cell: 'lost', frequency: 0 } },
    { values: { reason: 'a value named reason', skipped: { email: 'no-consent' }, fallback: ['sms'], missing: null } },
    { reason: 'only a reason' },
    { values: {} },
  ]

  it('round-trips details of several shapes, names written once per shape', () => {
    const data = encodeDetails(details)
    expect(decodeDetails(data)).toEqual(details)
    const parsed = JSON.parse(data) as { shapes: string[][]; rows: unknown[][] }
    expect(parsed.shapes).toHaveLength(5)
    expect(parsed.shapes[0]).toEqual(['reason', '.score', '.r', '.cell', '.population'])
    expect(parsed.rows[1]).toEqual([0, 'score 9 ≥ 7', 9, 5, 'champions', 62_779])
    details.forEach((detail, i) => expect(decodeDetailAt(data, i)).toEqual(detail))
    expect(decodeDetailAt(data, details.length)).toBeUndefined()
  })

  it('drops what JSON would drop from an object, keeping the order of the values', () => {
    const decoded = decodeDetails(encodeDetails([{ values: { a: 1, gone: undefined, f: () => 1, z: 'last' } }]))
    expect(decoded).toEqual([{ values: { a: 1, z: 'last' } }])
    expect(Object.keys(decoded[0]?.values ?? {})).toEqual(['a', 'z'])
  })

  it('is smaller than an array of detail objects for a cohort of one shape', () => {
    const cohort = Array.from({ length: 1_000 }, (_, i) => ({ reason: `score ${i % 15} < 7`, values: { score: i % 15, r: 1 + (i % 5), f: 1, m: 2, cell: 'lost', population: 62_779 } }))
    expect(encodeDetails(cohort).length).toBeLessThan(JSON.stringify(cohort).length / 2)
  })

  it('reads the earlier form, a JSON array of detail objects', () => {
    const legacy = JSON.stringify([{ reason: 'x' }, { values: { v: 1 } }])
    expect(decodeDetails(legacy)).toEqual([{ reason: 'x' }, { values: { v: 1 } }])
    expect(decodeDetailAt(legacy, 1)).toEqual({ values: { v: 1 } })
  })
})
