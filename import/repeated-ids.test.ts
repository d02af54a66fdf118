import { describe, expect, it } from 'vitest'
import { hashId, IdHashScan } from './repeated-ids.ts'

/** Two different ids with the same hash (found by a brute-force search over c-0, c-1, ...). */
const COLLIDING = ['c-308475', 'c-1293310'] as const

describe('repeated ids', () => {
  it('names the first line of every id seen again, across table growth', () => {
    const ids = Array.from({ length: 150_000 }, (_, i) => `c-${i}`)
    const file = [...ids, 'c-7', 'c-149999', 'c-7']
    const scan = new IdHashScan()
    for (const id of file) scan.observe(id)
    const repeated = scan.finish()
    const found = file.flatMap((id, index) => {
      const first = repeated.seen(id, index + 2)
      return first === undefined ? [] : [[id, index + 2, first]]
    })
    expect(found).toEqual([['c-7', 150_002, 9], ['c-149999', 150_003, 150_001], ['c-7', 150_004, 9]])
  })

  it('a hash collision between different ids is not a repeat', () => {
    const [a, b] = COLLIDING
    expect(a).not.toBe(b)
    expect(hashId(a)).toBe(hashId(b))
    const scan = new IdHashScan()
    scan.observe(a)
    scan.observe(b)
    const repeated = scan.finish()
    expect(repeated.seen(a, 2)).toBeUndefined()
    expect(repeated.seen(b, 3)).toBeUndefined()
    expect(repeated.seen(b, 4)).toBe(3)
  })
})
