/**
 * A segment (engine/segment/schema.ts) as a react-querybuilder query and back, losslessly:
 * `toSegment(toQuery(s))` deep-equals `s` for every condition kind the schema has.
 *
 * Groups: `all` is an AND group, `any` an OR group, `not` of a group is that group with
 * `not: true`. The builder's root is always a group and `not` may wrap a single condition, so a
 * group marked `single` stands for its one child (a root that is a lone condition, or `not` of a
 * condition): the mark is honoured only while the group holds exactly one rule, so adding a
 * second rule to it makes it a real AND / OR group.
 *
 * Rules: `field` names the subject (`attribute:<name>` for a catalogue attribute, else the
 * condition kind: `tag`, `event`, `rfm`, `list`, `address`, `consent`, `preferred-channel`),
 * `operator` what the builder's operator menu chooses (the comparison, the event's measure, the
 * consent status), and `value` the rest of the condition, as the schema spells it, so every
 * field the builder has no editor for still survives the trip. `meta.implicit` remembers an
 * operator that the segment left to its default (a tag's `exists`, consent's `granted`).
 * When the operator changes, {@link normalizeQuery} reshapes the value to the fields the new
 * operator uses.
 */
import type { RuleGroupType, RuleType } from 'react-querybuilder'
import type {
  AggregateComparison,
  Comparison,
  EventAggregate,
  EventCondition,
  SegmentCondition,
  TagCondition,
} from '../../../engine/segment/schema.ts'

/** A group of the builder; `single` marks a group that stands for its only rule (see above). */
export interface SegmentGroup extends RuleGroupType<SegmentRule> {
  single?: true
}

export type SegmentRule = RuleType<string, string, Record<string, unknown>, string, { implicit?: true }>

/** The subjects that are not catalogue attributes: one field each. */
export const KIND_FIELDS = ['tag', 'event', 'rfm', 'list', 'address', 'consent', 'preferred-channel'] as const
export type KindField = (typeof KIND_FIELDS)[number]

export const ATTRIBUTE_PREFIX = 'attribute:'

/** What an event condition measures: at least one event, a count, a statistic of a property, or when the first / last happened. */
export const EVENT_MEASURES = ['any', 'count', 'sum', 'avg', 'min', 'max', 'first', 'last'] as const
export type EventMeasure = (typeof EVENT_MEASURES)[number]

/** The comparison fields each operator uses (mirrors the schema's FIELDS_BY_OP). */
const OPERANDS: Record<string, readonly (keyof Comparison<string>)[]> = {
  exists: [], 'is-empty': [], 'is-not-empty': [],
  eq: ['value', 'ignoreCase', 'compareAs'], neq: ['value', 'ignoreCase', 'compareAs'],
  lt: ['value', 'compareAs'], lte: ['value', 'compareAs'], gt: ['value', 'compareAs'], gte: ['value', 'compareAs'],
  between: ['from', 'to', 'compareAs'], in: ['values'], 'not-in': ['values'],
  contains: ['value', 'ignoreCase'], 'starts-with': ['value', 'ignoreCase'],
  'within-last': ['amount', 'unit'], 'older-than': ['amount', 'unit'], 'within-next': ['amount', 'unit'],
}
const COMPARISON_KEYS = ['op', 'value', 'values', 'from', 'to', 'amount', 'unit', 'ignoreCase', 'compareAs'] as const

function omit<T extends object, K extends string>(object: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...object } as Record<string, unknown>
  for (const key of keys) delete copy[key]
  return copy as Omit<T, K>
}

/** The segment as a builder query (root is always a group). */
export function toQuery(segment: SegmentCondition): SegmentGroup {
  if (segment.type === 'all' || segment.type === 'any') return groupOf(segment)
  if (segment.type === 'not') return notGroup(segment.condition)
  return { combinator: 'and', single: true, rules: [ruleOf(segment)] }
}

