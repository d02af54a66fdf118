/** score in 简体中文 (engine/sdk/node-locales.ts). */
import type { NodeLocale } from '../../engine/sdk/index.ts'

export const zhCN: NodeLocale = {
  title: '评分',
  description: '为客户评分并按分数分流。方法：**RFM**（最近 N 天的购买事件；最近度、频次、金额各按五分位打 1–5 分）、**评分卡**（按属性分箱计分求和）和 **逻辑回归模型**（截距 + 系数 → 概率）。分数写为预测标签。分流：分数线（`pass` / `fail`）、前 N 名或前百分比（`top` / `rest`）、分档（每档一个输出）或 RFM 单元（每个单元一个输出，另加 `other`）；可能无法评分的逻辑回归模型会增加 `unscored` 输出。',
  outputs: { pass: '通过', fail: '未通过', top: '前列', rest: '其余', other: '其他', unscored: '未评分' },
  fields: {
    method: { title: '方法' },
    tag: { title: '分数标签', description: '写入分数的预测标签。RFM 默认 rfm_score，其他方法必填。' },
    routing: { title: '分流' },
  },
}
