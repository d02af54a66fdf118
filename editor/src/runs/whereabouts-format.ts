/** The run view's badges on a step: "12 waiting until 5 Dec", "3 held until 10 Dec", "1 error", "4 done" (pure, for the canvas and its test). */
import type { NodeWhereabouts } from './whereabouts-api.ts'

export type BadgeKind = 'waiting' | 'held' | 'error' | 'done'

export interface Badge {
  kind: BadgeKind
  count: number
  text: string
}

type Translate = (key: string, values: Record<string, unknown>) => string

/** A UTC day as people read it in the language: 5 Dec (English), 12月5日 (Chinese). */
export function dayLabel(iso: string, language: string): string {
  const locale = language.startsWith('zh') ? 'zh-CN' : 'en-GB'
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso))
}

/** The badges of a step with customers, in the order waiting, held, error, done; none for a step nobody is at. */
export function badgesOf(node: NodeWhereabouts, t: Translate, language: string): Badge[] {
  const badges: Badge[] = []
  for (const kind of ['waiting', 'held'] as const) {
    const due = node[kind]
    if (due.count === 0 || due.earliestDue === null || due.latestDue === null) continue
    const from = dayLabel(due.earliestDue, language)
    const to = dayLabel(due.latestDue, language)
    const text = from === to ? t(`whereabouts.${kind}Until`, { count: due.count, until: to }) : t(`whereabouts.${kind}Range`, { count: due.count, from, to })
    badges.push({ kind, count: due.count, text })
  }
  if (node.error.count > 0) badges.push({ kind: 'error', count: node.error.count, text: t('whereabouts.error', { count: node.error.count }) })
  if (node.done.count > 0) badges.push({ kind: 'done', count: node.done.count, text: t('whereabouts.done', { count: node.done.count }) })
  return badges
}
