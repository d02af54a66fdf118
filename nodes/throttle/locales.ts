/** throttle in 简体中文 (engine/sdk/node-locales.ts). */
import type { NodeLocale } from '../../engine/sdk/index.ts'

export const zhCN: NodeLocale = {
  title: '频控',
  description: '发送前的联系策略关口：全局策略（按渠道及全部渠道的频次上限，在客户时区内按自然或滚动的日/周/月窗口计算，统计所有活动含发件箱中待发的消息；免打扰时段；每日渠道容量；同一优惠不发两次；授权）再由本步骤收紧。更高优先级的流程在其关口等待该客户时，低优先级流程等待或放弃。屏蔽和授权始终优先。可联系的客户走 `pass`；被拦下的客户延后（暂存后再查）或转到 `held`，并带原因代码。',
  outputs: { pass: '通过', held: '拦下' },
  fields: {
    channel: { title: '渠道', description: '本关口守护的发送所用渠道。' },
    offer: { title: '优惠 ID', description: '用于“同一优惠不发两次”；发送应带同一优惠。' },
    caps: { title: '额外频次上限', description: '叠加在全局上限之上。' },
    'caps[].channel': { title: '渠道', description: '`all` 表示所有渠道合计。' },
    'caps[].max': { title: '最多' },
    'caps[].per': { title: '每' },
    'caps[].window': { title: '窗口', description: '`calendar`：客户时区内的本日 / 本周（周一起）/ 本月；`rolling`：最近 24 小时 / 7 天 / 30 天。' },
    quietHours: { title: '额外免打扰时段', description: '叠加在全局免打扰时段之上。' },
    'quietHours[].from': { title: '开始（HH:MM）' },
    'quietHours[].to': { title: '结束（HH:MM）' },
    'quietHours[].channels': { title: '渠道', description: '默认：所有渠道。' },
    capacityPerDay: { title: '每日渠道容量', description: '只能降低全局容量。' },
    duplicateOfferDays: { title: '同一优惠不再发送的天数' },
    consent: { title: '授权要求' },
    onCap: { title: '达到上限时', description: '`defer` 延后到窗口有余量时，或 `drop` 转到拦下。' },
    onQuietHours: { title: '免打扰时段内', description: '`defer` 延后到免打扰结束，或 `drop`。' },
    onCapacity: { title: '容量用尽时', description: '`defer` 延后到下一个容量日，或 `drop`。' },
    arbitration: { title: '仲裁' },
    'arbitration.action': { title: '更高优先级流程需要该客户时' },
    'arbitration.windowHours': { title: '窗口（小时）', description: '0 表示关闭仲裁。' },
    maxDeferDays: { title: '最多延后（天）', description: '在关口停留超过此时长的延后客户将转到拦下。' },
  },
}
