/**
 * choose-channel: picks one channel per customer among candidates and sends the message there.
 * For the whole cohort it reads profiles and channel facts (consent, suppression, past response,
 * capacity used) in two data calls, rules out the channels a customer cannot be contacted on
 * (each with a reason), ranks the rest by the strategy and sends on the first; the others ride
 * along as fallbacks that the outbox dispatcher tries in order if the delivery fails for good.
 */
import { startOfLocalDay } from '../../engine/sdk/index.ts'
import { addressKindOf, defaultUnsubscribeUrl, listUnsubscribeHeaders, UNSUBSCRIBE_SECRET, unsubscribeUrl } from '../../engine/sdk/index.ts'
import { UserError } from '../../engine/sdk/index.ts'
import type { ChannelFacts, ChannelStats } from '../../engine/sdk/index.ts'
import type { Channel, Customer } from '../../engine/sdk/index.ts'
import type { NodeContext, RoutedCustomer, SendIntent } from '../../engine/sdk/index.ts'
import { defineNode } from '../../engine/sdk/index.ts'
import { rank, skipReason, type EligibilityRules, type SkipReason } from './choose.ts'
import { configSchema, validateConfig, type Candidate, type ChooseChannelConfig } from './config.ts'
import { renderTemplate } from './templates.ts'
import { zhCN } from './locales.ts'

const DAY = 86_400_000

type Message = NonNullable<SendIntent['message']['fallback']>[number]

/** Renders a candidate's message for a customer. */
function messageFor(candidate: Candidate, customer: Customer, flowId: string, unsubscribe: Unsubscribe | undefined): Message {
  const view: Record<string, unknown> = { customer: { ...customer.attributes, id: customer.id, time_zone: customer.timeZone } }
  let headers: Record<string, string> | undefined
  if (candidate.channel === 'email' && unsubscribe) {
    const url = unsubscribeUrl(unsubscribe.url, unsubscribe.secret, { customerId: customer.id, channel: 'email', flowId })
    view.unsubscribe_url = url
    headers = listUnsubscribeHeaders(url)
  }
  const kind = addressKindOf(candidate.channel)
  const to = kind ? customer.addresses[kind] : undefined
  return {
    channel: candidate.channel,
    ...(to === undefined ? {} : { to }),
    ...(candidate.subject === undefined ? {} : { subject: renderTemplate(candidate.subject, candidate.channel, view) }),
    body: renderTemplate(candidate.body, candidate.channel, view),
    ...(headers ? { headers } : {}),
  }
}

/** Where e-mail unsubscribe links point and the secret that signs them. */
interface Unsubscribe {
  url: string
  secret: string
}

/**
 * The unsubscribe settings of a run: the node's URL or this server's endpoint, and the
 * `unsubscribe` secret of the project config, read through ctx (never the environment). A
 * missing one stops the node with what to configure, rather than sending mail without the link.
 */
function unsubscribeSettings(config: ChooseChannelConfig, ctx: NodeContext): Unsubscribe | undefined {
  if (!config.unsubscribe || !config.candidates.some((c) => c.channel === 'email')) return undefined
  const where = `choose-channel node "${ctx.node.id}"`
  const secret = ctx.secrets.get(UNSUBSCRIBE_SECRET)
  if (secret === undefined) {
    throw new UserError(
      'choose-channel.unsubscribe-secret',
      `${where}: the unsubscribe secret "${UNSUBSCRIBE_SECRET}" is not configured; declare it in sluice.config.ts as secrets: { ${UNSUBSCRIBE_SECRET}: { env: 'SLUICE_UNSUBSCRIBE_SECRET' } } and set that variable (16 characters or more)`,
    )
  }
  if (secret.length < 16) throw new UserError('choose-channel.unsubscribe-secret', `${where}: the unsubscribe secret "${UNSUBSCRIBE_SECRET}" must be at least 16 characters, got ${secret.length}`)
  const url = config.unsubscribe.url ?? (ctx.publicUrl === undefined ? undefined : defaultUnsubscribeUrl(ctx.publicUrl))
  if (url === undefined) {
    throw new UserError('choose-channel.unsubscribe-url', `${where}: unsubscribe has no url and the server's public URL is not known; set server.publicUrl in sluice.config.ts or config.unsubscribe.url`)
  }
  return { url, secret }
}

/** The stats of the member's segment, when segments were asked for and the member has one. */
function segmentStats(facts: ChannelFacts, key: number): { segment?: Partial<Record<Channel, ChannelStats>> } {
  const value = facts.segmentOf?.get(key)
  if (value === null || value === undefined) return {}
  return { segment: facts.bySegment?.get(value) ?? {} }
}

function describeSkips(skipped: Partial<Record<Channel, SkipReason>>): string {
  return Object.entries(skipped).map(([channel, reason]) => `${channel} ${reason}`).join(', ')
}

