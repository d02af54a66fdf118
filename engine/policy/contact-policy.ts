/**
 * The global contact policy: the rules every campaign obeys (caps, quiet hours, channel
 * capacity, repeat offers, consent), configured once for the engine (`contactPolicy` in
 * sluice.config.ts, passed to nodes as `ctx.contactPolicy`). A throttle node can add rules of its
 * own; `tightenPolicy` merges them so a node can only make the policy stricter, never looser:
 * every cap of both applies, quiet hours are the union, capacity is the smaller, the repeat-offer
 * window the longer, and consent `granted` beats `not-revoked`.
 */
import { z } from 'zod'
import { isValidTimeZone } from '../clock/zoned-time.ts'
import { CHANNELS } from '../ports/store.ts'

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/

/** Periods a cap counts over. */
export const CAP_PERIODS = ['day', 'week', 'month'] as const
export type CapPeriod = (typeof CAP_PERIODS)[number]

/** At most `max` contacts per customer on `channel` (or over `all` channels) in a period. */
export const capSchema = z.strictObject({
  channel: z.enum([...CHANNELS, 'all']).meta({ title: 'Channel', description: '`all` counts every channel together.' }),
  max: z.number().int().min(0).meta({ title: 'At most' }),
  per: z.enum(CAP_PERIODS).meta({ title: 'Per' }),
  window: z.enum(['calendar', 'rolling']).default('calendar').meta({
    title: 'Window',
    description: '`calendar`: this day / week (Monday first) / month in the customer\'s time zone; `rolling`: the last 24 h / 7 days / 30 days.',
  }),
}).meta({ title: 'Frequency cap' })
export type Cap = z.output<typeof capSchema>

/** Local hours in which no contact is made, in the customer's zone; `from` > `to` wraps midnight (21:00–08:00). */
export const quietHoursSchema = z.strictObject({
  from: z.string().regex(HH_MM, 'expected a local time HH:MM, like 21:00').meta({ title: 'From (HH:MM)' }),
  to: z.string().regex(HH_MM, 'expected a local time HH:MM, like 08:00').meta({ title: 'To (HH:MM)' }),
  channels: z.array(z.enum(CHANNELS)).optional().meta({ title: 'Channels', description: 'Default: every channel.' }),
}).meta({ title: 'Quiet hours' })
export type QuietHours = z.output<typeof quietHoursSchema>

/** At most `perDay` contacts a day on a channel over all customers and campaigns (a call centre's day). */
export const capacitySchema = z.strictObject({
  channel: z.enum(CHANNELS).meta({ title: 'Channel' }),
  perDay: z.number().int().min(0).meta({ title: 'Per day' }),
}).meta({ title: 'Channel capacity' })
export type Capacity = z.output<typeof capacitySchema>

/** The global contact policy. */
export const contactPolicySchema = z.strictObject({
  caps: z.array(capSchema).default([]).meta({ title: 'Frequency caps' }),
  quietHours: z.array(quietHoursSchema).default([]).meta({ title: 'Quiet hours' }),
  capacity: z.array(capacitySchema).default([]).meta({ title: 'Channel capacity' }),
  /** Time zone in which capacity days start. */
  capacityTimeZone: z.string().refine(isValidTimeZone, 'expected an IANA time zone such as Europe/Paris').default('UTC').meta({ title: 'Capacity time zone' }),
  duplicateOfferDays: z.number().int().min(0).default(0).meta({ title: 'Same offer not again within (days)', description: '0: no rule.' }),
  consent: z.enum(['granted', 'not-revoked']).default('not-revoked').meta({
    title: 'Consent required',
    description: '`granted`: an explicit opt-in for the channel; `not-revoked`: anyone who has not opted out.',
  }),
}).meta({ title: 'Contact policy' })
export type ContactPolicy = z.output<typeof contactPolicySchema>

/** The empty policy (no rules beyond suppression and revoked consent, which always hold). */
export const NO_CONTACT_POLICY: ContactPolicy = contactPolicySchema.parse({})

/** The policy a node enforces: the global one with the node's rules added; never looser than `global`. */
export function tightenPolicy(global: ContactPolicy, node: Partial<ContactPolicy>): ContactPolicy {
  const capacity = new Map<string, Capacity>()
  for (const c of [...global.capacity, ...(node.capacity ?? [])]) {
    const seen = capacity.get(c.channel)
    if (!seen || c.perDay < seen.perDay) capacity.set(c.channel, c)
  }
  return {
    caps: [...global.caps, ...(node.caps ?? [])],
    quietHours: [...global.quietHours, ...(node.quietHours ?? [])],
    capacity: [...capacity.values()],
    capacityTimeZone: global.capacityTimeZone,
    duplicateOfferDays: Math.max(global.duplicateOfferDays, node.duplicateOfferDays ?? 0),
    consent: global.consent === 'granted' || node.consent === 'granted' ? 'granted' : 'not-revoked',
  }
}
