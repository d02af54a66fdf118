import i18next from 'i18next'
import { beforeAll, describe, expect, it } from 'vitest'
import type { NodeWhereabouts } from './whereabouts-api.ts'
import { badgesOf, dayLabel } from './whereabouts-format.ts'
import { whereaboutsMessages } from './whereabouts-messages.ts'

const i18n = i18next.createInstance()
beforeAll(async () => {
  await i18n.init({ resources: { en: { translation: { whereabouts: whereaboutsMessages.en } }, 'zh-CN': { translation: { whereabouts: whereaboutsMessages['zh-CN'] } } }, lng: 'en', interpolation: { escapeValue: false } })
})

const due = (count: number, earliest: string | null, latest: string | null) => ({ count, forEvent: 0, earliestDue: earliest, latestDue: latest, byDay: [], later: 0 })
const node = (patch: Partial<NodeWhereabouts>): NodeWhereabouts => ({
  nodeId: 'pause', nodeType: 'wait', nodeTitle: null, gate: false, waiting: due(0, null, null), held: due(0, null, null),
  error: { count: 0, messages: [] }, done: { count: 0, byOutput: {} }, cancelled: 0, ...patch,
})

describe('badgesOf', () => {
  it('says until when on one day, the range over several, and counts errors and done', () => {
    const t = i18n.getFixedT('en')
    const badges = badgesOf(node({
      waiting: due(12, '2026-12-05T08:00:00.000Z', '2026-12-05T23:59:00.000Z'), held: due(3, '2026-12-09T00:00:00.000Z', '2026-12-10T09:00:00.000Z'),
      error: { count: 1, messages: [{ message: 'boom', count: 1 }] }, done: { count: 4, byOutput: { done: 4 } },
    }), t, 'en')
    expect(badges.map((b) => [b.kind, b.text])).toEqual([['waiting', '12 waiting until 5 Dec'], ['held', '3 held 9 Dec – 10 Dec'], ['error', '1 error'], ['done', '4 done']])
    expect(badgesOf(node({}), t, 'en')).toEqual([])
  })

  it('speaks Chinese with Chinese dates', () => {
    const badges = badgesOf(node({ waiting: due(2, '2026-12-05T08:00:00.000Z', '2026-12-05T09:00:00.000Z'), error: { count: 3, messages: [] } }), i18n.getFixedT('zh-CN'), 'zh-CN')
    expect(badges.map((b) => b.text)).toEqual(['2 人等待至 12月5日', '3 人出错'])
    expect(dayLabel('2026-01-31T23:00:00.000Z', 'en')).toBe('31 Jan')
  })
})
