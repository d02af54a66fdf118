/** trigger in 简体中文 (engine/sdk/node-locales.ts). */
import type { NodeLocale } from '../../engine/sdk/index.ts'

export const zhCN: NodeLocale = {
  title: '触发',
  description: '客户进入流程的位置：发生某事件时（类型和属性条件）、按时区内的 cron 计划（每次触发时计算受众），或一次性进入的受众（立即或指定时间）。进入策略和对照组来自流程设置。',
  outputs: { entered: '已进入' },
  fields: {
    event: { title: '发生事件时', description: '每个匹配的事件让其客户进入。' },
    'event.type': { title: '事件类型' },
    'event.where': { title: '属性条件', description: '事件属性必须等于这些值。' },
    schedule: { title: '按计划', description: '每次触发时，受众进入。' },
    'schedule.cron': { title: 'Cron 表达式', description: '分 时 日 月 星期，例如 "0 9 * * 1"（每周一 09:00）；标准 cron：日和星期都设置时，任一匹配即触发。' },
    'schedule.timeZone': { title: '时区', description: '解读表达式所用的 IANA 时区。' },
    'schedule.audience': { title: '受众', description: '一个分群、一组客户 ID，或（都不填时）所有客户。' },
    'schedule.audience.segment': { title: '分群', description: '进入者，在进入时计算（docs/segments.md）。' },
    'schedule.audience.customers': { title: '客户 ID', description: '固定的客户名单。' },
    audience: { title: '一次性受众' },
    'audience.segment': { title: '分群', description: '进入者，在进入时计算（docs/segments.md）。' },
    'audience.customers': { title: '客户 ID', description: '固定的客户名单。' },
    'audience.at': { title: '时间', description: '受众进入的时间；默认为流程发布时。' },
  },
}
