/** The run view's words in English and 简体中文 (merged into the editor's resources under `whereabouts`). */
const en = {
  toggle: 'Where is everyone', hide: 'Hide whereabouts', run: 'Run', noRun: 'This campaign has no run yet: publish it to see where customers are.',
  runOption: 'v{{version}} · {{state}} · {{id}}', refresh: 'Refresh', loading: 'Loading…', failed: 'Could not load: {{message}}',
  waitingUntil_one: '{{count}} waiting until {{until}}', waitingUntil_other: '{{count}} waiting until {{until}}',
  waitingRange_one: '{{count}} waiting {{from}} – {{to}}', waitingRange_other: '{{count}} waiting {{from}} – {{to}}',
  heldUntil_one: '{{count}} held until {{until}}', heldUntil_other: '{{count}} held until {{until}}',
  heldRange_one: '{{count}} held {{from}} – {{to}}', heldRange_other: '{{count}} held {{from}} – {{to}}',
  error_one: '{{count}} error', error_other: '{{count}} errors', done_one: '{{count}} done', done_other: '{{count}} done',
  panelTitle: 'Customers at “{{node}}”', selectNode: 'Click a step to list the customers at it.', nobody: 'Nobody at this step.',
  totals: '{{waiting}} waiting · {{held}} held · {{error}} in error · {{done}} done',
  byDay: 'Due per day (UTC)', later: 'later: {{count}}', errors: 'Errors', doneBy: 'Finished on', forEvent: '{{count}} also wait for an event',
  state: 'Show', all: 'Everyone here', customer: 'Customer', due: 'Due', why: 'Why', more: 'Load more', holdout: 'holdout',
  states: { waiting: 'waiting', held: 'held', error: 'in error', done: 'done', cancelled: 'cancelled' },
  runStates: { draft: 'draft', scheduled: 'scheduled', running: 'running', paused: 'paused', completed: 'completed', cancelled: 'cancelled' },
}

export type WhereaboutsMessages = typeof en

const zhCN: WhereaboutsMessages = {
  toggle: '客户在哪里', hide: '隐藏客户分布', run: '运行', noRun: '此活动还没有运行：发布后即可查看客户所在位置。',
  runOption: 'v{{version}} · {{state}} · {{id}}', refresh: '刷新', loading: '加载中…', failed: '无法加载：{{message}}',
  waitingUntil_one: '{{count}} 人等待至 {{until}}', waitingUntil_other: '{{count}} 人等待至 {{until}}',
  waitingRange_one: '{{count}} 人等待 {{from}} – {{to}}', waitingRange_other: '{{count}} 人等待 {{from}} – {{to}}',
  heldUntil_one: '{{count}} 人被暂缓至 {{until}}', heldUntil_other: '{{count}} 人被暂缓至 {{until}}',
  heldRange_one: '{{count}} 人被暂缓 {{from}} – {{to}}', heldRange_other: '{{count}} 人被暂缓 {{from}} – {{to}}',
  error_one: '{{count}} 人出错', error_other: '{{count}} 人出错', done_one: '{{count}} 人已完成', done_other: '{{count}} 人已完成',
  panelTitle: '“{{node}}”处的客户', selectNode: '点击一个步骤以列出其中的客户。', nobody: '此步骤没有客户。',
  totals: '{{waiting}} 人等待 · {{held}} 人暂缓 · {{error}} 人出错 · {{done}} 人已完成',
  byDay: '每日到期人数（UTC）', later: '更晚：{{count}}', errors: '错误', doneBy: '结束于输出', forEvent: '其中 {{count}} 人同时在等待事件',
  state: '显示', all: '此处所有客户', customer: '客户', due: '到期', why: '原因', more: '加载更多', holdout: '对照组',
  states: { waiting: '等待中', held: '暂缓', error: '出错', done: '已完成', cancelled: '已取消' },
  runStates: { draft: '草稿', scheduled: '已排期', running: '运行中', paused: '已暂停', completed: '已完成', cancelled: '已取消' },
}

export const whereaboutsMessages = { en, 'zh-CN': zhCN }
