/**
 * The segment format: a condition tree (`all` / `any` / `not`) over attributes, tags,
 * behaviour (events), RFM cells, static lists, addresses, consent and preferred channel, as a
 * zod 4 schema. Browser-safe (no node:*, no drivers): the editor's segment builder, the
 * filter-segment node's config, the API and `sluice segment count` all read segments through
 * it. The SQL compiler lives in store/segment; docs/segments.md documents every operator.
 *
 * Every condition is an object discriminated on `type`, so a wrong field gets a precise path
 * (`segment.conditions[2].value`) and the JSON Schema is a plain `oneOf`.
 */
import { z } from 'zod'
import { ADDRESS_KINDS, CHANNELS, type AddressKind, type Channel } from '../ports/store.ts'
import { TIME_UNITS, type Duration, type TimeUnit } from './durations.ts'
import { parseIsoTime } from './iso-time.ts'

/** Comparison operators on a value (attribute, tag value, event property). */
export const VALUE_OPS = [
  'eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not-in', 'contains', 'starts-with',
  'is-empty', 'is-not-empty', 'within-last', 'older-than', 'within-next',
] as const
export type ValueOp = (typeof VALUE_OPS)[number]

/** Operators that compare against a number or a date (event counts, sums, first/last occurrence). */
export const ORDER_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between'] as const
/** Operators that take a time relative to `now`. */
export const RELATIVE_OPS = ['within-last', 'older-than', 'within-next'] as const
/** Operators on the time of the first or last occurrence of an event. */
export const OCCURRENCE_OPS = ['eq', 'lt', 'lte', 'gt', 'gte', 'between', 'within-last', 'older-than'] as const

/** Tag operators: the value operators plus `exists` (has the tag, whatever its value). */
export const TAG_OPS = ['exists', ...VALUE_OPS] as const
export type TagOp = (typeof TAG_OPS)[number]

/** Aggregates of behaviour conditions: how many events, or a statistic of a numeric property. */
export const EVENT_AGGREGATES = ['count', 'sum', 'avg', 'min', 'max'] as const
export type EventAggregate = (typeof EVENT_AGGREGATES)[number]

/**
 * The named RFM cells. The score node writes one of these (the ids, not the titles) to the
 * customer's tag {@link RFM_CELL_TAG}; an `rfm` condition matches customers in the given cells.
 */
export const RFM_CELLS = [
  'champions', 'loyal', 'potential-loyalists', 'new-customers', 'promising', 'need-attention',
  'about-to-sleep', 'at-risk', 'cant-lose-them', 'hibernating', 'lost',
] as const
export type RfmCell = (typeof RFM_CELLS)[number]
/**
 * The tag holding a customer's RFM cell: a constant of the segment format, not a node's choice.
 * A saved segment's `rfm` condition must mean the same with any set of node types loaded (the
 * store compiles it without a registry; the tag may come from an import or an outside RFM job),
 * so the format names the tag and the score node writes it through the SDK (RFM_CELL_TAG);
 * test/declared-tags.test.ts checks that a built-in node declares writing it with every cell.
 */
export const RFM_CELL_TAG = 'rfm_cell'

/** Consent states a condition can ask for; `none` means no statement was ever recorded. */
export const CONSENT_STATES = ['granted', 'revoked', 'none'] as const
export type ConsentState = (typeof CONSENT_STATES)[number]

/** Static list names: lower-case slugs (they appear in URLs and file names). */
export const LIST_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/

/** Limits that keep one segment one reasonable query. */
export const SEGMENT_LIMITS = { depth: 8, conditions: 200, listValues: 1000 } as const

export type Scalar = string | number | boolean

/** The comparison part shared by attribute, tag and property conditions. Which fields apply depends on `op`. */
export interface Comparison<Op extends string = ValueOp> {
  op: Op
  /** eq, neq, lt, lte, gt, gte, contains, starts-with. */
  value?: Scalar
  /** in, not-in. */
  values?: Scalar[]
  /** between (both ends inclusive). */
  from?: Scalar
  to?: Scalar
  /** within-last, older-than, within-next: a time relative to `now`. */
  amount?: number
  unit?: TimeUnit
  /** eq, neq, contains, starts-with: compare ASCII letters without regard to case. */
  ignoreCase?: boolean
  /** Compare ISO-looking strings as `text` rather than as dates (the default for them), or insist on `date`. */
  compareAs?: 'text' | 'date'
}

export interface AttributeCondition extends Comparison {
  type: 'attribute'
  /** Attribute name, as in the catalogue. */
  name: string
}

