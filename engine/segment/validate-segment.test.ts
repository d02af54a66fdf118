import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ValidationError } from '../errors.ts'
import type { AttributeDef } from '../ports/store.ts'
import { describeSegment } from './describe-segment.ts'
import { segmentSchema, SEGMENT_LIMITS } from './schema.ts'
import { parseSegment, validateSegment } from './validate-segment.ts'

const catalogue: AttributeDef[] = [
  { name: 'tenure', type: 'number', source: 'declared' },
  { name: 'city', type: 'string', source: 'inferred' },
  { name: 'churn', type: 'boolean', source: 'declared' },
  { name: 'signup_date', type: 'date', source: 'declared' },
  { name: 'contract', type: 'enum', values: ['Month-to-month', 'One year', 'Two year'], source: 'declared' },
]

const all = (...conditions: unknown[]) => ({ type: 'all', conditions })
const attr = (name: string, op: string, more: Record<string, unknown> = {}) => ({ type: 'attribute', name, op, ...more })
const problems = (segment: unknown) => validateSegment(segment, { attributes: catalogue }).issues.map((i) => `${i.severity} ${i.path}: ${i.message}`)

describe('segment shape', () => {
  it.each([
    [attr('tenure', 'gte'), 'error segment.value: required by operator "gte"'],
    [attr('tenure', 'between', { from: 1 }), 'error segment.to: required by operator "between"'],
    [attr('tenure', 'between', { from: 9, to: 1 }), 'error segment.to: "to" (1) is before "from" (9)'],
    [attr('tenure', 'between', { from: 1, to: 'x' }), 'error segment.to: "from" is a number but "to" is a text: both ends must be of one kind'],
    [attr('tenure', 'is-empty', { value: 3 }), 'error segment.value: not used by operator "is-empty"'],
    [attr('tenure', 'in', { values: [] }), 'error segment.values: expected at least 1 item(s), got 0'],
    [attr('vip', 'gt', { value: true }), 'error segment.value: operator "gt" does not apply to true/false; use eq or neq'],
    [attr('city', 'contains', { value: 3 }), 'error segment.value: operator "contains" expects text, got 3'],
    [attr('d', 'gte', { value: 'soon', compareAs: 'date' }), 'error segment.value: expected an ISO 8601 date such as 2024-05-01 (compareAs is "date"), got "soon"'],
    [attr('d', 'within-last', { amount: 3 }), 'error segment.unit: required by operator "within-last"'],
    [attr('', 'eq', { value: 1 }), 'error segment.name: expected at least 1 character(s), got ""'],
    [attr('a\u0007', 'eq', { value: 1 }), 'error segment.name: expected a name without control characters'],
    [{ type: 'event', event: 'purchase', aggregate: { of: 'sum', op: 'gte', value: 1 } }, 'error segment.aggregate.property: required: the numeric event property to sum'],
    [{ type: 'event', event: 'purchase', aggregate: { op: 'gte', value: '3' } }, 'error segment.aggregate.value: expected a number, got "3"'],
    [{ type: 'event', event: 'purchase', last: { op: 'gt', value: 5 } }, 'error segment.last.value: expected an ISO 8601 date such as 2024-05-01, got 5'],
    [{ type: 'event', event: 'purchase', first: { op: 'lt', value: '2024-01-01' }, last: { op: 'lt', value: '2024-01-01' } }, 'error segment.last: use one of aggregate, first or last per condition, got first and last'],
    [{ type: 'event', event: 'x', since: '2024-02-30' }, 'error segment.since: expected an ISO 8601 date such as 2024-05-01 or an instant such as 2024-05-01T10:00:00Z'],
    [{ type: 'rfm', cells: ['champs'] }, 'error segment.cells[0]: expected one of "champions", "loyal", "potential-loyalists", "new-customers", "promising", "need-attention", "about-to-sleep", "at-risk", "cant-lose-them", "hibernating", "lost", got "champs"'],
    [{ type: 'list', list: 'VIP list' }, 'error segment.list: expected a list name: lower-case letters, digits, "-" or "_", got "VIP list"'],
    [{ type: 'tag', name: 'x', op: 'is-empty', setWithin: { amount: 1, unit: 'days' } }, 'error segment.setWithin: setWithin cannot be combined with is-empty (a missing tag has no time)'],
    [all({ type: 'not', condition: { type: 'segment' } }), 'error segment.conditions[0].condition.type: expected type to be one of "all", "any", "not", "attribute", "tag", "event", "rfm", "list", "address", "consent", "preferred-channel"'],
    [all(attr('tenure', 'gte', { value: 1, valu: 2 })), 'error segment.conditions[0].valu: unknown field "valu" (did you mean "value"?)'],
  ])('%j', (segment, expected) => {
    expect(problems(segment)).toContain(expected)
  })

  it('accepts every kind of condition', () => {
    const segment = all(
      attr('tenure', 'gte', { value: 12 }),
      { type: 'any', conditions: [{ type: 'tag', name: 'churn_probability', op: 'gt', value: 0.7 }, { type: 'rfm', cells: ['at-risk'] }] },
      { type: 'not', condition: { type: 'event', event: 'login', within: { amount: 30, unit: 'days' } } },
      { type: 'event', event: 'purchase', where: [{ property: 'amount', op: 'gt', value: 100 }], within: { amount: 90, unit: 'days' }, aggregate: { op: 'gte', value: 3 } },
      { type: 'list', list: 'vip-2025' },
      { type: 'address', kind: 'email' },
      { type: 'consent', channel: 'email' },
      { type: 'preferred-channel', channels: ['sms'] },
    )
    expect(problems(segment)).toEqual([])
    expect(describeSegment(parseSegment(segment))).toBe(
      'tenure ≥ 12 and (tag churn_probability > 0.7 or RFM cell at-risk) and not (did login in the last 30 days) and at least 3 purchase events (amount > 100) in the last 90 days and on list vip-2025 and has an e-mail address and email consent granted and prefers sms',
    )
  })

  it('limits depth and size', () => {
    let deep: unknown = attr('tenure', 'gte', { value: 1 })
    for (let i = 0; i < SEGMENT_LIMITS.depth; i++) deep = { type: 'not', condition: deep }
    expect(problems(deep)[0]).toMatch(/^error segment(\.condition){8}: conditions are nested more than 8 levels deep/)
    const wide = all(...Array.from({ length: SEGMENT_LIMITS.conditions }, () => attr('tenure', 'gte', { value: 1 })))
    expect(problems(wide)).toEqual([`error segment: the segment has ${SEGMENT_LIMITS.conditions + 1} conditions; at most ${SEGMENT_LIMITS.conditions} are allowed`])
  })

  it('throws a ValidationError listing every error from parseSegment', () => {
    expect(() => parseSegment(all(attr('tenure', 'gte'), attr('tenure', 'lt')))).toThrow(ValidationError)
    try {
      parseSegment(all(attr('tenure', 'gte'), attr('tenure', 'lt')))
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['segment.conditions[0].value', 'segment.conditions[1].value'])
    }
  })
})

