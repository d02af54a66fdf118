import { describe, expect, it } from 'vitest'
import { mapEventRecord } from './event-rows.ts'

describe('mapEventRecord', () => {
  it('maps CSV columns, parsing numbers but keeping codes with leading zeros', () => {
    const values = { event_id: 'e1', customer_id: 'c1', type: 'purchase', at: '2024-05-01T10:00:00Z', amount: '19.90', order_id: '00042', note: '', sku: 'A-1' }
    expect(mapEventRecord({ line: 2, values, raw: Object.values(values) })).toEqual({
      id: 'e1', customerId: 'c1', type: 'purchase', at: Date.UTC(2024, 4, 1, 10),
      properties: { amount: 19.9, order_id: '00042', sku: 'A-1' },
    })
  })

  it('keeps JSONL types and merges a properties object', () => {
    const values = { id: 'e2', customer_id: 'c1', type: 'cart_add', at: 1714557600000, properties: { cart_id: 'k1', items: [1, 2] }, channel: 'app' }
    expect(mapEventRecord({ line: 1, values, raw: '' })).toEqual({
      id: 'e2', customerId: 'c1', type: 'cart_add', at: 1714557600000, properties: { cart_id: 'k1', items: [1, 2], channel: 'app' },
    })
  })

  it('names each missing or invalid field', () => {
    const values = { event_id: '', customer_id: 'c1', type: 'has space', at: 'soon' }
    const problems = mapEventRecord({ line: 9, values, raw: Object.values(values) })
    expect(Array.isArray(problems) && problems.map((problem) => `line ${problem.line}, column ${problem.column}: ${problem.message}`)).toEqual([
      'line 9, column event_id: expected an event id, got none',
      'line 9, column type: expected an event type such as purchase (letters, digits, _ . : -), got "has space"',
      'line 9, column at: expected an ISO 8601 time or epoch milliseconds, got "soon"',
    ])
  })
})