export interface TagCondition extends Partial<Comparison<TagOp>> {
  type: 'tag'
  name: string
  /** Only a tag set (or last updated) within this time before `now`. */
  setWithin?: Duration
}

/** A condition on one property of an event, inside an event condition's `where`. */
export interface PropertyCondition extends Comparison {
  property: string
}

/** A numeric comparison on an aggregate of events (a count, or a statistic of a property). */
export interface AggregateComparison extends Comparison<(typeof ORDER_OPS)[number]> {
  /** Which aggregate; default `count`. */
  of?: EventAggregate
  /** For sum / avg / min / max: the numeric event property. */
  property?: string
}

/** A comparison on the time of the first or last occurrence. */
export type OccurrenceComparison = Comparison<(typeof OCCURRENCE_OPS)[number]>

export interface EventCondition {
  type: 'event'
  /** Event type, e.g. `purchase`. */
  event: string
  /** Every property condition must hold for an event to count. */
  where?: PropertyCondition[]
  /** Only events in this time before `now`. */
  within?: Duration
  /** Only events at or after this ISO date or instant. */
  since?: string
  /** Only events at or before this ISO date (the whole day) or instant. */
  until?: string
  /** How many / how much; default: at least one event. */
  aggregate?: AggregateComparison
  /** When the first matching event happened. */
  first?: OccurrenceComparison
  /** When the last matching event happened. */
  last?: OccurrenceComparison
}

export interface RfmCondition {
  type: 'rfm'
  cells: RfmCell[]
}

export interface ListCondition {
  type: 'list'
  /** Name of a static list. */
  list: string
}

export interface AddressCondition {
  type: 'address'
  kind: AddressKind
}

export interface ConsentCondition {
  type: 'consent'
  channel: Channel
  /** Default `granted`. */
  status?: ConsentState
}

export interface PreferredChannelCondition {
  type: 'preferred-channel'
  channels: Channel[]
}

export interface AllCondition {
  type: 'all'
  conditions: SegmentCondition[]
}

export interface AnyCondition {
  type: 'any'
  conditions: SegmentCondition[]
}

export interface NotCondition {
  type: 'not'
  condition: SegmentCondition
}

/** One node of a segment's condition tree. */
export type SegmentCondition =
  | AllCondition
  | AnyCondition
  | NotCondition
  | AttributeCondition
  | TagCondition
  | EventCondition
  | RfmCondition
  | ListCondition
  | AddressCondition
  | ConsentCondition
  | PreferredChannelCondition

/** A segment is its root condition. */
export type Segment = SegmentCondition

// Control characters in a name are always a mistake (and unreadable in messages).
const NAME = z
  .string()
  .min(1)
  .max(128)
  .refine((name) => ![...name].some((char) => char.charCodeAt(0) < 32 || char.charCodeAt(0) === 127), 'expected a name without control characters')
const scalar = z.union([z.string().max(1000), z.number(), z.boolean()])
const isoTime = z.string().refine((text) => parseIsoTime(text) !== undefined, 'expected an ISO 8601 date such as 2024-05-01 or an instant such as 2024-05-01T10:00:00Z')

export const durationSchema = z
  .strictObject({
    amount: z.number().int().min(1).max(100_000).meta({ title: 'Amount' }),
    unit: z.enum(TIME_UNITS).meta({ title: 'Unit' }),
  })
  .meta({ title: 'Duration', description: 'A time before (or after) the evaluation time, e.g. 30 days.' })

/** The comparison fields, for a given set of operators. */
function comparisonFields<const Ops extends readonly [string, ...string[]]>(ops: Ops) {
  return {
    op: z.enum(ops).meta({ title: 'Operator' }),
    value: scalar.optional().meta({ title: 'Value' }),
    values: z.array(scalar).min(1).max(SEGMENT_LIMITS.listValues).optional().meta({ title: 'Values' }),
    from: scalar.optional().meta({ title: 'From (inclusive)' }),
    to: scalar.optional().meta({ title: 'To (inclusive)' }),
    amount: z.number().int().min(1).max(100_000).optional().meta({ title: 'Amount' }),
    unit: z.enum(TIME_UNITS).optional().meta({ title: 'Unit' }),
    ignoreCase: z.boolean().optional().meta({ title: 'Ignore case (ASCII letters)' }),
    compareAs: z.enum(['text', 'date']).optional().meta({ title: 'Compare as' }),
  }
}

