/**
 * The per-customer choice, as pure functions of the facts read for the cohort: which candidate
 * channels are eligible (and why the others are not), then how the strategy ranks the eligible
 * ones. The first ranked channel is sent; the rest are its fallbacks, in rank order.
 */
import { zonedParts } from '../../engine/sdk/index.ts'
import type { ChannelStats, CustomerChannelFacts } from '../../engine/sdk/index.ts'
import type { Channel, Customer } from '../../engine/sdk/index.ts'
import { addressKindOf } from '../../engine/sdk/index.ts'
import { sampleBeta, type KeyedUniform } from './beta-sampler.ts'
import type { Candidate, ChooseChannelConfig, QuietWindow } from './config.ts'

/** Why a candidate channel was not used for a customer. */
export type SkipReason = 'suppressed' | 'unreachable' | 'no-consent' | 'quiet-hours' | 'capacity'

/** Strength (in pseudo-contacts) of everyone's rate as the prior of one customer's rate. */
export const PRIOR_CONTACTS = 2

function minutes(text: string): number {
  const [h, m] = text.split(':').map(Number) as [number, number]
  return h * 60 + m
}

/** True when local time `now` in `zone` falls in [from, to), wrapping past midnight. */
export function inQuietHours(now: number, zone: string, from: string, to: string): boolean {
  const p = zonedParts(now, zone)
  const local = p.hour * 60 + p.minute
  const start = minutes(from)
  const end = minutes(to)
  return start < end ? local >= start && local < end : local >= start || local < end
}

/** The rules eligibility checks: the node's, tightened by the global contact policy. */
export interface EligibilityRules {
  consent: 'granted' | 'not-revoked'
  quietHours: readonly QuietWindow[]
}

/** Why `candidate` cannot be used for this customer now, or null when it can (capacity aside). */
export function skipReason(candidate: Candidate, customer: Customer, facts: CustomerChannelFacts, rules: EligibilityRules, now: number): SkipReason | null {
  const channel = candidate.channel
  if (facts.suppressed.includes('customer')) return 'suppressed'
  const kind = addressKindOf(channel)
  if (kind && !customer.addresses[kind]) return 'unreachable'
  if (kind && facts.suppressed.includes(kind)) return 'suppressed'
  const consent = facts.consent[channel]
  if (rules.consent === 'granted' ? consent !== 'granted' : consent === 'revoked') return 'no-consent'
  for (const quiet of rules.quietHours) {
    if ((quiet.channels ?? [channel]).includes(channel) && inQuietHours(now, customer.timeZone, quiet.from, quiet.to)) return 'quiet-hours'
  }
  return null
}

/** Responses that can be credited to contacts: never more than the contacts themselves. */
function successes(stats: ChannelStats | undefined): { s: number; n: number } {
  const n = stats?.contacts ?? 0
  return { s: Math.min(stats?.responses ?? 0, n), n }
}

/** Everyone's response rate on a channel, with a uniform prior: (s + 1) / (n + 2). */
export function pooledRate(stats: ChannelStats | undefined): number {
  const { s, n } = successes(stats)
  return (s + 1) / (n + 2)
}

/** A customer's rate, shrunk towards everyone's by {@link PRIOR_CONTACTS} pseudo-contacts. */
export function customerRate(own: ChannelStats | undefined, pooled: ChannelStats | undefined): number {
  const { s, n } = successes(own)
  return (s + PRIOR_CONTACTS * pooledRate(pooled)) / (n + PRIOR_CONTACTS)
}

/** What the strategy needs besides the eligible candidates. */
export interface RankInput {
  config: ChooseChannelConfig
  customer: Customer
  facts: CustomerChannelFacts
  /** Everyone's stats. */
  pooled: Partial<Record<Channel, ChannelStats>>
  /** The customer's segment's stats (scope `segment`), undefined when the customer has no segment. */
  segment?: Partial<Record<Channel, ChannelStats>>
  /** Keyed uniforms for the bandit: `uniform(channel)(i)`. */
  uniform: (channel: Channel) => KeyedUniform
}

/** Eligible candidates ranked by the strategy (stable: ties keep candidate order), with the score used. */
export function rank(eligible: readonly Candidate[], input: RankInput): { ranked: Candidate[]; scores?: Partial<Record<Channel, number>> } {
  const { config, customer, facts, pooled } = input
  // The group rates are learnt from: the customer's segment, else everyone.
  const group = config.responses.scope === 'segment' && input.segment ? input.segment : pooled
  const order = (score: (c: Candidate) => number, direction: 1 | -1) => {
    const scores: Partial<Record<Channel, number>> = {}
    for (const c of eligible) scores[c.channel] = score(c)
    const ranked = [...eligible].sort((a, b) => direction * ((scores[a.channel] as number) - (scores[b.channel] as number)))
    return { ranked, scores }
  }
  switch (config.strategy) {
    case 'priority':
      return { ranked: [...eligible] }
    case 'preferred': {
      const preferred = eligible.filter((c) => c.channel === customer.preferredChannel)
      return { ranked: [...preferred, ...eligible.filter((c) => c.channel !== customer.preferredChannel)] }
    }
    case 'cheapest':
      return order((c) => c.cost ?? 0, 1)
    case 'best-response':
      return order((c) => (config.responses.scope === 'customer' ? customerRate(facts.stats[c.channel], pooled[c.channel]) : pooledRate(group[c.channel])), -1)
    case 'bandit':
      return order((c) => {
        // everyone / segment: Beta(1 + s, 1 + n − s) over the group's counts. customer: the
        // customer's own counts on a prior of PRIOR_CONTACTS pseudo-contacts at everyone's rate.
        if (config.responses.scope !== 'customer') {
          const { s, n } = successes(group[c.channel])
          return sampleBeta(1 + s, 1 + n - s, input.uniform(c.channel))
        }
        const { s, n } = successes(facts.stats[c.channel])
        const p = pooledRate(pooled[c.channel])
        return sampleBeta(s + PRIOR_CONTACTS * p, n - s + PRIOR_CONTACTS * (1 - p), input.uniform(c.channel))
      }, -1)
    default: {
      const unreachable: never = config.strategy
      throw new Error(`unknown strategy ${String(unreachable)}`)
    }
  }
}
