import { describe, expect, it } from 'vitest'
import { CONDITION_TYPES, segmentSchema, type SegmentCondition } from '../../../engine/segment/schema.ts'
import { normalizeQuery, toQuery, toSegment, type SegmentGroup, type SegmentRule } from './segment-query.ts'

/** One or more conditions of every kind and operator shape the schema has. */
const LEAVES: SegmentCondition[] = [
  { type: 'attribute', name: 'tenure', op: 'gte', value: 12 },
  { type: 'attribute', name: 'plan', op: 'eq', value: 'Gold', ignoreCase: true },
  { type: 'attribute', name: 'signup', op: 'between', from: '2024-01-01', to: '2024-06-30' },
  { type: 'attribute', name: 'code', op: 'lt', value: '2024-01-01', compareAs: 'text' },
  { type: 'attribute', name: 'tier', op: 'not-in', values: ['bronze', 'basic'] },
  { type: 'attribute', name: 'city', op: 'starts-with', value: 'Par' },
  { type: 'attribute', name: 'email', op: 'is-empty' },
  { type: 'attribute', name: 'renewal', op: 'within-next', amount: 2, unit: 'weeks' },
  { type: 'attribute', name: 'senior', op: 'eq', value: true },
  { type: 'tag', name: 'vip' },
  { type: 'tag', name: 'vip', op: 'exists', setWithin: { amount: 7, unit: 'days' } },
  { type: 'tag', name: 'churn_probability', op: 'gt', value: 0.7 },
  { type: 'tag', name: 'segment', op: 'in', values: ['a', 'b'] },
  { type: 'event', event: 'purchase' },
  { type: 'event', event: 'purchase', within: { amount: 90, unit: 'days' }, aggregate: { op: 'gte', value: 3 }, where: [{ property: 'amount', op: 'gt', value: 100 }] },
  { type: 'event', event: 'purchase', aggregate: { of: 'count', op: 'eq', value: 0 } },
  { type: 'event', event: 'purchase', since: '2024-01-01', until: '2024-12-31', aggregate: { of: 'sum', property: 'amount', op: 'between', from: 10, to: 500 } },
  { type: 'event', event: 'login', first: { op: 'older-than', amount: 1, unit: 'months' } },
  { type: 'event', event: 'login', last: { op: 'lt', value: '2024-03-01' } },
  { type: 'rfm', cells: ['champions', 'at-risk'] },
  { type: 'list', list: 'vip-2025' },
  { type: 'address', kind: 'wechat' },
  { type: 'consent', channel: 'email' },
  { type: 'consent', channel: 'sms', status: 'revoked' },
  { type: 'consent', channel: 'push', status: 'granted' },
  { type: 'preferred-channel', channels: ['email', 'sms'] },
]

const GROUPS: SegmentCondition[] = [
  { type: 'all', conditions: [] },
  { type: 'any', conditions: [] },
  { type: 'all', conditions: LEAVES },
  { type: 'any', conditions: [LEAVES[0]!, { type: 'all', conditions: [LEAVES[1]!, LEAVES[2]!] }] },
  { type: 'not', condition: LEAVES[13]! },
  { type: 'not', condition: { type: 'all', conditions: [LEAVES[0]!] } },
  { type: 'not', condition: { type: 'any', conditions: [LEAVES[3]!, LEAVES[4]!] } },
  { type: 'not', condition: { type: 'not', condition: LEAVES[20]! } },
  { type: 'all', conditions: [{ type: 'not', condition: LEAVES[14]! }, { type: 'not', condition: { type: 'all', conditions: [] } }, { type: 'any', conditions: [LEAVES[9]!] }] },
]

