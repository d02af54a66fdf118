import i18next from 'i18next'
import { afterAll, describe, expect, it } from 'vitest'
import '../i18n.ts'
import type { NodeType } from '../api.ts'
import { localizeNodeType } from '../../../engine/sdk/node-locales.ts'
import { categoryLabel, outputLabel, summarize } from './step-summary.ts'

const chooseChannel: NodeType = {
  type: 'choose-channel', version: 1, title: 'Choose channel and send', category: 'channel', icon: 'send', description: 'Sends.', timing: 'instant', outputs: null,
  configSchema: { type: 'object', properties: { candidates: { title: 'Candidates' }, strategy: { title: 'Strategy' } } },
  locales: { 'zh-CN': { title: '选择渠道并发送', outputs: { none: '无可用渠道' }, fields: { candidates: { title: '候选渠道' }, strategy: { title: '策略' } } } },
}

afterAll(() => i18next.changeLanguage('en'))

describe('step summaries', () => {
  it('read well in English: plurals, field titles, lists by name', async () => {
    await i18next.changeLanguage('en')
    expect(summarize('wait', { for: { amount: 1, unit: 'days' } })).toBe('for 1 day')
    expect(summarize('wait', { for: { amount: 2, unit: 'hours' } })).toBe('for 2 hours')
    expect(summarize('filter-segment', { segment: { type: 'all', conditions: [{ type: 'rfm' }] } })).toBe('segment: all of 1 condition')
    expect(summarize('filter-segment', { segment: { type: 'any', conditions: [{}, {}] } })).toBe('segment: any of 2 conditions')
    expect(summarize('filter-segment', { segment: { type: 'all', conditions: [] } })).toBe('segment: everyone')
    expect(summarize('choose-channel', { candidates: [{ channel: 'email' }], strategy: 'priority' }, chooseChannel)).toBe('Candidates: email · Strategy: priority')
    expect(summarize('x', { list: [{ a: 1 }] })).toBe('list: 1 item')
    expect(summarize('x', { list: [{ a: 1 }, { a: 2 }] })).toBe('list: 2 items')
    expect(summarize('x', { ids: ['a', 'b', 'c', 'd', 'e'] })).toBe('ids: a, b, c +2')
    expect(summarize('choose-channel', {}, chooseChannel)).toBe('Choose channel and send')
    expect(categoryLabel('scoring')).toBe('scoring')
  })

  it('read in 简体中文 with the declaration\'s field titles and output labels', async () => {
    await i18next.changeLanguage('zh-CN')
    const zh = localizeNodeType(chooseChannel, 'zh-CN')
    expect(summarize('choose-channel', { candidates: [{ channel: 'email' }, { channel: 'sms' }] }, zh)).toBe('候选渠道：email, sms')
    expect(summarize('wait', { for: { amount: 2, unit: 'days' } })).toBe('for 2 天')
    expect(summarize('filter-segment', { segment: { type: 'all', conditions: [{}, {}, {}] } })).toBe('segment：满足全部 3 个条件')
    expect(outputLabel(zh, 'none')).toBe('无可用渠道')
    expect(outputLabel(zh, 'email')).toBe('email')
    expect(categoryLabel('channel')).toBe('渠道')
    expect(categoryLabel('my-own')).toBe('my-own')
  })
})
