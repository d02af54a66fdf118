/** filter-segment in 简体中文 (engine/sdk/node-locales.ts). */
import type { NodeLocale } from '../../engine/sdk/index.ts'

export const zhCN: NodeLocale = {
  title: '筛选分群',
  description: '符合分群条件的客户（属性、标签与评分、行为如“90 天内至少 3 次购买”、RFM 单元、静态名单、可触达性、授权）走 `match`，其余走 `no match`。格式见 docs/segments.md。',
  outputs: { match: '符合', 'no match': '不符合' },
  fields: { segment: { title: '分群', description: '条件树；docs/segments.md 列出了所有条件和运算符。' } },
}
