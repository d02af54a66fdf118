/** The counterfactual replay's words in English and 简体中文 (merged into the editor's resources under `counterfactual`). */
const en = {
  button: 'What would the draft have done?', title: 'What would the draft have done?',
  explain: 'Replays a past run of this campaign through the current draft, on a copy of the data: the same customers, nothing sent and nothing kept. The steps show the run’s count → the draft’s.',
  operatorOnly: 'Only an operator can replay runs (your role: {{role}}).',
  run: 'Run to replay', runOption: 'v{{version}} · {{state}} · {{id}}', noRun: 'This campaign has no run to replay yet.',
  start: 'Replay through the draft', running: 'Replaying… {{seconds}} s (this can take tens of seconds)', cancel: 'Cancel', clear: 'Clear from the canvas',
  failed: 'The replay failed: {{message}}', problems: 'The draft has problems to fix first:',
  against: 'Run {{run}} (v{{version}}) → the draft, {{from}} to {{until}}',
  badge: 'in {{original}} → {{counterfactual}} ({{delta}})', edge: '{{original}} → {{counterfactual}}',
  summary: '{{changed}} of {{original}} customers would go another way · {{noLongerSent}} no longer sent · {{newlySent}} newly sent',
  sends: 'Messages per channel', channel: 'Channel', before: 'The run', after: 'The draft', delta: 'Change', noSends: 'No messages in either.',
  changed: 'Changed customers', listed: '{{shown}} listed of {{count}}', none: 'Nobody would go another way.', customer: 'Customer', oldPath: 'In the run', newPath: 'With the draft',
  didNotEnter: '(did not enter)', download: 'Download CSV', stale: 'The draft changed since this replay: replay again to see its effect.',
}

export type CounterfactualMessages = typeof en

const zhCN: CounterfactualMessages = {
  button: '草稿会带来什么不同？', title: '草稿会带来什么不同？',
  explain: '在数据副本上用当前草稿重放此活动过去的一次运行：相同的客户，不发送也不保留任何内容。步骤上显示运行的人数 → 草稿的人数。',
  operatorOnly: '只有运维人员可以重放运行（您的角色：{{role}}）。',
  run: '要重放的运行', runOption: 'v{{version}} · {{state}} · {{id}}', noRun: '此活动还没有可重放的运行。',
  start: '用草稿重放', running: '重放中… {{seconds}} 秒（可能需要数十秒）', cancel: '取消', clear: '从画布上清除',
  failed: '重放失败：{{message}}', problems: '请先修复草稿中的问题：',
  against: '运行 {{run}}（v{{version}}）→ 草稿，{{from}} 至 {{until}}',
  badge: '进入 {{original}} → {{counterfactual}}（{{delta}}）', edge: '{{original}} → {{counterfactual}}',
  summary: '{{original}} 位客户中有 {{changed}} 位会走不同的路径 · {{noLongerSent}} 位不再发送 · {{newlySent}} 位新发送',
  sends: '各渠道消息数', channel: '渠道', before: '原运行', after: '草稿', delta: '变化', noSends: '两者都没有消息。',
  changed: '变化的客户', listed: '共 {{count}} 位，列出 {{shown}} 位', none: '没有客户会走不同的路径。', customer: '客户', oldPath: '原运行中', newPath: '使用草稿',
  didNotEnter: '（未进入）', download: '下载 CSV', stale: '此次重放之后草稿已更改：请重新重放以查看其效果。',
}

export const counterfactualMessages = { en, 'zh-CN': zhCN }
