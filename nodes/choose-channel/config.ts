/**
 * The choose-channel config schema and its cross-field checks. Kept apart from the node so the
 * choice logic and the tests can import the types without the declaration.
 */
import { z } from 'zod'
import { isValidTimeZone } from '../../engine/sdk/index.ts'
import { CHANNELS, type AttributeDef } from '../../engine/sdk/index.ts'
import type { NodeIssue } from '../../engine/sdk/index.ts'
import { closest } from '../../engine/sdk/index.ts'
import { checkTemplate, templateNames } from './templates.ts'

export const STRATEGIES = ['priority', 'preferred', 'cheapest', 'best-response', 'bandit'] as const

const CLOCK_TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/
const clockTime = z.string().regex(CLOCK_TIME, 'expected a time of day HH:MM, e.g. 21:00')
const channel = z.enum(CHANNELS)

const candidateSchema = z
  .strictObject({
    channel: channel.meta({ title: 'Channel' }),
    subject: z.string().max(998).optional().meta({ title: 'Subject', description: 'E-mail subject (a template).' }),
    body: z.string().min(1).max(100_000).meta({ title: 'Message', description: 'Mustache template; {{customer.first_name}} and the like are escaped.' }),
    cost: z.number().min(0).optional().meta({ title: 'Cost per message', description: 'Used by the cheapest strategy; missing counts as 0.' }),
    offer: z.string().min(1).max(200).optional().meta({ title: 'Offer id', description: 'Recorded in contact history ("not the same offer twice").' }),
  })
  .meta({ title: 'Candidate channel' })

const quietWindow = z
  .strictObject({
    from: clockTime.meta({ title: 'From', description: 'Local start, HH:MM.' }),
    to: clockTime.meta({ title: 'To', description: 'Local end, HH:MM (may be past midnight).' }),
    channels: z.array(channel).optional().meta({ title: 'Channels', description: 'Channels it applies to; all candidates when omitted.' }),
  })
  .meta({ title: 'Quiet window' })

/** A quiet-hours window: local times and the channels it covers (all when omitted). */
export type QuietWindow = z.output<typeof quietWindow>

export const configSchema = z
  .strictObject({
    candidates: z.array(candidateSchema).min(1).max(CHANNELS.length).meta({ title: 'Candidates', description: 'Channels in priority order, each with its message.' }),
    strategy: z.enum(STRATEGIES).default('priority').meta({
      title: 'Strategy',
      description: 'priority: first eligible; preferred: the customer\'s preferred channel if eligible; cheapest: lowest cost; best-response: highest past response rate; bandit: Thompson sampling over past responses.',
    }),
    consent: z.enum(['granted', 'not-revoked']).default('granted').meta({
      title: 'Consent required',
      description: 'granted: a granted statement is needed; not-revoked: anyone who has not revoked it.',
    }),
    responses: z
      .strictObject({
        events: z
          .array(z.strictObject({ event: z.string().min(1).max(128), channel }))
          .default([{ event: 'email_open', channel: 'email' }, { event: 'email_click', channel: 'email' }])
          .meta({ title: 'Response events', description: 'Event types that count as a response on a channel (opens, clicks, conversions).' }),
        days: z.number().int().min(1).max(730).default(90).meta({ title: 'Look-back days' }),
        scope: z.enum(['customer', 'segment', 'everyone']).default('customer').meta({
          title: 'Learn from',
          description:
            'customer: the customer\'s own history, shrunk towards everyone\'s rate; segment: rates over the customers sharing the customer\'s value of `segmentBy` (everyone\'s when the customer has none); everyone: rates over all customers.',
        }),
        conversion: z
          .strictObject({
            event: z.string().min(1).max(128).meta({ title: 'Conversion event', description: 'e.g. purchase' }),
            withinDays: z.number().int().min(1).max(90).default(7).meta({ title: 'Within days of the contact' }),
          })
          .optional()
          .meta({ title: 'Conversions', description: 'A contact followed by this event within the window counts as a response on its channel.' }),
        segmentBy: z.string().min(1).max(128).optional().meta({ title: 'Segment attribute', description: 'Attribute that groups customers into segments (e.g. region, tier); for scope segment.' }),
      })
      .default({ events: [{ event: 'email_open', channel: 'email' }, { event: 'email_click', channel: 'email' }], days: 90, scope: 'customer' })
      .meta({ title: 'Past response', description: 'For the best-response and bandit strategies.' }),
    quietHours: z
      .union([quietWindow, z.array(quietWindow).max(20)])
      .optional()
      .meta({
        title: 'Quiet hours',
        description: 'One window or a list (e.g. calls 20:00–09:00, SMS 21:00–08:00): in the customer\'s own time zone a channel is not used during them. The global contact policy\'s quiet hours apply too.',
      }),
    capacity: z
      .strictObject({
        perDay: z.partialRecord(channel, z.number().int().min(0)).meta({ title: 'Per day', description: 'Messages per day per channel across all campaigns, e.g. { "call": 200 }.' }),
        timeZone: z.string().default('UTC').meta({ title: 'Time zone of the capacity day' }),
      })
      .optional()
      .meta({ title: 'Capacity' }),
    unsubscribe: z
      .strictObject({
        url: z.url({ protocol: /^https?$/ }).optional().meta({
          title: 'Endpoint URL',
          description: 'The one-click unsubscribe endpoint; ?token= is added. Default: this server\'s /unsubscribe under its public URL (sluice.config.ts server.publicUrl).',
        }),
      })
      .optional()
      .meta({
        title: 'One-click unsubscribe',
        description: 'E-mail gets a signed link ({{unsubscribe_url}}) and RFC 8058 List-Unsubscribe headers, signed with the secret `unsubscribe` of sluice.config.ts `secrets`.',
      }),
  })
  .meta({ title: 'Choose channel' })