describe('segment against the attribute catalogue', () => {
  it.each([
    [attr('tenure', 'contains', { value: '1' }), 'error segment.op: attribute "tenure" is a number: expected a number operator (eq, neq, lt, lte, gt, gte, between, in, not-in)'],
    [attr('tenure', 'gte', { value: 'twelve' }), 'error segment.value: attribute "tenure" is a number: expected a number, got "twelve"'],
    [attr('tenure', 'in', { values: [1, '2'] }), 'error segment.values[1]: attribute "tenure" is a number: expected a number, got "2"'],
    [attr('tenure', 'within-last', { amount: 3, unit: 'days' }), 'error segment.op: attribute "tenure" is a number: expected a number operator (eq, neq, lt, lte, gt, gte, between, in, not-in)'],
    [attr('city', 'gt', { value: 3 }), 'error segment.value: attribute "city" is a string: expected text, got 3'],
    [attr('city', 'older-than', { amount: 3, unit: 'days' }), 'error segment.op: attribute "city" is a string: expected a text operator; relative times apply to date attributes'],
    [attr('city', 'eq', { value: '2024-05-01' }), 'warning segment.value: attribute "city" is a string but the value looks like a date, so it is compared as a date; set "compareAs": "text" to compare text'],
    [attr('churn', 'eq', { value: 'yes' }), 'error segment.value: attribute "churn" is a boolean: expected true or false (with eq or neq), got "yes"'],
    [attr('signup_date', 'gte', { value: 20240101 }), 'error segment.value: attribute "signup_date" is a date: expected an ISO 8601 date such as 2024-05-01, or a relative operator (within-last, older-than, within-next), got 20240101'],
    [attr('signup_date', 'in', { values: ['2024-01-01'] }), 'error segment.op: attribute "signup_date" is a date: expected "between" or a date comparison; "in" compares exact text'],
    [attr('contract', 'eq', { value: 'Monthly' }), 'error segment.value: attribute "contract" is an enum: expected one of "Month-to-month", "One year", "Two year", got "Monthly"'],
    [attr('contract', 'not-in', { values: ['One year', 'Three year'] }), 'error segment.values[1]: attribute "contract" is an enum: expected one of "Month-to-month", "One year", "Two year", got "Three year"'],
    [all(attr('tenur', 'gte', { value: 1 })), 'warning segment.conditions[0].name: attribute "tenur" is not in the catalogue (did you mean "tenure"?); it matches no one until some customer has it'],
  ])('%j', (segment, expected) => {
    expect(problems(segment)).toEqual([expected])
  })

  it('accepts operators that fit the type', () => {
    const segment = all(
      attr('tenure', 'between', { from: 1, to: 12 }),
      attr('city', 'starts-with', { value: 'Par' }),
      attr('city', 'eq', { value: '2024-05-01', compareAs: 'text' }),
      attr('churn', 'neq', { value: true }),
      attr('signup_date', 'within-last', { amount: 3, unit: 'months' }),
      attr('signup_date', 'is-empty'),
      attr('contract', 'in', { values: ['One year'] }),
    )
    expect(problems(segment)).toEqual([])
  })
})

describe('segment JSON Schema', () => {
  it('is representable (the editor and docs use it) and survives JSON round trips', () => {
    const schema = z.toJSONSchema(segmentSchema) as { oneOf?: unknown[]; $defs?: Record<string, unknown> }
    expect(JSON.stringify(schema)).toContain('"const":"preferred-channel"')
    const segment = parseSegment(all(attr('tenure', 'gte', { value: 12 }), { type: 'rfm', cells: ['lost'] }))
    expect(parseSegment(JSON.parse(JSON.stringify(segment)))).toEqual(segment)
  })
})
