/** Keyboard add and connect, in English and 简体中文 (merged into the editor's resources under `keyboard`). */
const en = {
  output: 'From output', outputTo: '{{output}} (now to “{{step}}”)', outputFree: '{{output}} (not connected)',
  connectTitle: 'Connect “{{step}}”', target: 'To step', targetSearch: 'Type to find a step', noTarget: 'No other step matches.',
  connect: 'Connect', cancel: 'Cancel', noStep: 'Select a step first (Tab to it, then Enter).',
  added: 'Added “{{step}}” after “{{from}}” ({{output}}).', connected: 'Connected “{{from}}” ({{output}}) to “{{to}}”.',
}

export type KeyboardMessages = typeof en

const zhCN: KeyboardMessages = {
  output: '从输出', outputTo: '{{output}}（当前连到“{{step}}”）', outputFree: '{{output}}（未连接）',
  connectTitle: '连接“{{step}}”', target: '连到步骤', targetSearch: '输入以查找步骤', noTarget: '没有匹配的其他步骤。',
  connect: '连接', cancel: '取消', noStep: '请先选择一个步骤（用 Tab 移到它，再按 Enter）。',
  added: '已在“{{from}}”（{{output}}）之后添加“{{step}}”。', connected: '已将“{{from}}”（{{output}}）连到“{{to}}”。',
}

export const keyboardMessages = { en, 'zh-CN': zhCN }