const SCORE_WORDS: Partial<Record<ChooseChannelConfig['strategy'], string>> = {
  bandit: 'sampled response rates (Thompson sampling, highest wins)',
  'best-response': 'response rates (highest wins)',
  cheapest: 'costs (lowest wins)',
}

/** The figures the strategy ranked the eligible channels by: `; sampled response rates …: email 0.4123, sms 0.2011`. */
function describeScores(strategy: ChooseChannelConfig['strategy'], scores: Partial<Record<Channel, number>> | undefined): string {
  if (!scores || Object.keys(scores).length === 0) return ''
  const figures = Object.entries(scores).map(([channel, score]) => `${channel} ${Number((score ?? 0).toPrecision(4))}`)
  return `; ${SCORE_WORDS[strategy] ?? 'scores'}: ${figures.join(', ')}`
}

export default defineNode({
  type: 'choose-channel',
  version: 2,
  // Version 2 signs unsubscribe links with the project's `unsubscribe` secret (ctx.secrets)
  // instead of an environment variable the node named, and defaults the URL to this server.
  migrate: {
    1: (old) => {
      const { unsubscribe, ...rest } = old as { unsubscribe?: { url?: unknown; secretEnv?: unknown } }
      if (!unsubscribe) return rest
      const { secretEnv: _secretEnv, ...kept } = unsubscribe
      return { ...rest, unsubscribe: kept }
    },
  },
  title: 'Choose channel and send',
  category: 'channel',
  icon: 'send',
  locales: { 'zh-CN': zhCN },
  description:
    'Sends each customer one message on the best eligible channel among the candidates (in order). A channel is eligible when the customer is reachable on it (e-mail address, phone for SMS and calls, push token, WeChat id), has consent, is not suppressed, is outside quiet hours in their own time zone, and the channel has capacity left today (given out in arrival order over everyone due at once; customers in the flow\'s holdout are routed the same way but use none of it, since they are never contacted). Strategies: priority, preferred channel, cheapest, best past response, or a Thompson-sampling bandit learning from response events. One output per candidate channel plus `none`; a delivery that fails for good falls back to the next eligible channel. Messages are Mustache templates, escaped; e-mail can carry a signed one-click unsubscribe link (RFC 8058).',
  config: configSchema,
  outputs: (config) => [...config.candidates.map((c) => c.channel), 'none'],
  // A daily capacity is shared by everyone due at once: given out over the whole cohort in one
  // order, who gets a channel does not depend on how the engine splits the cohort into batches.
  // It may come from the config or only from the global policy in force this tick.
  cohort: (config, settings) =>
    config.capacity !== undefined || (settings.contactPolicy?.capacity ?? []).some((cap) => config.candidates.some((c) => c.channel === cap.channel)) ? 'whole' : 'batches',
  validate: (config, flow) => validateConfig(config, flow.attributes),
  explain: (decision, config) => {
    const values = decision.values ?? {}
    const skipped = (values.skipped ?? {}) as Partial<Record<Channel, SkipReason>>
    const skips = Object.keys(skipped).length > 0 ? `; not ${describeSkips(skipped)}` : ''
    if (decision.output === 'none') return `no candidate channel could be used (${describeSkips(skipped)})`
    const fallback = Array.isArray(values.fallback) && values.fallback.length > 0 ? `, falling back to ${values.fallback.join(' then ')}` : ''
    const scores = describeScores(config.strategy, values.scores as Partial<Record<Channel, number>> | undefined)
    return `sent by ${decision.output}, chosen by the ${config.strategy} strategy${scores}${skips}${fallback}`
  },
  // A channel skipped for want of capacity bound the customer, whether another channel took them or none did.
  limits(detail) {
    const skipped = (detail.values?.skipped ?? {}) as Partial<Record<Channel, SkipReason>>
    return Object.entries(skipped)
      .filter(([, reason]) => reason === 'capacity')
      .map(([channel]) => ({ limit: `capacity:${channel}`, description: `the day's ${channel} capacity was used up` }))
  },
  async run({ config, customers, ctx }) {
    const now = ctx.now()
    const channels = config.candidates.map((c) => c.channel)
    // The global contact policy only tightens: its quiet hours add, the smaller capacity wins,
    // and a required opt-in on either side is required.
    const policy = ctx.contactPolicy
    const nodeQuiet = config.quietHours === undefined ? [] : Array.isArray(config.quietHours) ? config.quietHours : [config.quietHours]
    const rules: EligibilityRules = {
      consent: config.consent === 'granted' || policy?.consent === 'granted' ? 'granted' : 'not-revoked',
      quietHours: [...(policy?.quietHours ?? []), ...nodeQuiet],
    }
    const capacity = new Map<Channel, number>(Object.entries(config.capacity?.perDay ?? {}) as [Channel, number][])
    for (const { channel, perDay } of policy?.capacity ?? []) capacity.set(channel, Math.min(perDay, capacity.get(channel) ?? perDay))
    const capacityZone = config.capacity?.timeZone ?? policy?.capacityTimeZone ?? 'UTC'
    const [profiles, facts] = await Promise.all([
      ctx.data.customers(customers),
      ctx.data.channelFacts(customers, {
        channels,
        history: { from: now - config.responses.days * DAY, to: now },
        responses: config.responses.events,
        ...(capacity.size > 0 ? { capacityFrom: startOfLocalDay(now, capacityZone) } : {}),
        // Only the learning strategies read past response; the others skip its history scans.
        stats: config.strategy === 'best-response' || config.strategy === 'bandit',
        ...(config.responses.scope === 'segment' && config.responses.segmentBy ? { segmentBy: config.responses.segmentBy } : {}),
        ...(config.responses.conversion ? { conversion: { event: config.responses.conversion.event, withinMs: config.responses.conversion.withinDays * DAY } } : {}),
      }),
    ])
    const byId = new Map(profiles.map((p) => [p.id, p]))
    const unsubscribe = unsubscribeSettings(config, ctx)
    // Capacity left today, given out in arrival then key order: the order the engine pages due
    // customers in, so batches taken one after another hand it out as one whole cohort would.
    const left = new Map<Channel, number>()
    for (const [channel, cap] of capacity) left.set(channel, Math.max(0, cap - (facts.used[channel] ?? 0)))
    const inOrder = [...customers].sort((a, b) => a.enteredAt - b.enteredAt || a.key - b.key)

    const routes: Record<string, RoutedCustomer[]> = Object.fromEntries([...channels, 'none'].map((o) => [o, []]))
    const sends: SendIntent[] = []
    for (const member of inOrder) {
      const customer = byId.get(member.id)
      const own = facts.customers.get(member.key) ?? { consent: {}, suppressed: ['customer' as const], stats: {} }
      const skipped: Partial<Record<Channel, SkipReason>> = {}
      const eligible: Candidate[] = []
      for (const candidate of config.candidates) {
        const reason = customer ? skipReason(candidate, customer, own, rules, now) : 'unreachable'
        if (reason) skipped[candidate.channel] = reason
        else if (left.get(candidate.channel) === 0) skipped[candidate.channel] = 'capacity'
        else eligible.push(candidate)
      }
      if (!customer || eligible.length === 0) {
        routes.none!.push({ customer: member, reason: `no eligible channel: ${describeSkips(skipped)}`, values: { skipped } })
        continue
      }
      const { ranked, scores } = rank(eligible, {
        config, customer, facts: own, pooled: facts.pooled,
        ...segmentStats(facts, member.key),
        uniform: (channel) => (i) => ctx.random(member, `bandit:${channel}:${i}`),
      })
      const [chosen, ...rest] = ranked as [Candidate, ...Candidate[]]
      // A holdout customer is routed as a contacted one would be, but their send is held: it uses
      // no capacity (what the store counts as used is real sends only, so batches agree).
      const remaining = left.get(chosen.channel)
      if (remaining !== undefined && !member.holdout) left.set(chosen.channel, remaining - 1)
      const { channel: _c, ...first } = messageFor(chosen, customer, ctx.flow.id, unsubscribe)
      const fallback = rest.map((c) => messageFor(c, customer, ctx.flow.id, unsubscribe))
      sends.push({ customer: member, channel: chosen.channel, message: { ...first, ...(fallback.length > 0 ? { fallback } : {}) }, ...(chosen.offer ? { offer: chosen.offer } : {}) })
      const values = { strategy: config.strategy, skipped, fallback: rest.map((c) => c.channel), ...(scores ? { scores } : {}) }
      const why = Object.keys(skipped).length > 0 ? ` (not ${describeSkips(skipped)})` : ''
      routes[chosen.channel]!.push({ customer: member, reason: `${chosen.channel} by ${config.strategy}${why}`, values })
    }
    // One note per batch: how many went where and why channels were skipped, for the run report.
    const skips: Record<string, number> = {}
    for (const list of Object.values(routes)) {
      for (const item of list) for (const reason of Object.values((item.values?.skipped ?? {}) as Record<string, string>)) skips[reason] = (skips[reason] ?? 0) + 1
    }
    const sent = Object.fromEntries(channels.map((c) => [c, routes[c]!.length]).filter(([, n]) => n !== 0))
    const none = routes.none!.length
    const notes = [{ message: `sent ${sends.length} (${Object.entries(sent).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}), ${none} without a channel`, data: { sent, none, skipped: skips } }]
    return { routes, sends, notes }
  },
})
