import { describe, expect, it } from 'vitest'
import type { AttributeDef } from '../engine/ports/store.ts'
import { CustomerRowMapper } from './customer-rows.ts'
import type { RowProblem } from './issue-log.ts'

const types = new Map<string, AttributeDef>([
  ['tenure', { name: 'tenure', type: 'number', source: 'inferred' }],
  ['churn', { name: 'churn', type: 'boolean', source: 'inferred' }],
  ['contract', { name: 'contract', type: 'enum', values: ['Month-to-month', 'One year'], source: 'inferred' }],
])
const mapper = new CustomerRowMapper({ types, consentAt: 1_000 })
const csv = (values: Record<string, string>, line = 2) => ({ line, values, raw: Object.values(values) })

describe('CustomerRowMapper', () => {
  it('maps reserved columns onto the port and the rest onto typed attributes', () => {
    const row = mapper.map(csv({
      customer_id: ' c1 ', tenure: '12', churn: 'Yes', contract: 'One year', time_zone: 'europe/paris',
      email: 'a@example.com', phone: '+33 1 23 45 67 89', push_token: '', wechat_id: 'wx_1',
      preferred_channel: 'SMS', consent_email: 'yes', consent_sms: 'revoked', consent_call: '',
    }))
    expect(row).toEqual({
      customer: {
        id: 'c1',
        attributes: { tenure: 12, churn: true, contract: 'One year' },
        timeZone: 'Europe/Paris',
        addresses: { email: 'a@example.com', phone: '+33 1 23 45 67 89', push: null, wechat: 'wx_1' },
        preferredChannel: 'sms',
      },
      consents: [
        { customerId: 'c1', channel: 'email', status: 'granted', at: 1_000, source: 'import' },
        { customerId: 'c1', channel: 'sms', status: 'revoked', at: 1_000, source: 'import' },
      ],
    })
  })

  it('stores NA and empty cells as missing values', () => {
    const row = mapper.map(csv({ id: 'c2', tenure: 'NA', churn: '' }))
    expect(row).toEqual({ customer: { id: 'c2', attributes: { tenure: null, churn: null } }, consents: [] })
  })

  it('lists every problem of a row with its column and what was expected', () => {
    const problems = mapper.map(csv({
      customer_id: '', tenure: 'abc', churn: 'maybe', contract: 'Two year', time_zone: 'Mars/Olympus',
      email: 'not-an-email', preferred_channel: 'fax', consent_email: 'perhaps',
    }, 5)) as RowProblem[]
    expect(problems.map((problem) => `${problem.column}: ${problem.message}`)).toEqual([
      'customer_id: expected a customer id, got none',
      'tenure: expected a number, got "abc"',
      'churn: expected yes/no, true/false or 1/0, got "maybe"',
      'contract: expected one of "Month-to-month", "One year", got "Two year"',
      'time_zone: expected an IANA time zone such as Europe/Paris, got "Mars/Olympus"',
      'email: expected an e-mail address such as name@example.com, got "not-an-email"',
      'preferred_channel: expected one of email, sms, call, push, wechat, inbox, got "fax"',
      'consent_email: expected yes/no, true/false, 1/0 or granted/revoked, got "perhaps"',
    ])
    expect(problems.every((problem) => problem.line === 5)).toBe(true)
  })

  it('accepts JSONL types and a nested attributes object', () => {
    const row = mapper.map({ line: 1, values: { id: 7, attributes: { tenure: 3, churn: false } }, raw: '' })
    expect(row).toEqual({ customer: { id: '7', attributes: { tenure: 3, churn: false } }, consents: [] })
  })

  it('reports unknown columns of a JSONL line and malformed records', () => {
    expect(mapper.map({ line: 3, values: { id: 'x', consent_fax: 'yes' }, raw: '' })).toEqual([
      { line: 3, column: 'consent_fax', code: 'row.column', message: expect.stringContaining('unknown consent channel "fax"') },
    ])
    expect(mapper.map({ line: 4, values: {}, raw: '', problem: 'bad json' })).toEqual([{ line: 4, code: 'row.malformed', message: 'bad json' }])
  })
})
