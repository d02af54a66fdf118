/**
 * Segments in words, for people: `tenure ≥ 12 and at least 3 purchase events (amount > 100)
 * in the last 90 days`. Used by node explanations, the CLI and the editor's summary line.
 */
import type { AddressKind } from '../ports/store.ts'
import { describeDuration } from './durations.ts'
import type { AggregateComparison, Comparison, EventCondition, Scalar, SegmentCondition } from './schema.ts'

const ADDRESS_WORDS: Record<AddressKind, string> = { email: 'an e-mail address', phone: 'a phone number', push: 'a push token', wechat: 'a WeChat id' }
const SYMBOLS: Record<string, string> = { eq: '=', neq: '≠', lt: '<', lte: '≤', gt: '>', gte: '≥' }

function show(value: Scalar | undefined): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

/** A comparison on `subject` in words. */
export function describeComparison(subject: string, c: Partial<Comparison<string>>): string {
  const duration = c.amount !== undefined && c.unit !== undefined ? describeDuration({ amount: c.amount, unit: c.unit }) : ''
  const caseNote = c.ignoreCase ? ' (any case)' : ''
  switch (c.op) {
    case undefined:
    case 'exists':
      return `has ${subject}`
    case 'between':
      return `${subject} between ${show(c.from)} and ${show(c.to)}`
    case 'in':
      return `${subject} in ${(c.values ?? []).map(show).join(', ')}`
    case 'not-in':
      return `${subject} not in ${(c.values ?? []).map(show).join(', ')}`
    case 'contains':
      return `${subject} contains ${show(c.value)}${caseNote}`
    case 'starts-with':
      return `${subject} starts with ${show(c.value)}${caseNote}`
    case 'is-empty':
      return `${subject} is empty`
    case 'is-not-empty':
      return `${subject} is not empty`
    case 'within-last':
      return `${subject} within the last ${duration}`
    case 'older-than':
      return `${subject} more than ${duration} ago`
    case 'within-next':
      return `${subject} within the next ${duration}`
    default:
      return `${subject} ${SYMBOLS[c.op] ?? c.op} ${show(c.value)}${caseNote}`
  }
}

function describeAggregate(condition: EventCondition, measure: AggregateComparison): string {
  const events = `${condition.event} events`
  const of = measure.of ?? 'count'
  if (of === 'count') {
    const n = (value: Scalar | undefined) => String(value)
    switch (measure.op) {
      case 'gte':
        return `at least ${n(measure.value)} ${events}`
      case 'gt':
        return `more than ${n(measure.value)} ${events}`
      case 'lte':
        return `at most ${n(measure.value)} ${events}`
      case 'lt':
        return `fewer than ${n(measure.value)} ${events}`
      case 'eq':
        return Number(measure.value) === 0 ? `no ${events}` : `exactly ${n(measure.value)} ${events}`
      case 'neq':
        return `a number of ${events} other than ${n(measure.value)}`
      case 'between':
        return `${n(measure.from)} to ${n(measure.to)} ${events}`
    }
  }
  return describeComparison(`${of} of ${measure.property} over ${events}`, measure)
}

function describeEvent(condition: EventCondition): string {
  let text: string
  if (condition.first) text = describeComparison(`first ${condition.event}`, condition.first)
  else if (condition.last) text = describeComparison(`last ${condition.event}`, condition.last)
  else if (condition.aggregate) text = describeAggregate(condition, condition.aggregate)
  else text = `did ${condition.event}`
  if (condition.where && condition.where.length > 0) text += ` (${condition.where.map((w) => describeComparison(w.property, w)).join(', ')})`
  if (condition.within) text += ` in the last ${describeDuration(condition.within)}`
  if (condition.since) text += ` since ${condition.since}`
  if (condition.until) text += ` until ${condition.until}`
  return text
}

/** The segment in one line of words. */
export function describeSegment(condition: SegmentCondition): string {
  switch (condition.type) {
    case 'all':
      return condition.conditions.length === 0 ? 'everyone' : condition.conditions.map((c) => group(c, 'any')).join(' and ')
    case 'any':
      return condition.conditions.length === 0 ? 'no one' : condition.conditions.map((c) => group(c, 'all')).join(' or ')
    case 'not':
      return `not (${describeSegment(condition.condition)})`
    case 'attribute':
      return describeComparison(condition.name, condition)
    case 'tag': {
      const text = describeComparison(`tag ${condition.name}`, condition)
      return condition.setWithin ? `${text} (set within ${describeDuration(condition.setWithin)})` : text
    }
    case 'event':
      return describeEvent(condition)
    case 'rfm':
      return `RFM cell ${condition.cells.join(' or ')}`
    case 'list':
      return `on list ${condition.list}`
    case 'address':
      return `has ${ADDRESS_WORDS[condition.kind]}`
    case 'consent': {
      const status = condition.status ?? 'granted'
      return status === 'none' ? `no ${condition.channel} consent statement` : `${condition.channel} consent ${status}`
    }
    case 'preferred-channel':
      return `prefers ${condition.channels.join(' or ')}`
    default: {
      const unknown: never = condition
      return JSON.stringify(unknown)
    }
  }
}

/** Parenthesises a nested group whose connective differs from the parent's. */
function group(condition: SegmentCondition, other: 'all' | 'any'): string {
  const text = describeSegment(condition)
  return condition.type === other && condition.conditions.length > 1 ? `(${text})` : text
}
