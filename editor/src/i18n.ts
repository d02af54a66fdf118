/** English and 简体中文; the switcher remembers the choice. */
import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import { forecastMessages } from './canvas/forecast-messages.ts'
import { formMessages } from './canvas/form-messages.ts'
import { journeyMessages } from './canvas/journey-messages.ts'
import { keyboardMessages } from './canvas/keyboard-messages.ts'
import { resultsMessages } from './results/messages.ts'
import { segmentMessages } from './segments/messages.ts'
import { whereaboutsMessages } from './runs/whereabouts-messages.ts'
import { counterfactualMessages } from './replay/messages.ts'

const en = {
  app: { title: 'Sluice', language: 'Language', signOut: 'Sign out', readOnly: 'Read only ({{role}})' },
  login: { title: 'Sign in to Sluice', name: 'User name', password: 'Password', submit: 'Sign in', wrong: 'Wrong user name or password.', hint: 'The first start of the server prints a one-time password for the user admin.' },
  flows: {
    heading: 'Campaigns', empty: 'No campaigns yet. Start from a template:', templates: 'Templates', useTemplate: 'Use this template',
    published: 'v{{version}} live', draftOnly: 'Draft', unpublished: 'unpublished changes', open: 'Open', newBlank: 'New blank campaign', newName: 'Campaign name', idTaken: 'A campaign with this id exists',
  },
  editor: {
    back: 'Campaigns', palette: 'Steps', search: 'Search steps…', saving: 'Saving…', saved: 'Saved', unsaved: 'Unsaved changes', saveFailed: 'Not saved: {{message}}',
    conflict: 'Someone else saved this draft. Reload to see their changes.', reload: 'Reload',
    undo: 'Undo', redo: 'Redo', layout: 'Tidy up', fit: 'Fit view', publish: 'Publish', problems: 'Problems', noProblems: 'No problems: ready to publish.',
    config: 'Settings', selectNode: 'Select a step to edit its settings.', title: 'Title', add: 'Add a step', addAfter: 'Add after “{{output}}”', picker: 'Type to find a step',
    pin: 'Pin position', pinned: 'Pinned', live: 'Live counts', leave: 'You have unsaved changes. Leave anyway?', shortcuts: 'Shortcuts',
    errors_one: '{{count}} error', errors_other: '{{count}} errors', delete: 'Delete', note: 'Sticky note',
  },
  simulate: {
    button: 'Simulate', title: 'Simulate', explain: 'Back-tests this campaign on past data: nothing is sent and nothing is kept. The counts show on every step and arrow while this panel is open.',
    first: 'First day', last: 'Last day', run: 'Run simulation', running: 'Simulating…', window: '{{first}} to {{last}}',
    stale: 'The campaign changed since this simulation: run it again.', customers: 'Customers', positions: '{{done}} finished, {{active}} still in the campaign, {{error}} in error',
    sends: 'Messages', noSends: 'No messages would be sent.', channel: 'Channel', sent: 'Sent', held: 'Held back (holdout)',
    errors: 'Errors', inError_one: '{{count}} customer in error', inError_other: '{{count}} customers in error',
    measure: 'Goal: “{{event}}” within {{days}} days', measured: 'Measured', converted: 'Converted', rate: 'Rate', treated: 'Treated', holdout: 'Holdout',
    uplift: 'Uplift {{uplift}} points (95 % CI {{low}} to {{high}})',
    bad: { first: 'The first day is not a date.', last: 'The last day is not a date.', order: 'The last day comes before the first.' },
  },
  history: {
    button: 'History', title: 'Version history', empty: 'No published versions yet.', against: 'v{{version}} → this draft',
    added: 'added', changed: 'changed', removed: 'removed', same: 'The draft has the same logic as v{{version}}.', restore: 'Restore v{{version}} as the draft',
  },
  notes: { add: 'Note', empty: 'Double-click to write…', text: 'Note text', delete: 'Delete note' },
  publish: {
    title: 'Publish “{{name}}”', policy: 'Customers already in the campaign', pin: 'Finish on their version (pin)', migrate: 'Move to the new version (migrate)',
    drain: 'Start the new version when the old one is empty (drain)', confirm: 'Publish now', cancel: 'Cancel', blocked: 'Fix the errors before publishing.', done: 'Published v{{version}}: run {{run}}',
    same: 'Already live: v{{version}} has the same logic.',
  },
}

