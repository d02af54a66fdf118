/** ab-split in 简体中文: a custom node type carries its translations in its declaration too. */
import type { NodeLocale } from 'sluice/sdk'

export const zhCN: NodeLocale = {
  title: 'A/B/n 分流',
  description: '按权重确定性地把客户分到各变体，每个变体一个输出；同一客户总是落在同一变体。',
  fields: {
    variants: { title: '变体' },
    'variants[].name': { title: '名称' },
    'variants[].weight': { title: '权重' },
    salt: { title: '盐值', description: '修改它可重新打乱分配（例如对同一受众做新测试）。' },
  },
}
