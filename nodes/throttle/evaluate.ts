/**
 * One customer against the contact policy: the first rule that holds them, in the order
 * suppression, consent, repeated offer (these three always drop), frequency caps, priority
 * arbitration, quiet hours. Channel capacity is applied afterwards over the cohort, because it is
 * shared by everyone. Pure: facts in, decision out.
 */
import type { ContactPolicy } from '../../engine/sdk/index.ts'
import type { PolicyContact } from '../../engine/sdk/index.ts'
import type { Channel } from '../../engine/sdk/index.ts'
import { capBlock, quietUntil } from './windows.ts'

const DAY = 86_400_000

/** What the store said about one customer. */
export interface CustomerFacts {
  contacts: PolicyContact[]
  suppressed: boolean
  consents: Map<Channel, 'granted' | 'revoked'>
  /** The highest priority of another flow waiting to contact them, or null. */
  competingPriority: number | null
}

/** Why a customer may not be contacted now, what to do about it, and until when it holds. */
export interface Hold {
  /** Reason code, e.g. `cap:sms:week`. */
  code: string
  action: 'defer' | 'drop'
  /** When the rule may clear (deferral target); absent for rules that never clear by waiting. */
  until?: number
  values: Record<string, unknown>
}

/** The node settings evaluation needs. */
export interface GateSettings {
  channel: Channel
  offer?: string | undefined
  onCap: 'defer' | 'drop'
  onQuietHours: 'defer' | 'drop'
  arbitration: { action: 'defer' | 'drop'; windowHours: number }
}

/** The first rule holding the customer at `now`, or null when they may be contacted. */
export function evaluateCustomer(input: {
  policy: ContactPolicy
  config: GateSettings
  now: number
  zone: string
  facts: CustomerFacts
  priority: number
  arbitrationUntil: number
}): Hold | null {
  const { policy, config, now, zone, facts } = input
  if (facts.suppressed) return { code: 'suppressed', action: 'drop', values: {} }
  const consent = facts.consents.get(config.channel) ?? 'none'
  if (consent === 'revoked' || (policy.consent === 'granted' && consent !== 'granted')) {
    return { code: 'no-consent', action: 'drop', values: { channel: config.channel, consent, required: policy.consent } }
  }
  if (config.offer !== undefined && policy.duplicateOfferDays > 0) {
    const since = now - policy.duplicateOfferDays * DAY
    const last = facts.contacts.filter((c) => c.offer === config.offer && c.at > since).at(-1)
    if (last) return { code: 'duplicate-offer', action: 'drop', values: { offer: config.offer, lastAt: last.at, days: policy.duplicateOfferDays } }
  }
  for (const cap of policy.caps) {
    if (cap.channel !== 'all' && cap.channel !== config.channel) continue
    const times = facts.contacts.filter((c) => cap.channel === 'all' || c.channel === cap.channel).map((c) => c.at)
    const block = capBlock(cap, times, now, zone)
    if (block) {
      return {
        code: `cap:${cap.channel}:${cap.per}`, action: config.onCap, until: block.until,
        values: { max: cap.max, count: block.count, window: cap.window, zone },
      }
    }
  }
  if (config.arbitration.windowHours > 0 && facts.competingPriority !== null && facts.competingPriority > input.priority) {
    return {
      code: 'priority', action: config.arbitration.action, until: input.arbitrationUntil,
      values: { priority: input.priority, competingPriority: facts.competingPriority },
    }
  }
  const quiet = policy.quietHours.filter((q) => q.channels === undefined || q.channels.includes(config.channel))
  const until = quietUntil(quiet, now, zone)
  if (until !== null) return { code: 'quiet-hours', action: config.onQuietHours, until, values: { zone, until } }
  return null
}
