import { describe, expect, it } from 'vitest'
import { parseSegment } from '../../engine/segment/index.ts'
import { countStatement, matchStatement, sampleStatement } from './segment-statements.ts'

const now = Date.UTC(2025, 0, 1)
const MARK = 'zq'
// Every user-supplied string carries MARK and every number is unusual, so finding one in the SQL
// text would mean a value was spliced in instead of bound.
const segment = parseSegment({
  type: 'any',
  conditions: [
    { type: 'attribute', name: `${MARK}attr'"\\`, op: 'eq', value: `${MARK}'; DROP TABLE customers; --` },
    { type: 'attribute', name: `${MARK}n`, op: 'gt', value: 987654.321 },
    { type: 'attribute', name: `${MARK}n`, op: 'neq', value: 987654.321 },
    { type: 'attribute', name: `${MARK}t`, op: 'starts-with', value: `${MARK}pre`, ignoreCase: true },
    { type: 'attribute', name: `${MARK}d`, op: 'between', from: '2024-01-01', to: '2024-12-31' },
    { type: 'attribute', name: `${MARK}l`, op: 'not-in', values: [`${MARK}a`, 987654.321, true] },
    { type: 'tag', name: `${MARK}tag`, op: 'lte', value: 987654.321, setWithin: { amount: 3, unit: 'days' } },
    { type: 'tag', name: `${MARK}tag2`, op: 'contains', value: `${MARK}x` },
    { type: 'rfm', cells: ['at-risk'] },
    { type: 'event', event: `${MARK}ev`, where: [{ property: `${MARK}prop`, op: 'in', values: [`${MARK}v`] }], aggregate: { of: 'sum', property: `${MARK}amount`, op: 'lte', value: 987654.321 } },
    { type: 'event', event: `${MARK}ev2`, last: { op: 'older-than', amount: 9, unit: 'days' } },
    { type: 'list', list: `${MARK}list` },
    { type: 'address', kind: 'wechat' },
    { type: 'consent', channel: 'wechat', status: 'none' },
    { type: 'preferred-channel', channels: ['wechat'] },
  ],
})

describe.each(['sqlite', 'postgres'] as const)('compiled SQL on %s', (dialect) => {
  it.each([
    ['count', countStatement(segment, dialect, now)],
    ['cohort match', matchStatement(segment, dialect, now, [1, 2, 3])],
    ['sample by probes', sampleStatement(segment, dialect, now, 10, 'probe')],
    ['sample from gathered keys', sampleStatement(segment, dialect, now, 10, 'set')],
  ])('%s binds every value and name as a parameter', (_name, statement) => {
    expect(statement.text).not.toMatch(new RegExp(`${MARK}|987654|DROP|wechat|at-risk`, 'i'))
    expect(statement.params.values.length).toBeGreaterThan(25)
    expect(JSON.stringify(statement.params.values)).toContain(`${MARK}'; DROP TABLE customers; --`)
  })
})
