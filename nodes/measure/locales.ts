/** measure in 简体中文 (engine/sdk/node-locales.ts). */
import type { NodeLocale } from '../../engine/sdk/index.ts'

export const zhCN: NodeLocale = {
  title: '衡量',
  description: '跟踪客户在进入流程（或经过指定步骤）后 N 天内是否达成目标（一种事件类型，可带属性条件）：目标一发生即走 `converted`，窗口结束仍未发生走 `not converted`。对照组客户同样被衡量；`sluice run` 输出提升报告（实验组与对照组转化率之差、95 % Newcombe 区间、合并双比例 z 检验 p 值；见 docs/measure.md）。',
  outputs: { converted: '已转化', 'not converted': '未转化' },
  fields: {
    event: { title: '目标事件', description: '计为转化的事件类型，例如 purchase。' },
    where: { title: '属性条件', description: '目标事件必须具有的属性，各自等于给定值。' },
    withinDays: { title: '天数内', description: '起点之后目标计入的窗口（1–365 天）。' },
    anchor: { title: '窗口起点', description: '"entry"（默认），或 { "node": "<id>" }：客户经过该步骤之时。' },
    revenue: { title: '收入属性', description: '目标事件中在报告里按收入求和的数值属性（如 amount）。' },
  },
}