/** What a comparison compares, decided from its operator and values (the compiler and validation agree on it). */
export type ComparisonKind = 'number' | 'text' | 'boolean' | 'date' | 'empty' | 'list' | 'text-match' | 'exists'

type Refine = z.core.$RefinementCtx<unknown>

function issue(ctx: Refine, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message })
}

function scalarKind(value: Scalar, compareAs: Comparison['compareAs']): 'number' | 'text' | 'boolean' | 'date' {
  if (typeof value === 'number') return 'number'
  if (typeof value === 'boolean') return 'boolean'
  if (compareAs === 'text') return 'text'
  if (compareAs === 'date') return 'date'
  return parseIsoTime(value) ? 'date' : 'text'
}

/** The kind of a comparison (assumes it passed validation). */
export function comparisonKind(c: Partial<Comparison<string>>): ComparisonKind {
  switch (c.op) {
    case undefined:
    case 'exists':
      return 'exists'
    case 'is-empty':
    case 'is-not-empty':
      return 'empty'
    case 'in':
    case 'not-in':
      return 'list'
    case 'contains':
    case 'starts-with':
      return 'text-match'
    case 'within-last':
    case 'older-than':
    case 'within-next':
      return 'date'
    case 'between':
      return scalarKind(c.from ?? '', c.compareAs)
    default:
      return scalarKind(c.value ?? '', c.compareAs)
  }
}

const FIELDS_BY_OP: Record<string, readonly (keyof Comparison<string>)[]> = {
  exists: [],
  eq: ['value', 'ignoreCase', 'compareAs'],
  neq: ['value', 'ignoreCase', 'compareAs'],
  lt: ['value', 'compareAs'],
  lte: ['value', 'compareAs'],
  gt: ['value', 'compareAs'],
  gte: ['value', 'compareAs'],
  between: ['from', 'to', 'compareAs'],
  in: ['values'],
  'not-in': ['values'],
  contains: ['value', 'ignoreCase'],
  'starts-with': ['value', 'ignoreCase'],
  'is-empty': [],
  'is-not-empty': [],
  'within-last': ['amount', 'unit'],
  'older-than': ['amount', 'unit'],
  'within-next': ['amount', 'unit'],
}
const COMPARISON_KEYS = ['value', 'values', 'from', 'to', 'amount', 'unit', 'ignoreCase', 'compareAs'] as const

/**
 * Checks that a comparison has exactly the fields its operator uses, with values of one
 * comparable type. `only` restricts the kinds allowed (numbers for counts, dates for occurrences).
 */
function checkComparison(c: Partial<Comparison<string>>, ctx: Refine, only?: 'number' | 'date'): void {
  const op = c.op ?? 'exists'
  const used = FIELDS_BY_OP[op] ?? []
  for (const key of COMPARISON_KEYS) {
    if (c[key] !== undefined && !used.includes(key)) issue(ctx, [key], `not used by operator "${op}"`)
  }
  const required = used.filter((key) => key !== 'ignoreCase' && key !== 'compareAs')
  for (const key of required) if (c[key] === undefined) issue(ctx, [key], `required by operator "${op}"`)

  const check = (key: 'value' | 'from' | 'to', value: Scalar | undefined) => {
    if (value === undefined) return undefined
    const kind = scalarKind(value, c.compareAs)
    if (c.compareAs === 'date' && typeof value === 'string' && !parseIsoTime(value)) {
      issue(ctx, [key], `expected an ISO 8601 date such as 2024-05-01 (compareAs is "date"), got ${JSON.stringify(value)}`)
    } else if (c.compareAs !== undefined && typeof value !== 'string') {
      issue(ctx, ['compareAs'], `compareAs applies to string values only, got ${typeof value}`)
    } else if (only === 'number' && kind !== 'number') {
      issue(ctx, [key], `expected a number, got ${JSON.stringify(value)}`)
    } else if (only === 'date' && kind !== 'date') {
      issue(ctx, [key], `expected an ISO 8601 date such as 2024-05-01, got ${JSON.stringify(value)}`)
    } else if (kind === 'boolean' && op !== 'eq' && op !== 'neq') {
      issue(ctx, [key], `operator "${op}" does not apply to true/false; use eq or neq`)
    } else if ((op === 'contains' || op === 'starts-with') && typeof value !== 'string') {
      issue(ctx, [key], `operator "${op}" expects text, got ${JSON.stringify(value)}`)
    }
    return kind
  }
  check('value', c.value)
  const fromKind = check('from', c.from)
  const toKind = check('to', c.to)
  if (fromKind && toKind && fromKind !== toKind) issue(ctx, ['to'], `"from" is a ${fromKind} but "to" is a ${toKind}: both ends must be of one kind`)
  if (fromKind === toKind && c.from !== undefined && c.to !== undefined && !rangeIsOrdered(c.from, c.to, fromKind)) {
    issue(ctx, ['to'], `"to" (${JSON.stringify(c.to)}) is before "from" (${JSON.stringify(c.from)})`)
  }
  if (c.ignoreCase && c.value !== undefined && typeof c.value !== 'string') issue(ctx, ['ignoreCase'], 'ignoreCase applies to text values only')
}