const zhCN: typeof en = {
  app: { title: 'Sluice', language: '语言', signOut: '退出登录', readOnly: '只读（{{role}}）' },
  login: { title: '登录 Sluice', name: '用户名', password: '密码', submit: '登录', wrong: '用户名或密码错误。', hint: '服务器首次启动时会为用户 admin 打印一次性密码。' },
  flows: {
    heading: '营销活动', empty: '还没有活动。从模板开始：', templates: '模板', useTemplate: '使用此模板',
    published: 'v{{version}} 运行中', draftOnly: '草稿', unpublished: '有未发布的更改', open: '打开', newBlank: '新建空白活动', newName: '活动名称', idTaken: '已存在相同 ID 的活动',
  },
  editor: {
    back: '活动', palette: '步骤', search: '搜索步骤…', saving: '保存中…', saved: '已保存', unsaved: '有未保存的更改', saveFailed: '未保存：{{message}}',
    conflict: '其他人保存了此草稿。请重新加载查看其更改。', reload: '重新加载',
    undo: '撤销', redo: '重做', layout: '整理布局', fit: '适应视图', publish: '发布', problems: '问题', noProblems: '没有问题：可以发布。',
    config: '设置', selectNode: '选择一个步骤以编辑其设置。', title: '标题', add: '添加步骤', addAfter: '在“{{output}}”之后添加', picker: '输入以查找步骤',
    pin: '固定位置', pinned: '已固定', live: '实时计数', leave: '有未保存的更改。仍要离开吗？', shortcuts: '快捷键',
    errors_one: '{{count}} 个错误', errors_other: '{{count}} 个错误', delete: '删除', note: '便签',
  },
  simulate: {
    button: '模拟', title: '模拟', explain: '用历史数据回测此活动：不会发送任何消息，也不会保留任何结果。此面板打开时，每个步骤和连线上都会显示人数。',
    first: '开始日期', last: '结束日期', run: '运行模拟', running: '模拟中…', window: '{{first}} 至 {{last}}',
    stale: '此模拟之后活动已更改：请重新运行。', customers: '客户', positions: '{{done}} 人已完成，{{active}} 人仍在活动中，{{error}} 人出错',
    sends: '消息', noSends: '不会发送任何消息。', channel: '渠道', sent: '发送', held: '保留（对照组）',
    errors: '错误', inError_one: '{{count}} 位客户出错', inError_other: '{{count}} 位客户出错',
    measure: '目标：{{days}} 天内发生“{{event}}”', measured: '计入', converted: '已转化', rate: '转化率', treated: '实验组', holdout: '对照组',
    uplift: '提升 {{uplift}} 个百分点（95% 置信区间 {{low}} 至 {{high}}）',
    bad: { first: '开始日期不是有效日期。', last: '结束日期不是有效日期。', order: '结束日期早于开始日期。' },
  },
  history: {
    button: '历史', title: '版本历史', empty: '还没有已发布的版本。', against: 'v{{version}} → 当前草稿',
    added: '新增', changed: '已更改', removed: '已删除', same: '草稿的逻辑与 v{{version}} 相同。', restore: '将 v{{version}} 恢复为草稿',
  },
  notes: { add: '便签', empty: '双击以输入…', text: '便签内容', delete: '删除便签' },
  publish: {
    title: '发布“{{name}}”', policy: '已在活动中的客户', pin: '在原版本上完成（固定）', migrate: '转到新版本（迁移）',
    drain: '旧版本清空后启动新版本（排空）', confirm: '立即发布', cancel: '取消', blocked: '请先修复错误再发布。', done: '已发布 v{{version}}：运行 {{run}}',
    same: '已在运行：v{{version}} 逻辑相同。',
  },
}

export const LANGUAGES = [{ code: 'en', label: 'English' }, { code: 'zh-CN', label: '简体中文' }] as const

const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('sluice.language')

void i18next.use(initReactI18next).init({
  // The segment builder, the results view and the publish dialog's forecast keep their words beside them (segments/messages.ts, results/messages.ts, canvas/forecast-messages.ts).
  resources: {
    en: { translation: { ...en, segment: segmentMessages.en, results: resultsMessages.en, forecast: forecastMessages.en, keyboard: keyboardMessages.en, form: formMessages.en, journey: journeyMessages.en, whereabouts: whereaboutsMessages.en, counterfactual: counterfactualMessages.en } },
    'zh-CN': { translation: { ...zhCN, segment: segmentMessages['zh-CN'], results: resultsMessages['zh-CN'], forecast: forecastMessages['zh-CN'], keyboard: keyboardMessages['zh-CN'], form: formMessages['zh-CN'], journey: journeyMessages['zh-CN'], whereabouts: whereaboutsMessages['zh-CN'], counterfactual: counterfactualMessages['zh-CN'] } },
  },
  lng: saved ?? (typeof navigator !== 'undefined' && navigator.language.startsWith('zh') ? 'zh-CN' : 'en'),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
})

export function setLanguage(code: string): void {
  localStorage.setItem('sluice.language', code)
  void i18next.changeLanguage(code)
}

export default i18next
