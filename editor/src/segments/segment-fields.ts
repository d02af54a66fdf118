/**
 * The builder's fields and operators: one field per catalogue attribute (its type decides the
 * operators and the value editor), one per other condition kind, and the default value of a
 * new rule. Attributes a segment names that the catalogue lacks still get a field (of unknown
 * type, every operator), so opening such a segment shows it as it is.
 */
import type { Field, OptionGroup } from 'react-querybuilder'
import { CONSENT_STATES, TAG_OPS, VALUE_OPS, type SegmentCondition } from '../../../engine/segment/schema.ts'
import type { AttributeDef } from '../../../engine/ports/store.ts'
import { ATTRIBUTE_PREFIX, EVENT_MEASURES, KIND_FIELDS, kindOf, reshapeComparison, type KindField, type SegmentRule } from './segment-query.ts'
import type { Translate } from './segment-reading.ts'

/** `unknown`: named by the segment but not in the catalogue. */
export type AttributeKind = AttributeDef['type'] | 'unknown'

/** Operators offered per attribute type, in menu order. */
export const ATTRIBUTE_OPERATORS: Record<AttributeKind, readonly string[]> = {
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not-in', 'is-empty', 'is-not-empty'],
  string: ['eq', 'neq', 'contains', 'starts-with', 'in', 'not-in', 'lt', 'lte', 'gt', 'gte', 'between', 'is-empty', 'is-not-empty'],
  boolean: ['eq', 'neq', 'is-empty', 'is-not-empty'],
  date: ['within-last', 'older-than', 'within-next', 'eq', 'lt', 'lte', 'gt', 'gte', 'between', 'is-empty', 'is-not-empty'],
  enum: ['eq', 'neq', 'in', 'not-in', 'is-empty', 'is-not-empty'],
  unknown: VALUE_OPS,
}

const KIND_OPERATORS: Record<KindField, readonly string[]> = {
  tag: TAG_OPS,
  event: EVENT_MEASURES,
  rfm: ['in'],
  list: ['member'],
  address: ['has'],
  consent: CONSENT_STATES,
  'preferred-channel': ['in'],
}

/** What the value editor needs to know about a field. */
export interface SegmentField extends Field {
  kind: 'attribute' | KindField
  attributeType?: AttributeKind
  enumValues?: string[]
}

/** Names of the attributes a segment compares (to give fields to those the catalogue lacks). */
export function attributeNames(segment: SegmentCondition | undefined): string[] {
  if (!segment) return []
  if (segment.type === 'all' || segment.type === 'any') return segment.conditions.flatMap(attributeNames)
  if (segment.type === 'not') return attributeNames(segment.condition)
  return segment.type === 'attribute' ? [segment.name] : []
}

function operatorsOf(ops: readonly string[], labelKey: string, t: Translate) {
  return ops.map((name) => ({ name, value: name, label: t(`${labelKey}.${name}`) }))
}

export function builderFields(attributes: readonly AttributeDef[], used: readonly string[], t: Translate): OptionGroup<SegmentField>[] {
  const known = new Set(attributes.map((a) => a.name))
  const attributeFields: SegmentField[] = [
    ...attributes.map((a): SegmentField => ({
      name: ATTRIBUTE_PREFIX + a.name, value: ATTRIBUTE_PREFIX + a.name, label: a.name, kind: 'attribute', attributeType: a.type,
      ...(a.values ? { enumValues: a.values } : {}),
      operators: operatorsOf(ATTRIBUTE_OPERATORS[a.type], 'segment.ops', t),
    })),
    ...[...new Set(used)].filter((name) => !known.has(name)).map((name): SegmentField => ({
      name: ATTRIBUTE_PREFIX + name, value: ATTRIBUTE_PREFIX + name, label: name, kind: 'attribute', attributeType: 'unknown',
      operators: operatorsOf(ATTRIBUTE_OPERATORS.unknown, 'segment.ops', t),
    })),
  ]
  const kindFields = KIND_FIELDS.map((kind): SegmentField => ({
    name: kind, value: kind, label: t(`segment.kinds.${kind}`), kind,
    operators: operatorsOf(KIND_OPERATORS[kind], kind === 'event' ? 'segment.measures' : 'segment.ops', t),
  }))
  return [
    { label: t('segment.builder.other'), options: kindFields },
    ...(attributeFields.length > 0 ? [{ label: t('segment.builder.attributes'), options: attributeFields }] : []),
  ]
}

/** The value of a new rule (or of a rule whose field just changed). */
export function defaultValue(rule: Pick<SegmentRule, 'field' | 'operator'>): Record<string, unknown> {
  switch (kindOf(rule.field)) {
    case 'attribute':
      return reshapeComparison({}, rule.operator)
    case 'tag':
      return reshapeComparison({ name: '' }, rule.operator)
    case 'event':
      return { event: '', within: { amount: 30, unit: 'days' } }
    case 'rfm':
      return { cells: [] }
    case 'list':
      return { list: '' }
    case 'address':
      return { kind: 'email' }
    case 'consent':
      return { channel: 'email' }
    case 'preferred-channel':
      return { channels: ['email'] }
  }
}
