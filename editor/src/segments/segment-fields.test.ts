import { describe, expect, it } from 'vitest'
import { attributeNames, builderFields, defaultValue, type SegmentField } from './segment-fields.ts'
import { toSegment } from './segment-query.ts'

const t = (key: string) => key
const attributes = [
  { name: 'tenure', type: 'number' as const, source: 'declared' as const },
  { name: 'plan', type: 'enum' as const, values: ['basic', 'premium'], source: 'declared' as const },
  { name: 'senior', type: 'boolean' as const, source: 'inferred' as const },
]

describe('builder fields', () => {
  const [other, attrs] = builderFields(attributes, ['tenure', 'legacy_code'], t) as unknown as [{ options: SegmentField[] }, { options: SegmentField[] }]
  const field = (name: string) => [...other.options, ...attrs.options].find((f) => f.name === name) as SegmentField
  const ops = (name: string) => (field(name).operators as { name: string }[]).map((o) => o.name)

  it('gives each catalogue attribute the operators of its type, and the enum its values', () => {
    expect(ops('attribute:tenure')).toContain('between')
    expect(ops('attribute:tenure')).not.toContain('contains')
    expect(ops('attribute:senior')).toEqual(['eq', 'neq', 'is-empty', 'is-not-empty'])
    expect(field('attribute:plan')).toMatchObject({ attributeType: 'enum', enumValues: ['basic', 'premium'] })
  })

  it('keeps an attribute the segment names but the catalogue lacks, with every operator', () => {
    expect(field('attribute:legacy_code')).toMatchObject({ attributeType: 'unknown' })
    expect(ops('attribute:legacy_code')).toContain('within-next')
    expect(attrs.options.filter((f) => f.name === 'attribute:tenure')).toHaveLength(1)
  })

  it('offers every other kind, the event by its measures and consent by its status', () => {
    expect(other.options.map((f) => f.name)).toEqual(['tag', 'event', 'rfm', 'list', 'address', 'consent', 'preferred-channel'])
    expect(ops('event')).toEqual(['any', 'count', 'sum', 'avg', 'min', 'max', 'first', 'last'])
    expect(ops('consent')).toEqual(['granted', 'revoked', 'none'])
    expect(ops('tag')[0]).toBe('exists')
  })

  it('starts new rules blank where a person must type, and as valid segments where a choice is made', () => {
    const lone = (fieldName: string, operator: string) => toSegment({ combinator: 'and', single: true, rules: [{ field: fieldName, operator, value: defaultValue({ field: fieldName, operator }) }] })
    expect(lone('attribute:tenure', 'gte')).toEqual({ type: 'attribute', name: 'tenure', op: 'gte', value: '' })
    expect(lone('attribute:tenure', 'within-last')).toEqual({ type: 'attribute', name: 'tenure', op: 'within-last', amount: 30, unit: 'days' })
    expect(lone('event', 'any')).toEqual({ type: 'event', event: '', within: { amount: 30, unit: 'days' } })
    expect(lone('address', 'has')).toEqual({ type: 'address', kind: 'email' })
    expect(lone('consent', 'granted')).toEqual({ type: 'consent', channel: 'email', status: 'granted' })
  })

  it('lists the attribute names a segment compares, at any depth', () => {
    expect(attributeNames({ type: 'all', conditions: [{ type: 'attribute', name: 'a', op: 'is-empty' }, { type: 'not', condition: { type: 'any', conditions: [{ type: 'attribute', name: 'b', op: 'is-empty' }, { type: 'list', list: 'x' }] } }] })).toEqual(['a', 'b'])
  })
})