export type ChooseChannelConfig = z.output<typeof configSchema>
export type Candidate = ChooseChannelConfig['candidates'][number]

/** What a message template sees besides the customer's attributes (index.ts builds the view). */
const CUSTOMER_FIELDS = ['id', 'time_zone']

/**
 * Checks beyond the schema: unique channels, safe templates, a known capacity zone. With the
 * store's attribute catalogue, names the templates and `segmentBy` use are looked up in it.
 */
export function validateConfig(config: ChooseChannelConfig, attributes?: readonly AttributeDef[]): NodeIssue[] {
  const issues: NodeIssue[] = []
  const seen = new Set<string>()
  config.candidates.forEach((candidate, i) => {
    if (seen.has(candidate.channel)) issues.push({ code: 'choose-channel.duplicate-channel', path: `config.candidates[${i}].channel`, message: `channel "${candidate.channel}" is already a candidate` })
    seen.add(candidate.channel)
    for (const field of ['subject', 'body'] as const) {
      const text = candidate[field]
      if (text === undefined) continue
      for (const problem of checkTemplate(text)) issues.push({ code: 'choose-channel.template', path: `config.candidates[${i}].${field}`, message: problem.message })
      for (const message of unknownNames(text, config, attributes)) issues.push({ code: 'choose-channel.template-name', path: `config.candidates[${i}].${field}`, message, severity: 'warning' })
    }
  })
  if (config.capacity && !isValidTimeZone(config.capacity.timeZone)) {
    issues.push({ code: 'choose-channel.time-zone', path: 'config.capacity.timeZone', message: `unknown time zone "${config.capacity.timeZone}", expected an IANA name such as Europe/Paris` })
  }
  if (config.responses.scope === 'segment' && config.responses.segmentBy === undefined) {
    issues.push({ code: 'choose-channel.segment-by', path: 'config.responses.segmentBy', message: 'scope "segment" needs the attribute that defines the segments, e.g. "region"' })
  }
  const segmentBy = config.responses.segmentBy
  if (attributes && segmentBy !== undefined && !attributes.some((a) => a.name === segmentBy)) {
    const hint = closest(segmentBy, attributes.map((a) => a.name))
    issues.push({
      code: 'choose-channel.unknown-attribute', path: 'config.responses.segmentBy', severity: 'warning',
      message: `attribute "${segmentBy}" is not in the catalogue${hint ? ` (did you mean "${hint}"?)` : ''}; every customer would fall in one segment`,
    })
  }
  const windows = config.quietHours === undefined ? [] : Array.isArray(config.quietHours) ? config.quietHours : [config.quietHours]
  windows.forEach((window, i) => {
    if (window.from !== window.to) return
    const path = Array.isArray(config.quietHours) ? `config.quietHours[${i}].to` : 'config.quietHours.to'
    issues.push({ code: 'choose-channel.quiet-hours', path, message: 'quiet hours must not start and end at the same time' })
  })
  return issues
}

/**
 * Names a template asks for that the message will not have: they render empty. The view holds
 * `customer` (its attributes, `id`, `time_zone`) and, with `unsubscribe`, `unsubscribe_url`.
 * Judged only with the store's catalogue, like every attribute name of a flow, so what a
 * back-test warns about and what `validate --db` warns about are the same.
 */
function unknownNames(text: string, config: ChooseChannelConfig, attributes: readonly AttributeDef[] | undefined): string[] {
  if (!attributes) return []
  const known = [...CUSTOMER_FIELDS, ...attributes.map((a) => a.name)]
  const messages: string[] = []
  for (const { name, start } of templateNames(text)) {
    const at = `"{{${name}}}" at character ${start}`
    if (name === 'customer' || (name === 'unsubscribe_url' && config.unsubscribe)) continue
    if (name === 'unsubscribe_url') {
      messages.push(`${at} renders empty: the unsubscribe link is only made when "unsubscribe" is configured`)
      continue
    }
    const field = name.startsWith('customer.') ? name.slice('customer.'.length) : undefined
    const head = (field ?? name).split('.')[0] as string
    if (field !== undefined && known.includes(head)) continue
    const hint = closest(head, known)
    const mean = hint ? ` (did you mean "customer.${hint}"?)` : ''
    messages.push(field !== undefined
      ? `${at} renders empty: attribute "${head}" is not in the catalogue${mean}`
      : `${at} renders empty: the message has no "${name}"; customer values are "customer.<attribute>"${mean}`)
  }
  return messages
}