describe('segment ↔ query builder', () => {
  it('covers every condition type of the schema, and every fixture is a valid segment', () => {
    const types = new Set<string>()
    const walk = (c: SegmentCondition): void => {
      types.add(c.type)
      if (c.type === 'all' || c.type === 'any') c.conditions.forEach(walk)
      if (c.type === 'not') walk(c.condition)
    }
    ;[...LEAVES, ...GROUPS].forEach(walk)
    expect([...types].sort()).toEqual([...CONDITION_TYPES].sort())
    for (const segment of [...LEAVES, ...GROUPS]) expect(segmentSchema.safeParse(segment).success, JSON.stringify(segment)).toBe(true)
  })

  it.each([...LEAVES, ...GROUPS].map((segment) => [JSON.stringify(segment).slice(0, 90), segment] as const))('round-trips %s', (_, segment) => {
    const query = toQuery(segment)
    expect(toSegment(query)).toEqual(segment)
    // Normalising an untouched query changes nothing (the builder runs it after every edit).
    expect(normalizeQuery(query)).toBe(query)
  })

  it('maps groups to AND / OR / NOT and a lone root condition to a single-rule group', () => {
    expect(toQuery({ type: 'any', conditions: [LEAVES[0]!] })).toEqual({ combinator: 'or', rules: [{ field: 'attribute:tenure', operator: 'gte', value: { value: 12 } }] })
    expect(toQuery({ type: 'not', condition: { type: 'all', conditions: [LEAVES[0]!] } })).toMatchObject({ combinator: 'and', not: true, rules: [{ field: 'attribute:tenure' }] })
    expect(toQuery(LEAVES[0]!)).toMatchObject({ combinator: 'and', single: true, rules: [{ field: 'attribute:tenure' }] })
    expect(toQuery({ type: 'not', condition: LEAVES[13]! })).toMatchObject({ not: true, single: true, rules: [{ field: 'event', operator: 'any', value: { event: 'purchase' } }] })
  })

  it('turns a single-rule group into a real group once a second rule is added', () => {
    const query = toQuery(LEAVES[0]!)
    const added: SegmentGroup = { ...query, rules: [...query.rules, { field: 'list', operator: 'member', value: { list: 'vip' } }] }
    expect(toSegment(added)).toEqual({ type: 'all', conditions: [LEAVES[0], { type: 'list', list: 'vip' }] })
    expect(toSegment({ ...added, combinator: 'or' })).toEqual({ type: 'any', conditions: [LEAVES[0], { type: 'list', list: 'vip' }] })
  })

  it('reads the rules the builder makes (ids and paths aside)', () => {
    const query: SegmentGroup = {
      id: 'root', combinator: 'and', rules: [
        { id: 'r1', path: [0], field: 'attribute:tenure', operator: 'lt', value: { value: 6 } },
        { id: 'g1', path: [1], combinator: 'or', not: true, rules: [{ id: 'r2', field: 'event', operator: 'count', value: { event: 'purchase', within: { amount: 30, unit: 'days' }, aggregate: { op: 'gte', value: 2 } } }] },
      ],
    }
    expect(toSegment(query)).toEqual({
      type: 'all', conditions: [
        { type: 'attribute', name: 'tenure', op: 'lt', value: 6 },
        { type: 'not', condition: { type: 'any', conditions: [{ type: 'event', event: 'purchase', within: { amount: 30, unit: 'days' }, aggregate: { op: 'gte', value: 2 } }] } },
      ],
    })
  })

  it('reshapes the value when the operator changes, carrying over what fits', () => {
    const rule = (field: string, operator: string, value: Record<string, unknown>, meta?: SegmentRule['meta']): SegmentGroup => ({ combinator: 'and', single: true, rules: [{ field, operator, value, ...(meta ? { meta } : {}) }] })
    expect(toSegment(rule('attribute:tenure', 'between', { value: 12 }))).toEqual({ type: 'attribute', name: 'tenure', op: 'between', from: 12, to: 12 })
    expect(toSegment(rule('attribute:tier', 'in', { value: 'gold', ignoreCase: true }))).toEqual({ type: 'attribute', name: 'tier', op: 'in', values: ['gold'] })
    expect(toSegment(rule('attribute:tier', 'is-empty', { values: ['gold'] }))).toEqual({ type: 'attribute', name: 'tier', op: 'is-empty' })
    expect(toSegment(rule('attribute:signup', 'within-last', { value: '2024-01-01' }))).toEqual({ type: 'attribute', name: 'signup', op: 'within-last', amount: 30, unit: 'days' })
    expect(toSegment(rule('tag', 'gte', { name: 'score' }, { implicit: true }))).toEqual({ type: 'tag', name: 'score', op: 'gte', value: '' })
    expect(toSegment(rule('tag', 'exists', { name: 'vip', op: 'gt', value: 1 } as Record<string, unknown>, { implicit: true }))).toEqual({ type: 'tag', name: 'vip' })
    expect(toSegment(rule('consent', 'none', { channel: 'email' }, { implicit: true }))).toEqual({ type: 'consent', channel: 'email', status: 'none' })
    // Event measures: at least one ↔ a count ↔ a statistic ↔ first / last, the rest of the condition kept.
    const purchase = { event: 'purchase', within: { amount: 90, unit: 'days' } }
    expect(toSegment(rule('event', 'count', purchase))).toEqual({ type: 'event', ...purchase, aggregate: { op: 'gte', value: 1 } })
    expect(toSegment(rule('event', 'sum', { ...purchase, aggregate: { op: 'gt', value: 3 } }))).toEqual({ type: 'event', ...purchase, aggregate: { of: 'sum', property: '', op: 'gt', value: 3 } })
    expect(toSegment(rule('event', 'last', { ...purchase, aggregate: { op: 'gt', value: 3 } }))).toEqual({ type: 'event', ...purchase, last: { op: 'within-last', amount: 30, unit: 'days' } })
    expect(toSegment(rule('event', 'any', { ...purchase, first: { op: 'lt', value: '2024-01-01' } }))).toEqual({ type: 'event', ...purchase })
  })

  it('keeps rule ids through normalisation and names an unknown field', () => {
    const query: SegmentGroup = { id: 'root', combinator: 'and', rules: [{ id: 'r1', field: 'attribute:tenure', operator: 'between', value: { value: 3 } }] }
    const normal = normalizeQuery(query)
    expect(normal).not.toBe(query)
    expect(normal.rules[0]).toEqual({ id: 'r1', field: 'attribute:tenure', operator: 'between', value: { from: 3, to: 3 } })
    expect(() => toSegment({ combinator: 'and', rules: [{ field: 'colour', operator: 'eq', value: {} }] })).toThrow(/unknown field "colour"/)
  })
})
