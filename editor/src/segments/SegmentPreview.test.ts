import { describe, expect, it } from 'vitest'
import { unfinished } from './SegmentPreview.tsx'

describe('an unfinished segment is not counted', () => {
  it('names the first blank field or schema problem with its path, and passes a finished one', () => {
    expect(unfinished({ type: 'all', conditions: [{ type: 'attribute', name: 'tenure', op: 'gte', value: 12 }, { type: 'tag', name: '' }] }, 'to be filled in')).toBe('conditions[1].name: to be filled in')
    expect(unfinished({ type: 'attribute', name: 'tenure', op: 'between', from: 1, to: '' })).toBe('to: blank')
    expect(unfinished({ type: 'rfm', cells: [] })).toMatch(/^cells: /)
    expect(unfinished({ type: 'all', conditions: [{ type: 'attribute', name: 'tenure', op: 'gte', value: 12 }] })).toBeNull()
  })
})
