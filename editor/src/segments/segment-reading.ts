/**
 * A segment in plain language, in the editor's language: "Customers whose tenure is at least 12
 * and who have not done purchase in the last 90 days." / "tenure 至少为 12 且最近 90 天内没有
 * purchase 事件的客户。" Every condition kind has a positive and a negated wording, so `not`
 * over a condition reads naturally; `not` over a group reads "who are not among those …".
 * The templates live in messages.ts (`segment.read.*`).
 */
import type { Comparison, EventCondition, PropertyCondition, Scalar, SegmentCondition } from '../../../engine/segment/schema.ts'
import type { Duration } from '../../../engine/segment/durations.ts'

/** The translate function (i18next's `t`), given keys under `segment.`. */
export type Translate = (key: string, options?: Record<string, unknown>) => string

/** The whole segment as one sentence. */
export function readSegment(segment: SegmentCondition, t: Translate): string {
  if (segment.type === 'all' && segment.conditions.length === 0) return t('segment.read.everyone')
  if (segment.type === 'any' && segment.conditions.length === 0) return t('segment.read.nobody')
  return t('segment.read.root', { clauses: clauses(segment, t, false) })
}

function clauses(condition: SegmentCondition, t: Translate, negated: boolean): string {
  switch (condition.type) {
    case 'all':
    case 'any': {
      const joined = condition.conditions.map((c) => nested(c, condition.type, t)).join(t(`segment.read.${condition.type === 'all' ? 'and' : 'or'}`))
      const text = condition.conditions.length === 0 ? t(condition.type === 'all' ? 'segment.read.everyone' : 'segment.read.nobody') : joined
      return negated ? t('segment.read.notGroup', { clauses: text }) : text
    }
    case 'not':
      return clauses(condition.condition, t, !negated)
    case 'attribute':
      return t('segment.read.attribute', { name: condition.name, predicate: predicate(condition, t, negated) })
    case 'tag': {
      const setWithin = condition.setWithin ? t('segment.read.setWithin', { duration: duration(condition.setWithin, t) }) : ''
      if (condition.op === undefined || condition.op === 'exists') return t(negated ? 'segment.read.tagMissing' : 'segment.read.tagExists', { name: condition.name, setWithin })
      return t('segment.read.tag', { name: condition.name, predicate: predicate(condition as Partial<Comparison<string>>, t, negated), setWithin })
    }
    case 'event':
      return eventClause(condition, t, negated)
    case 'rfm':
      return t(negated ? 'segment.read.rfmNot' : 'segment.read.rfm', { cells: condition.cells.map((c) => t(`segment.cells.${c}`)).join(t('segment.read.choice')) })
    case 'list':
      return t(negated ? 'segment.read.listNot' : 'segment.read.list', { list: condition.list })
    case 'address':
      return t(negated ? 'segment.read.addressNot' : 'segment.read.address', { kind: t(`segment.addresses.${condition.kind}`) })
    case 'consent': {
      const status = condition.status ?? 'granted'
      const key = `segment.read.consent${status[0]!.toUpperCase()}${status.slice(1)}${negated ? 'Not' : ''}`
      return t(key, { channel: t(`segment.channels.${condition.channel}`) })
    }
    case 'preferred-channel':
      return t(negated ? 'segment.read.preferredNot' : 'segment.read.preferred', { channels: condition.channels.map((c) => t(`segment.channels.${c}`)).join(t('segment.read.choice')) })
    default: {
      const unknown: never = condition
      return JSON.stringify(unknown)
    }
  }
}

/** A nested group whose connective differs from its parent's goes in parentheses. */
function nested(condition: SegmentCondition, parent: 'all' | 'any', t: Translate): string {
  const text = clauses(condition, t, false)
  const differs = (condition.type === 'all' || condition.type === 'any') && condition.type !== parent && condition.conditions.length > 1
  return differs ? t('segment.read.group', { clauses: text }) : text
}

function eventClause(condition: EventCondition, t: Translate, negated: boolean): string {
  const where = condition.where && condition.where.length > 0
    ? t('segment.read.where', { conditions: condition.where.map((w: PropertyCondition) => `${w.property} ${predicate(w, t, false)}`).join(t('segment.read.whereJoin')) })
    : ''
  const window = [
    condition.within ? t('segment.read.withinLast', { duration: duration(condition.within, t) }) : '',
    condition.since ? t('segment.read.since', { date: condition.since }) : '',
    condition.until ? t('segment.read.until', { date: condition.until }) : '',
  ].join('')
  const base = { event: condition.event, where, window }
  if (condition.first || condition.last) {
    const measure = (condition.first ?? condition.last) as Partial<Comparison<string>>
    return t(condition.first ? 'segment.read.eventFirst' : 'segment.read.eventLast', { ...base, predicate: predicate(measure, t, negated) })
  }
  const aggregate = condition.aggregate
  if (!aggregate) return t(negated ? 'segment.read.eventNone' : 'segment.read.eventAny', base)
  const of = aggregate.of ?? 'count'
  if (of !== 'count') return t('segment.read.eventStat', { ...base, stat: t(`segment.read.stats.${of}`), property: aggregate.property ?? '', predicate: predicate(aggregate, t, negated) })
  // "no purchase events" is what a count of 0 means: read it as the event not happening.
  if (aggregate.op === 'eq' && aggregate.value === 0) return t(negated ? 'segment.read.eventAny' : 'segment.read.eventNone', base)
  const times = t(`segment.read.times.${aggregate.op}`, { value: aggregate.value, from: aggregate.from, to: aggregate.to })
  return t(negated ? 'segment.read.eventCountNot' : 'segment.read.eventCount', { ...base, times })
}

function predicate(c: Partial<Comparison<string>>, t: Translate, negated: boolean): string {
  const op = c.op ?? 'eq'
  return t(`segment.read.${negated ? 'notOp' : 'op'}.${op}`, {
    value: show(c.value, t),
    from: show(c.from, t),
    to: show(c.to, t),
    values: (c.values ?? []).map((v) => show(v, t)).join(t('segment.read.list_join')),
    duration: c.amount !== undefined && c.unit !== undefined ? duration({ amount: c.amount, unit: c.unit }, t) : t('segment.read.blank'),
  })
}

function show(value: Scalar | undefined, t: Translate): string {
  if (value === undefined || value === '') return t('segment.read.blank')
  if (typeof value === 'boolean') return t(value ? 'segment.read.yes' : 'segment.read.no')
  if (typeof value === 'number') return String(value)
  // Dates read as they are; other text is quoted so "is Gold" cannot be misread.
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value : t('segment.read.quote', { text: value })
}

function duration(d: Duration, t: Translate): string {
  return t('segment.read.duration', { count: d.amount, unit: t(`segment.read.unit.${d.unit}`, { count: d.amount }) })
}