function groupOf(condition: Extract<SegmentCondition, { type: 'all' | 'any' }>): SegmentGroup {
  return { combinator: condition.type === 'all' ? 'and' : 'or', rules: condition.conditions.map(itemOf) }
}

function notGroup(inner: SegmentCondition): SegmentGroup {
  if (inner.type === 'all' || inner.type === 'any') return { ...groupOf(inner), not: true }
  return { combinator: 'and', not: true, single: true, rules: [itemOf(inner)] }
}

function itemOf(condition: SegmentCondition): SegmentGroup | SegmentRule {
  if (condition.type === 'all' || condition.type === 'any') return groupOf(condition)
  if (condition.type === 'not') return notGroup(condition.condition)
  return ruleOf(condition)
}

/** The event condition's measure, from which of aggregate / first / last it has. */
export function measureOf(condition: Partial<EventCondition>): EventMeasure {
  if (condition.first) return 'first'
  if (condition.last) return 'last'
  if (condition.aggregate) return condition.aggregate.of ?? 'count'
  return 'any'
}

function ruleOf(condition: Exclude<SegmentCondition, { type: 'all' | 'any' | 'not' }>): SegmentRule {
  switch (condition.type) {
    case 'attribute':
      return { field: ATTRIBUTE_PREFIX + condition.name, operator: condition.op, value: omit(condition, 'type', 'name', 'op') }
    case 'tag':
      return { field: 'tag', operator: condition.op ?? 'exists', value: omit(condition, 'type', 'op'), ...(condition.op === undefined ? { meta: { implicit: true } } : {}) }
    case 'event':
      return { field: 'event', operator: measureOf(condition), value: omit(condition, 'type') }
    case 'consent':
      return { field: 'consent', operator: condition.status ?? 'granted', value: omit(condition, 'type', 'status'), ...(condition.status === undefined ? { meta: { implicit: true } } : {}) }
    case 'rfm':
      return { field: 'rfm', operator: 'in', value: omit(condition, 'type') }
    case 'list':
      return { field: 'list', operator: 'member', value: omit(condition, 'type') }
    case 'address':
      return { field: 'address', operator: 'has', value: omit(condition, 'type') }
    case 'preferred-channel':
      return { field: 'preferred-channel', operator: 'in', value: omit(condition, 'type') }
    default: {
      const unknown: never = condition
      throw new Error(`segment condition of unknown type: ${JSON.stringify(unknown)}`)
    }
  }
}

/** The builder query as a segment. */
export function toSegment(query: SegmentGroup): SegmentCondition {
  return fromItem(query)
}

function fromItem(item: RuleGroupType<SegmentRule> | SegmentRule): SegmentCondition {
  if (!('rules' in item)) return fromRule(item)
  const conditions = item.rules.map(fromItem)
  const [only] = conditions
  const inner: SegmentCondition = (item as SegmentGroup).single && only && conditions.length === 1 ? only : { type: item.combinator === 'or' ? 'any' : 'all', conditions }
  return item.not ? { type: 'not', condition: inner } : inner
}

function fromRule(rule: SegmentRule): SegmentCondition {
  const value = reshapeValue(rule)
  const kind = kindOf(rule.field)
  if (kind === 'attribute') return { type: 'attribute', name: rule.field.slice(ATTRIBUTE_PREFIX.length), op: rule.operator, ...value } as SegmentCondition
  if (kind === 'tag') {
    const op = rule.meta?.implicit && rule.operator === 'exists' ? {} : { op: rule.operator }
    return { type: 'tag', ...op, ...value } as TagCondition
  }
  if (kind === 'consent') {
    const status = rule.meta?.implicit && rule.operator === 'granted' ? {} : { status: rule.operator }
    return { type: 'consent', ...value, ...status } as SegmentCondition
  }
  return { type: kind, ...value } as SegmentCondition
}