function rangeIsOrdered(from: Scalar, to: Scalar, kind: string | undefined): boolean {
  if (kind === 'date') return (parseIsoTime(String(from))?.ms ?? 0) <= (parseIsoTime(String(to))?.ms ?? 0)
  if (typeof from === 'number' && typeof to === 'number') return from <= to
  if (typeof from === 'string' && typeof to === 'string') return from <= to
  return true
}

// Object schemas with getters recurse lazily; the casts pin the recursive type once, here.
export const attributeConditionSchema = z
  .strictObject({
    type: z.literal('attribute'),
    name: NAME.meta({ title: 'Attribute' }),
    ...comparisonFields(VALUE_OPS),
  })
  .superRefine((c, ctx) => checkComparison(c, ctx))
  .meta({ title: 'Attribute', description: 'Compares a customer attribute. A missing attribute never matches a comparison; is-empty matches missing, null and "".' })

export const tagConditionSchema = z
  .strictObject({
    type: z.literal('tag'),
    name: NAME.meta({ title: 'Tag' }),
    ...comparisonFields(TAG_OPS),
    op: z.enum(TAG_OPS).optional().meta({ title: 'Operator', description: 'Default `exists`: the customer has the tag.' }),
    setWithin: durationSchema.optional().meta({ title: 'Set within', description: 'Only a tag set within this time before now.' }),
  })
  .superRefine((c, ctx) => {
    checkComparison(c, ctx)
    if (c.setWithin && c.op === 'is-empty') issue(ctx, ['setWithin'], 'setWithin cannot be combined with is-empty (a missing tag has no time)')
  })
  .meta({ title: 'Tag', description: 'Has a tag, or compares its value (scores written by the score node are numeric predictive tags).' })

export const propertyConditionSchema = z
  .strictObject({ property: NAME.meta({ title: 'Property' }), ...comparisonFields(VALUE_OPS) })
  .superRefine((c, ctx) => checkComparison(c, ctx))
  .meta({ title: 'Property condition' })

export const aggregateComparisonSchema = z
  .strictObject({
    of: z.enum(EVENT_AGGREGATES).optional().meta({ title: 'Aggregate', description: 'count (default), or sum / avg / min / max of a numeric property.' }),
    property: NAME.optional().meta({ title: 'Property' }),
    ...comparisonFields(ORDER_OPS),
  })
  .superRefine((c, ctx) => {
    checkComparison(c, ctx, 'number')
    const of = c.of ?? 'count'
    if (of === 'count' && c.property !== undefined) issue(ctx, ['property'], 'not used when counting events (set "of" to sum, avg, min or max)')
    if (of !== 'count' && c.property === undefined) issue(ctx, ['property'], `required: the numeric event property to ${of}`)
  })
  .meta({ title: 'How many / how much' })

export const occurrenceComparisonSchema = z
  .strictObject(comparisonFields(OCCURRENCE_OPS))
  .superRefine((c, ctx) => checkComparison(c, ctx, 'date'))
  .meta({ title: 'Occurrence time' })

export const eventConditionSchema = z
  .strictObject({
    type: z.literal('event'),
    event: NAME.meta({ title: 'Event type' }),
    where: z.array(propertyConditionSchema).max(20).optional().meta({ title: 'Where' }),
    within: durationSchema.optional().meta({ title: 'Within the last' }),
    since: isoTime.optional().meta({ title: 'Since (inclusive)' }),
    until: isoTime.optional().meta({ title: 'Until (inclusive)' }),
    aggregate: aggregateComparisonSchema.optional(),
    first: occurrenceComparisonSchema.optional().meta({ title: 'First occurrence' }),
    last: occurrenceComparisonSchema.optional().meta({ title: 'Last occurrence' }),
  })
  .superRefine((c, ctx) => {
    const measures = (['aggregate', 'first', 'last'] as const).filter((key) => c[key] !== undefined)
    if (measures.length > 1) issue(ctx, [measures[1] as string], `use one of aggregate, first or last per condition, got ${measures.join(' and ')}`)
    if (c.since && c.until && (parseIsoTime(c.since)?.ms ?? 0) > (parseIsoTime(c.until)?.ms ?? 0)) issue(ctx, ['until'], `"until" is before "since"`)
  })
  .meta({ title: 'Behaviour', description: 'Events the customer did: at least one (default), a count or sum, or when the first / last one happened.' })

