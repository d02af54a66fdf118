/** wait in 简体中文 (engine/sdk/node-locales.ts). */
import type { NodeLocale } from '../../engine/sdk/index.ts'

export const zhCN: NodeLocale = {
  title: '等待',
  description: '让客户等待一段时间（几分钟到 90 天）、直到某个日期、直到其所在时区的下一个允许时段，或直到其做出某个行为（带超时）。持久化：到期时间存在数据库中，而非计时器。',
  outputs: { done: '完成', event: '发生事件', timeout: '超时' },
  fields: {
    for: { title: '时长', description: '到达后等待这么久。' },
    'for.amount': { title: '数量' },
    'for.unit': { title: '单位' },
    until: { title: '直到', description: '等到这个日期和时间。' },
    window: { title: '直到时段', description: '等到客户所在时区的下一个允许时段。' },
    'window.days': { title: '星期', description: '客户所在时区的星期几。' },
    'window.from': { title: '开始', description: '当地开始时间，HH:MM。' },
    'window.to': { title: '结束', description: '当地结束时间，HH:MM（晚于 `from`）。' },
    event: { title: '直到事件', description: '等待客户做出某个行为，超时后放弃。' },
    'event.type': { title: '事件类型' },
    'event.where': { title: '属性条件' },
    'event.correlate': { title: '与触发事件相同', description: '必须等于触发事件的属性（如 cart_id）。' },
    'event.timeout': { title: '超时', description: '一分钟到 90 天。' },
    'event.timeout.amount': { title: '数量' },
    'event.timeout.unit': { title: '单位' },
  },
}