/** `attribute` for `attribute:<name>` fields, else the field's condition kind. */
export function kindOf(field: string): 'attribute' | KindField {
  if (field.startsWith(ATTRIBUTE_PREFIX)) return 'attribute'
  if ((KIND_FIELDS as readonly string[]).includes(field)) return field as KindField
  throw new Error(`segment builder: unknown field "${field}" (expected ${ATTRIBUTE_PREFIX}<name> or one of ${KIND_FIELDS.join(', ')})`)
}

/**
 * The rule's value with the fields its operator uses: unchanged when they already agree (so an
 * untouched rule round-trips as it came), reshaped after the operator changed.
 */
export function reshapeValue(rule: SegmentRule): Record<string, unknown> {
  const value = rule.value ?? {}
  const kind = kindOf(rule.field)
  if (kind === 'attribute' || kind === 'tag') return reshapeComparison(value, rule.operator)
  if (kind === 'event') return reshapeEvent(value as Partial<EventCondition>, rule.operator as EventMeasure)
  return value
}

/** Keeps the comparison fields the operator uses (carrying over what fits), defaults the rest. */
export function reshapeComparison(value: Record<string, unknown>, op: string): Record<string, unknown> {
  const used = OPERANDS[op] ?? []
  const present = COMPARISON_KEYS.filter((key) => key !== 'op' && value[key] !== undefined)
  if (present.every((key) => used.includes(key)) && used.filter((k) => k !== 'ignoreCase' && k !== 'compareAs').every((key) => value[key] !== undefined)) return value
  const rest = omit(value, ...COMPARISON_KEYS)
  const previous = (value.value ?? value.from ?? (Array.isArray(value.values) ? value.values[0] : undefined)) as Comparison['value']
  const next: Record<string, unknown> = { ...rest }
  if (used.includes('value')) next.value = previous ?? ''
  if (used.includes('from')) {
    next.from = value.from ?? previous ?? ''
    next.to = value.to ?? previous ?? ''
  }
  if (used.includes('values')) next.values = Array.isArray(value.values) ? value.values : previous === undefined || previous === '' ? [] : [previous]
  if (used.includes('amount')) {
    next.amount = typeof value.amount === 'number' ? value.amount : 30
    next.unit = value.unit ?? 'days'
  }
  for (const key of ['ignoreCase', 'compareAs'] as const) if (used.includes(key) && value[key] !== undefined) next[key] = value[key]
  return next
}

function reshapeEvent(value: Partial<EventCondition>, measure: EventMeasure): Record<string, unknown> {
  if (measureOf(value) === measure) return value
  const rest = omit(value, 'aggregate', 'first', 'last')
  if (measure === 'any') return rest
  if (measure === 'first' || measure === 'last') {
    const previous = value.first ?? value.last
    return { ...rest, [measure]: previous ?? { op: 'within-last', amount: 30, unit: 'days' } }
  }
  const previous = value.aggregate
  const aggregate: AggregateComparison = measure === 'count'
    ? { op: previous?.op ?? 'gte', ...(previous?.op === 'between' ? { from: previous.from ?? 1, to: previous.to ?? 1 } : { value: numberOr(previous?.value, 1) }) }
    : { of: measure as Exclude<EventAggregate, 'count'>, property: previous?.property ?? '', op: previous?.op ?? 'gte', ...(previous?.op === 'between' ? { from: previous.from ?? 0, to: previous.to ?? 0 } : { value: numberOr(previous?.value, 0) }) }
  return { ...rest, aggregate }
}

const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback)

/**
 * The query with every rule's value reshaped to its operator, ids and paths kept (so the
 * builder does not remount the rule being edited). Returns the same object when nothing changed.
 */
export function normalizeQuery(query: SegmentGroup): SegmentGroup {
  let changed = false
  const rules = query.rules.map((item) => {
    const next = 'rules' in item ? normalizeQuery(item) : normalizeRule(item)
    if (next !== item) changed = true
    return next
  })
  return changed ? { ...query, rules } : query
}

function normalizeRule(rule: SegmentRule): SegmentRule {
  const value = reshapeValue(rule)
  return value === rule.value ? rule : { ...rule, value }
}
