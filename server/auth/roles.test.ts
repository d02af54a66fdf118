import { describe, expect, it } from 'vitest'
import { grants, ROLES } from './roles.ts'

describe('roles', () => {
  it('grants each role itself and admin everything', () => {
    for (const role of ROLES) {
      expect(grants(role, role)).toBe(true)
      expect(grants('admin', role)).toBe(true)
      expect(grants(role, 'public')).toBe(true)
    }
  })

  it('keeps operators out of flow editing and marketers out of run control', () => {
    expect(grants('operator', 'marketer')).toBe(false)
    expect(grants('marketer', 'operator')).toBe(false)
    expect(grants('engineer', 'marketer')).toBe(true)
    expect(grants('viewer', 'marketer')).toBe(false)
    expect(grants('engineer', 'admin')).toBe(false)
  })
})
