import i18next from 'i18next'
import { beforeAll, describe, expect, it } from 'vitest'
import type { SegmentCondition } from '../../../engine/segment/schema.ts'
import { segmentMessages } from './messages.ts'
import { readSegment, type Translate } from './segment-reading.ts'

const i18n = i18next.createInstance()
let en: Translate
let zh: Translate

beforeAll(async () => {
  await i18n.init({
    resources: { en: { translation: { segment: segmentMessages.en } }, 'zh-CN': { translation: { segment: segmentMessages['zh-CN'] } } },
    lng: 'en', fallbackLng: 'en', interpolation: { escapeValue: false },
  })
  en = i18n.getFixedT('en') as Translate
  zh = i18n.getFixedT('zh-CN') as Translate
})

const loyalNonBuyers: SegmentCondition = {
  type: 'all',
  conditions: [
    { type: 'attribute', name: 'tenure', op: 'gte', value: 12 },
    { type: 'not', condition: { type: 'event', event: 'purchase', within: { amount: 90, unit: 'days' } } },
  ],
}

describe('a segment in plain language', () => {
  it('reads attributes, events and negation as a sentence in English and Chinese', () => {
    expect(readSegment(loyalNonBuyers, en)).toBe('Customers whose tenure is at least 12 and who have not done purchase in the last 90 days.')
    expect(readSegment(loyalNonBuyers, zh)).toBe('tenure 至少为 12且最近 90 天内没有 purchase 事件的客户。')
  })

  it('parenthesises a nested group of the other connective and reads an empty group', () => {
    const segment: SegmentCondition = {
      type: 'all',
      conditions: [
        { type: 'any', conditions: [{ type: 'list', list: 'vip' }, { type: 'tag', name: 'churn_risk', op: 'gt', value: 0.7 }] },
        { type: 'consent', channel: 'email' },
      ],
    }
    expect(readSegment(segment, en)).toBe('Customers (who are on the list vip or whose tag churn_risk is more than 0.7) and who gave e-mail consent.')
    expect(readSegment(segment, zh)).toBe('（在名单 vip 中或标签 churn_risk 大于 0.7）且已同意邮件的客户。')
    expect(readSegment({ type: 'all', conditions: [] }, en)).toBe('Every customer.')
    expect(readSegment({ type: 'any', conditions: [] }, zh)).toMatch(/^没有客户/)
  })

  it.each<[SegmentCondition, string]>([
    [{ type: 'attribute', name: 'plan', op: 'in', values: ['gold', 'silver'] }, 'Customers whose plan is one of “gold”, “silver”.'],
    [{ type: 'attribute', name: 'signup', op: 'between', from: '2024-01-01', to: '2024-06-30' }, 'Customers whose signup is between 2024-01-01 and 2024-06-30.'],
    [{ type: 'attribute', name: 'renewal', op: 'within-next', amount: 1, unit: 'months' }, 'Customers whose renewal is in the next 1 month.'],
    [{ type: 'not', condition: { type: 'attribute', name: 'city', op: 'contains', value: 'Par' } }, 'Customers whose city does not contain “Par”.'],
    [{ type: 'tag', name: 'vip', setWithin: { amount: 7, unit: 'days' } }, 'Customers who have the tag vip (set in the last 7 days).'],
    [{ type: 'not', condition: { type: 'tag', name: 'vip' } }, 'Customers who do not have the tag vip.'],
    [{ type: 'event', event: 'purchase', aggregate: { op: 'gte', value: 3 }, where: [{ property: 'amount', op: 'gt', value: 100 }], within: { amount: 90, unit: 'days' } }, 'Customers who did purchase where amount is more than 100 at least 3 times in the last 90 days.'],
    [{ type: 'event', event: 'purchase', aggregate: { op: 'eq', value: 0 } }, 'Customers who have not done purchase.'],
    [{ type: 'event', event: 'purchase', aggregate: { of: 'sum', property: 'amount', op: 'gt', value: 500 } }, 'Customers whose total amount over purchase is more than 500.'],
    [{ type: 'event', event: 'login', last: { op: 'older-than', amount: 2, unit: 'weeks' } }, 'Customers whose last login is more than 2 weeks ago.'],
    [{ type: 'rfm', cells: ['champions', 'cant-lose-them'] }, 'Customers who are in the RFM cell Champions or Can’t lose them.'],
    [{ type: 'address', kind: 'phone' }, 'Customers who have a phone number.'],
    [{ type: 'not', condition: { type: 'consent', channel: 'sms', status: 'revoked' } }, 'Customers who have not withdrawn SMS consent.'],
    [{ type: 'preferred-channel', channels: ['wechat', 'push'] }, 'Customers who prefer WeChat or push.'],
    [{ type: 'not', condition: { type: 'any', conditions: [{ type: 'list', list: 'a' }, { type: 'list', list: 'b' }] } }, 'Customers who are not among those who are on the list a or who are on the list b.'],
  ])('reads %j', (segment, text) => {
    expect(readSegment(segment, en)).toBe(text)
    // Every template exists in Chinese too: no English key path or template leaks through.
    expect(readSegment(segment, zh)).not.toMatch(/segment\.|Customers|who /)
  })

  it('shows an unfinished value as an ellipsis rather than nothing', () => {
    expect(readSegment({ type: 'attribute', name: 'tenure', op: 'gte', value: '' }, en)).toBe('Customers whose tenure is at least ….')
  })
})
