import { describe, expect, it } from 'vitest'
import type { AttributeDef } from '../../engine/sdk/index.ts'
import { configSchema, validateConfig } from './config.ts'

const catalogue: AttributeDef[] = [
  { name: 'first_name', type: 'string', source: 'declared' },
  { name: 'member_tier', type: 'string', source: 'inferred' },
]
const config = (body: string, extra: Record<string, unknown> = {}) => configSchema.parse({ candidates: [{ channel: 'email', body }], ...extra })
const names = (body: string, extra?: Record<string, unknown>, attributes: AttributeDef[] | null = catalogue) =>
  validateConfig(config(body, extra), attributes ?? undefined).filter((i) => i.code === 'choose-channel.template-name').map((i) => [i.severity, i.message])

describe('choose-channel template names against the attribute catalogue', () => {
  it('accepts attributes, the id and time zone, sections and comments', () => {
    expect(names('Hi {{customer.first_name}} ({{customer.id}}, {{customer.time_zone}}){{#customer}} {{member_tier}}{{/customer}}{{! note }}')).toEqual([])
  })

  it('warns about a name outside "customer." and an unknown attribute, with "did you mean"', () => {
    expect(names('Hi {{first_name}}, {{customer.member_teir}}')).toEqual([
      ['warning', '"{{first_name}}" at character 3 renders empty: the message has no "first_name"; customer values are "customer.<attribute>" (did you mean "customer.first_name"?)'],
      ['warning', '"{{customer.member_teir}}" at character 19 renders empty: attribute "member_teir" is not in the catalogue (did you mean "customer.member_tier"?)'],
    ])
  })

  it('knows unsubscribe_url only when the link is configured', () => {
    expect(names('Leave: {{unsubscribe_url}}')).toEqual([['warning', '"{{unsubscribe_url}}" at character 7 renders empty: the unsubscribe link is only made when "unsubscribe" is configured']])
    expect(names('Leave: {{unsubscribe_url}}', { unsubscribe: { url: 'https://example.com/u' } })).toEqual([])
  })

  it('judges no names without a catalogue', () => {
    expect(names('Hi {{first_name}}', {}, null)).toEqual([])
  })

  it('warns about an unknown segmentBy attribute', () => {
    const responses = { events: [{ event: 'email_click', channel: 'email' }], scope: 'segment', segmentBy: 'membr_tier' }
    expect(validateConfig(config('Hi', { strategy: 'best-response', responses }), catalogue).filter((i) => i.code === 'choose-channel.unknown-attribute')).toEqual([
      { code: 'choose-channel.unknown-attribute', path: 'config.responses.segmentBy', severity: 'warning', message: 'attribute "membr_tier" is not in the catalogue (did you mean "member_tier"?); every customer would fall in one segment' },
    ])
  })
})
