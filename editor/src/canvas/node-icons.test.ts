import { describe, expect, it } from 'vitest'
import { NODE_ICONS } from '../../../engine/sdk/types.ts'
import { glyphOf, NODE_GLYPHS } from './node-icons.ts'

describe('node icon glyphs', () => {
  it('draws a glyph for every icon a declaration may name, none of them one the Debian fonts lack', () => {
    const missingFromFonts = ['⏷', '⏱', '⑂', '⛨']
    for (const icon of NODE_ICONS) {
      expect(glyphOf(icon), icon).not.toBe('●')
      expect(missingFromFonts).not.toContain(NODE_GLYPHS[icon])
    }
    expect(glyphOf('filter')).toBe('▽')
    expect(glyphOf('no-such-icon')).toBe('●')
  })
})
