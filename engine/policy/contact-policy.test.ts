import { describe, expect, it } from 'vitest'
import { projectConfigSchema } from '../registry/project-config.ts'
import { contactPolicySchema, NO_CONTACT_POLICY, tightenPolicy } from './contact-policy.ts'

describe('contact policy', () => {
  it('fills defaults: no caps, no quiet hours, UTC capacity days, consent not revoked', () => {
    expect(NO_CONTACT_POLICY).toEqual({ caps: [], quietHours: [], capacity: [], capacityTimeZone: 'UTC', duplicateOfferDays: 0, consent: 'not-revoked' })
    expect(contactPolicySchema.parse({ caps: [{ channel: 'sms', max: 2, per: 'week' }] }).caps).toEqual([{ channel: 'sms', max: 2, per: 'week', window: 'calendar' }])
  })

  it('lets a node only tighten: caps and quiet hours add up, capacity takes the smaller, offers the longer, consent the stricter', () => {
    const global = contactPolicySchema.parse({
      caps: [{ channel: 'all', max: 3, per: 'week' }],
      quietHours: [{ from: '21:00', to: '08:00' }],
      capacity: [{ channel: 'call', perDay: 200 }],
      capacityTimeZone: 'Asia/Shanghai',
      duplicateOfferDays: 30,
      consent: 'granted',
    })
    const merged = tightenPolicy(global, {
      caps: [{ channel: 'sms', max: 5, per: 'day', window: 'rolling' }],
      quietHours: [{ from: '12:00', to: '13:00' }],
      capacity: [{ channel: 'call', perDay: 500 }, { channel: 'sms', perDay: 1000 }],
      duplicateOfferDays: 7,
      consent: 'not-revoked',
    })
    expect(merged).toEqual({
      caps: [{ channel: 'all', max: 3, per: 'week', window: 'calendar' }, { channel: 'sms', max: 5, per: 'day', window: 'rolling' }],
      quietHours: [{ from: '21:00', to: '08:00' }, { from: '12:00', to: '13:00' }],
      capacity: [{ channel: 'call', perDay: 200 }, { channel: 'sms', perDay: 1000 }],
      capacityTimeZone: 'Asia/Shanghai',
      duplicateOfferDays: 30,
      consent: 'granted',
    })
    expect(tightenPolicy(NO_CONTACT_POLICY, { capacity: [{ channel: 'call', perDay: 50 }], consent: 'granted' })).toMatchObject({
      capacity: [{ channel: 'call', perDay: 50 }], consent: 'granted',
    })
  })

  it('rejects bad times, zones and channels with the field path', () => {
    const result = contactPolicySchema.safeParse({ quietHours: [{ from: '25:00', to: '08:00' }], capacity: [{ channel: 'fax', perDay: 1 }], capacityTimeZone: 'Nowhere/Land' })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['capacity.0.channel', 'capacityTimeZone', 'quietHours.0.from'])
  })

  it('is read from sluice.config.ts as `contactPolicy`', () => {
    const config = projectConfigSchema.parse({ nodes: [], contactPolicy: { caps: [{ channel: 'call', max: 2, per: 'month' }] } })
    expect(config.contactPolicy?.caps).toEqual([{ channel: 'call', max: 2, per: 'month', window: 'calendar' }])
    const bad = projectConfigSchema.safeParse({ contactPolicy: { caps: [{ channel: 'call', max: -1, per: 'month' }] } })
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['contactPolicy.caps.0.max'])
  })
})