export const rfmConditionSchema = z
  .strictObject({ type: z.literal('rfm'), cells: z.array(z.enum(RFM_CELLS)).min(1).meta({ title: 'Cells' }) })
  .meta({ title: 'RFM cell', description: `The customer's RFM cell (tag "${RFM_CELL_TAG}", written by the score node) is one of these.` })

export const listConditionSchema = z
  .strictObject({ type: z.literal('list'), list: z.string().regex(LIST_NAME_PATTERN, 'expected a list name: lower-case letters, digits, "-" or "_"').meta({ title: 'List' }) })
  .meta({ title: 'Static list', description: 'Member of an uploaded static list.' })

export const addressConditionSchema = z
  .strictObject({ type: z.literal('address'), kind: z.enum(ADDRESS_KINDS).meta({ title: 'Address kind' }) })
  .meta({ title: 'Has an address', description: 'Reachable: has an address of this kind (e-mail, phone, push token, WeChat id).' })

export const consentConditionSchema = z
  .strictObject({
    type: z.literal('consent'),
    channel: z.enum(CHANNELS).meta({ title: 'Channel' }),
    status: z.enum(CONSENT_STATES).optional().meta({ title: 'Status', description: 'Default granted; none = never stated.' }),
  })
  .meta({ title: 'Consent', description: 'The latest consent statement for a channel.' })

export const preferredChannelConditionSchema = z
  .strictObject({ type: z.literal('preferred-channel'), channels: z.array(z.enum(CHANNELS)).min(1).meta({ title: 'Channels' }) })
  .meta({ title: 'Preferred channel', description: 'The customer stated one of these channels as preferred.' })

export const allConditionSchema = z
  .strictObject({
    type: z.literal('all'),
    get conditions(): z.ZodArray<z.ZodType<SegmentCondition>> {
      return z.array(segmentSchema).meta({ title: 'Conditions', description: 'Every one must hold (an empty list matches everyone).' })
    },
  })
  .meta({ id: 'AllCondition', title: 'All of' })

export const anyConditionSchema = z
  .strictObject({
    type: z.literal('any'),
    get conditions(): z.ZodArray<z.ZodType<SegmentCondition>> {
      return z.array(segmentSchema).meta({ title: 'Conditions', description: 'At least one must hold (an empty list matches no one).' })
    },
  })
  .meta({ id: 'AnyCondition', title: 'Any of' })

export const notConditionSchema = z
  .strictObject({
    type: z.literal('not'),
    get condition(): z.ZodType<SegmentCondition> {
      return segmentSchema
    },
  })
  .meta({ id: 'NotCondition', title: 'Not' })

/** The object schema of each condition type, in menu order. */
export const CONDITION_SCHEMAS = [
  allConditionSchema,
  anyConditionSchema,
  notConditionSchema,
  attributeConditionSchema,
  tagConditionSchema,
  eventConditionSchema,
  rfmConditionSchema,
  listConditionSchema,
  addressConditionSchema,
  consentConditionSchema,
  preferredChannelConditionSchema,
] as const

/** The JSON Schema key that tells the editor which config fields are segments. */
export const EDITOR_WIDGET_KEY = 'x-sluice-widget'

/**
 * The segment (condition tree) schema. Its JSON Schema carries `x-sluice-widget: 'segment'`,
 * so the editor puts its segment builder on every config field that is a segment, of any node
 * type, built-in or custom.
 */
export const segmentSchema: z.ZodType<SegmentCondition> = z
  .discriminatedUnion('type', CONDITION_SCHEMAS)
  .meta({ id: 'SegmentCondition', title: 'Segment condition', [EDITOR_WIDGET_KEY]: 'segment' }) as unknown as z.ZodType<SegmentCondition>

/** Every condition `type`, in the editor's menu order. */
export const CONDITION_TYPES = [
  'all', 'any', 'not', 'attribute', 'tag', 'event', 'rfm', 'list', 'address', 'consent', 'preferred-channel',
] as const satisfies readonly SegmentCondition['type'][]
