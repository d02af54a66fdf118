import { describe, expect, it } from 'vitest'
import { describeAccess, grants, ROLES } from './roles.ts'

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

  it('passes a route open to several roles when any one of them is granted', () => {
    const journey = ['marketer', 'operator'] as const
    expect(ROLES.filter((role) => grants(role, journey))).toEqual(['marketer', 'engineer', 'operator', 'admin'])
    expect(describeAccess(journey)).toBe('the marketer or operator role')
    expect(describeAccess('viewer')).toBe('the viewer role')
  })
})
