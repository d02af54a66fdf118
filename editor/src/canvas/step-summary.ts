/**
 * The one-line reading of a step's config on the canvas ("Wait For 2 days", "Segment: all of 3
 * conditions", "Candidates: email, sms"), in the editor's language with i18next plurals. Field
 * names are the config form's titles of the node type (translated by its declaration's
 * `locales`), so a step reads as its form does; without a type, the config key.
 */
import i18next from 'i18next'
import type { NodeType } from '../api.ts'
import { useEditor } from './editor-store.ts'

export const summaryMessages = {
  en: {
    duration: '{{field}} {{amount}} {{unit}}',
    unit: {
      minutes_one: 'minute', minutes_other: 'minutes', hours_one: 'hour', hours_other: 'hours',
      days_one: 'day', days_other: 'days', weeks_one: 'week', weeks_other: 'weeks',
    },
    all_one: '{{field}}: all of {{count}} condition', all_other: '{{field}}: all of {{count}} conditions',
    any_one: '{{field}}: any of {{count}} condition', any_other: '{{field}}: any of {{count}} conditions',
    everyone: '{{field}}: everyone',
    kind: '{{field}}: {{kind}}',
    list: '{{field}}: {{items}}',
    more: '{{items}} +{{count}}',
    items_one: '{{field}}: {{count}} item', items_other: '{{field}}: {{count}} items',
    value: '{{field}}: {{value}}',
    set: '{{field}}',
  },
  'zh-CN': {
    duration: '{{field}} {{amount}} {{unit}}',
    unit: {
      minutes_other: '分钟', hours_other: '小时', days_other: '天', weeks_other: '周',
    },
    all_other: '{{field}}：满足全部 {{count}} 个条件',
    any_other: '{{field}}：满足任一 {{count}} 个条件',
    everyone: '{{field}}：所有人',
    kind: '{{field}}：{{kind}}',
    list: '{{field}}：{{items}}',
    more: '{{items}} 等 {{count}} 项',
    items_other: '{{field}}：{{count}} 项',
    value: '{{field}}：{{value}}',
    set: '{{field}}',
    category: { trigger: '触发', audience: '受众', scoring: '评分', policy: '策略', channel: '渠道', timing: '时机', measure: '衡量', flow: '流程' },
  },
} as const

const NS = 'summary'

/** Registers the messages with i18next once it is initialised (i18n.ts); a no-op afterwards. */
function t(key: string, options: Record<string, unknown>): string {
  if (i18next.isInitialized && !i18next.hasResourceBundle('en', NS)) {
    for (const [language, messages] of Object.entries(summaryMessages)) i18next.addResourceBundle(language, NS, messages, true, true)
  }
  return i18next.t(key, { ns: NS, ...options })
}

/** A palette category's name in the editor's language; in English, and for a custom category, as declared (the palette's CSS capitalizes it). */
export function categoryLabel(category: string): string {
  return t(`category.${category}`, { defaultValue: category })
}

/** An output's label in the editor's language (its type's `outputLabels`), else its name. */
export function outputLabel(nodeType: NodeType | undefined, output: string): string {
  return nodeType?.outputLabels?.[output] ?? output
}

const typeOfNode = new WeakMap<object, Map<string, string>>()

/** The label of a step's output, looked up in the editor state (an edge knows only the step id). */
export function outputLabelOfStep(state: { flow: { nodes: readonly { id: string; type: string }[] } | null; nodeTypes: readonly NodeType[] }, nodeId: string, output: string): string {
  if (!state.flow) return output
  let types = typeOfNode.get(state.flow)
  if (!types) typeOfNode.set(state.flow, (types = new Map(state.flow.nodes.map((n) => [n.id, n.type]))))
  const type = types.get(nodeId)
  return outputLabel(state.nodeTypes.find((n) => n.type === type), output)
}

/** Object fields that name an item of a list well enough to list it ("email, sms"). */
const NAMING_KEYS = ['name', 'channel', 'type', 'event', 'label']

/** A short reading of a node's config, two fields at most; the type's title (or type) when nothing is set. */
export function summarize(type: string, config: Record<string, unknown>, nodeType: NodeType | undefined = useEditor.getState().nodeTypes.find((n) => n.type === type)): string {
  const properties = (nodeType?.configSchema.properties ?? {}) as Record<string, { title?: unknown }>
  const fieldOf = (key: string) => (typeof properties[key]?.title === 'string' ? (properties[key].title as string) : key)
  const parts: string[] = []
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue
    const field = fieldOf(key)
    if (Array.isArray(value)) {
      const names = value.map((item) => (typeof item === 'object' && item !== null ? NAMING_KEYS.map((k) => (item as Record<string, unknown>)[k]).find((v) => typeof v === 'string') : item))
      if (value.length > 0 && names.every((n) => typeof n === 'string' || typeof n === 'number')) {
        const shown = names.slice(0, 3).join(', ')
        parts.push(t('list', { field, items: names.length > 3 ? t('more', { items: shown, count: names.length - 3 }) : shown }))
      } else parts.push(t('items', { field, count: value.length }))
    } else if (typeof value === 'object') {
      const v = value as Record<string, unknown>
      if (typeof v.amount === 'number' && typeof v.unit === 'string') {
        parts.push(t('duration', { field, amount: v.amount, unit: t(`unit.${v.unit}`, { count: v.amount, defaultValue: v.unit }) }))
      } else if ((v.type === 'all' || v.type === 'any') && Array.isArray(v.conditions)) {
        parts.push(v.type === 'all' && v.conditions.length === 0 ? t('everyone', { field }) : t(v.type, { field, count: v.conditions.length }))
      } else if (typeof v.type === 'string') parts.push(t('kind', { field, kind: v.type }))
      else parts.push(t('set', { field }))
    } else parts.push(t('value', { field, value: String(value) }))
    if (parts.length === 2) break
  }
  return parts.length > 0 ? parts.join(' · ') : (nodeType?.title ?? type)
}
