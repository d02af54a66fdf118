/**
 * The node SDK: everything a node type is written with. Node code imports from here only.
 *
 * @example
 * ```ts
 * import { defineNode, z } from 'sluice/sdk'
 *
 * export default defineNode({
 *   type: 'coin-flip', version: 1, title: 'Coin flip', category: 'flow', icon: 'split',
 *   description: 'Sends each customer to heads or tails, the same way every time.',
 *   config: z.object({ salt: z.string().default('coin') }),
 *   outputs: ['heads', 'tails'],
 *   async run({ config, customers, ctx }) {
 *     const heads = customers.filter((c) => ctx.random(c, config.salt) < 0.5)
 *     const tails = customers.filter((c) => ctx.random(c, config.salt) >= 0.5)
 *     return { routes: { heads, tails } }
 *   },
 * })
 * ```
 */
// zod, the config-schema language, re-exported so node code outside Sluice needs no zod install
// of its own and always builds its schemas with the zod Sluice validates them with.
export { z } from 'zod'
export { defineNode, outputsOf } from './define-node.ts'
export type { AnyNodeDefinition, NodeDeclaration, NodeDefinition } from './define-node.ts'
export { createNodeContext } from './context.ts'
export type { Clock, NodeContextOptions } from './context.ts'
export { assertNodeResult, checkNodeResult, exitsOf, isRoutedCustomer } from './check-result.ts'
export type { Exit, ResultProblem } from './check-result.ts'
export { parseNodeConfig, validateNodeConfig } from './validate-config.ts'
export type { ConfigValidation } from './validate-config.ts'
/** "Did you mean …": the nearest known name to a mistyped one, for validation messages. */
export { closest } from './zod-issues.ts'
export { configJsonSchema } from './config-json-schema.ts'
export type { JsonSchema } from './config-json-schema.ts'
export type { FieldLocale, NodeLocale, NodeLocales } from './node-locales.ts'
export { NODE_CATEGORIES, NODE_ICONS } from './types.ts'
export type * from './types.ts'
export type { AudienceSpec, EntrySpec, PropertyMatch, TriggerEvent } from './entry-spec.ts'
export type { EventQuery, NodeDataPort } from '../ports/node-data.ts'
export { ConfigError, NodeDeclarationError, NodeRunError, UserError } from '../errors.ts'
export { DeterminismError } from './determinism-guard.ts'
export type { DeterminismGuardMode, GuardedNode } from './determinism-guard.ts'

// What node code builds on, re-exported so that node folders import the SDK and nothing else of
// the engine (eslint.config.js enforces it): the engine's folders may move, this surface stays.

/** Local time in an IANA time zone (quiet hours, send windows, capacity days). */
export { addLocalDays, isValidTimeZone, startOfLocalDay, zonedParts, zonedToEpoch, zoneOffset } from '../clock/zoned-time.ts'
export type { LocalDateTime, ZonedParts } from '../clock/zoned-time.ts'
/** Cron expressions in a time zone (schedule triggers). */
export { cronProblems } from '../scheduler/cron.ts'
/** The contact policy: caps, quiet hours, capacity, and how a node tightens the global one. */
export { CAP_PERIODS, capacitySchema, capSchema, contactPolicySchema, NO_CONTACT_POLICY, quietHoursSchema, tightenPolicy } from '../policy/contact-policy.ts'
export type { Cap, Capacity, CapPeriod, ContactPolicy, QuietHours } from '../policy/contact-policy.ts'
export type { ContactPolicyFacts, ContactPolicyQuery, PolicyContact } from '../ports/contact-policy-facts.ts'
/**
 * Segments: the condition language, its checks and descriptions, ISO times, RFM cells and the
 * tag an `rfm` condition reads (a constant of the segment format, which an RFM node writes).
 */
export { describeSegment, parseIsoTime, RFM_CELL_TAG, RFM_CELLS, segmentSchema, validateSegment } from '../segment/index.ts'
export type { IsoTime, RfmCell, Segment } from '../segment/index.ts'
/** Channels, addresses and one-click unsubscribe links. */
export { addressKindOf, defaultUnsubscribeUrl, listUnsubscribeHeaders, UNSUBSCRIBE_SECRET, unsubscribeUrl } from '../channels/unsubscribe.ts'
export type { UnsubscribePayload } from '../channels/unsubscribe.ts'
export type { ChannelFacts, ChannelFactsQuery, ChannelStats, CustomerChannelFacts } from '../ports/channel-facts.ts'
/** Store data as nodes see it (through ctx.data) and as their tests seed it. */
export { ADDRESS_KINDS, ATTRIBUTE_TYPES, CHANNELS, TAG_LAYERS } from '../ports/store.ts'
export type { AddressKind, AttributeDef, AttributeType, AttributeValue, Channel, Customer, CustomerInput, EventInput, StorePort, StoredEvent, Tag, TagLayer } from '../ports/store.ts'
