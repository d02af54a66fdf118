/** The customer search on the canvas, in English and 简体中文 (merged into the editor's resources under `journey`). */
const en = {
  button: 'Find customer', title: 'A customer’s path', explain: 'Type a customer id to see the path they took through this campaign’s run, drawn on the canvas, with when and why at each step.',
  customer: 'Customer id', show: 'Show path', searching: 'Looking…', notIn: '{{customer}} has not entered this campaign.',
  run: 'Run', runOption: 'v{{version}} · {{state}} · {{run}}', now: 'Now at “{{step}}” ({{state}})', due: 'until {{at}}', holdout: 'in the holdout',
  states: { active: 'waiting there', done: 'finished', error: 'in error', cancelled: 'cancelled' },
  steps: 'Steps', kinds: { passed: 'left on “{{output}}”', waiting: 'waiting', 'held-back': 'held back (holdout)', error: 'error', note: 'note' },
  notInDraft: 'not in the draft', messages: 'Messages', noMessages: 'No message was sent.', message: '{{channel}}: {{state}}', clear: 'Clear',
  messageStates: { pending: 'pending', sent: 'sent', dead: 'given up' },
}

export type JourneyMessages = typeof en

const zhCN: JourneyMessages = {
  button: '查找客户', title: '客户路径', explain: '输入客户 ID，查看其在此活动运行中的路径（绘制在画布上），以及每一步的时间和原因。',
  customer: '客户 ID', show: '显示路径', searching: '查找中…', notIn: '{{customer}} 未进入此活动。',
  run: '运行', runOption: 'v{{version}} · {{state}} · {{run}}', now: '当前位于“{{step}}”（{{state}}）', due: '直到 {{at}}', holdout: '在对照组中',
  states: { active: '在此等待', done: '已完成', error: '出错', cancelled: '已取消' },
  steps: '步骤', kinds: { passed: '从“{{output}}”离开', waiting: '等待中', 'held-back': '保留（对照组）', error: '错误', note: '备注' },
  notInDraft: '不在草稿中', messages: '消息', noMessages: '没有发送消息。', message: '{{channel}}：{{state}}', clear: '清除',
  messageStates: { pending: '待发送', sent: '已发送', dead: '已放弃' },
}

export const journeyMessages = { en, 'zh-CN': zhCN }
