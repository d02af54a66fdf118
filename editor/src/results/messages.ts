/** The results view's words in English and 简体中文 (merged into the editor's resources under `results`). */
const en = {
  button: 'Results', title: 'Results: {{name}}', back: 'Back to the canvas', list: 'Campaigns', run: 'Run', runOption: 'v{{version}} · {{state}} · started {{date}}', csv: 'Export CSV',
  asOf: 'Figures as of {{date}}; goal: “{{event}}” within {{days}} days.', loading: 'Loading the report…',
  noRun: 'This campaign has not run yet. Publish it to start a run; its results appear here as customers go through.',
  noGoal: 'This campaign has no goal to measure. Add a Measure step (or a goal in the campaign settings) and publish again.',
  failed: 'Could not load the report: {{message}}',
  cards: { customers: 'Customers measured', treated: 'Treated conversion', holdout: 'Holdout conversion', uplift: 'Uplift', sends: 'Messages sent', open: '{{count}} still inside their window' },
  funnel: { title: 'Funnel per step', explain: 'Customers who reached each step, treated and held out.', empty: 'No customer has entered yet.' },
  conversion: { title: 'Conversion: treated vs holdout', explain: 'Share of measured customers who reached the goal, for the whole campaign and per channel.' },
  uplift: {
    title: 'Uplift with its 95 % confidence interval', explain: 'Treated conversion minus holdout conversion, in points. The line is the 95 % interval: when it crosses 0, the data do not show an effect yet.',
    value: '{{uplift}} pts (95 % CI {{low}} to {{high}}), p = {{p}}', significant: 'an effect', unclear: 'no clear effect yet',
    notEnough: 'Not enough data yet', notEnoughWhy: 'Not enough data: {{reason}}', rule: 'An uplift is worked out once each group has at least {{customers}} measured customers and, at the pooled conversion rate, at least {{outcomes}} expected conversions and {{outcomes}} expected non-conversions. Below that, one customer more or less would swing the figure.',
  },
  sends: { title: 'Messages per channel over time', explain: 'Messages the campaign decided to send each day (UTC), per channel; held-back holdout messages are not sent.', empty: 'No message sent yet.' },
  arms: { treated: 'Treated', holdout: 'Holdout' },
  overall: 'Whole campaign', pts: '{{value}} pts', ptsUnit: 'pts', ci: '95 % CI {{low}} … {{high}}',
  states: { draft: 'draft', scheduled: 'scheduled', running: 'running', paused: 'paused', completed: 'completed', cancelled: 'cancelled' },
}

export type ResultsMessages = typeof en

const zhCN: ResultsMessages = {
  button: '效果', title: '效果：{{name}}', back: '返回画布', list: '活动', run: '运行', runOption: 'v{{version}} · {{state}} · 开始于 {{date}}', csv: '导出 CSV',
  asOf: '数据截至 {{date}}；目标：{{days}} 天内发生“{{event}}”。', loading: '正在加载报告…',
  noRun: '此活动尚未运行。发布后即开始运行，客户参与后效果会显示在这里。',
  noGoal: '此活动没有可衡量的目标。请添加“衡量”步骤（或在活动设置中设定目标）后重新发布。',
  failed: '无法加载报告：{{message}}',
  cards: { customers: '计入的客户', treated: '实验组转化率', holdout: '对照组转化率', uplift: '提升', sends: '已发送消息', open: '另有 {{count}} 人仍在观察期内' },
  funnel: { title: '各步骤漏斗', explain: '到达每个步骤的客户，分实验组与对照组。', empty: '还没有客户进入。' },
  conversion: { title: '转化率：实验组对比对照组', explain: '计入的客户中达成目标的比例，包括整个活动及各渠道。' },
  uplift: {
    title: '提升及其 95% 置信区间', explain: '实验组转化率减去对照组转化率（百分点）。横线为 95% 置信区间：若跨过 0，说明数据尚未显示出效果。',
    value: '{{uplift}} 个百分点（95% 置信区间 {{low}} 至 {{high}}），p = {{p}}', significant: '有效果', unclear: '尚无明确效果',
    notEnough: '数据不足', notEnoughWhy: '数据不足：{{reason}}', rule: '每组至少有 {{customers}} 位计入的客户，且按合并转化率每组预期至少有 {{outcomes}} 次转化和 {{outcomes}} 次未转化时，才会计算提升。低于此标准时，多一位或少一位客户都会使结果大幅波动。',
  },
  sends: { title: '各渠道消息量随时间变化', explain: '活动每天（UTC）决定发送的消息数，按渠道统计；对照组被保留的消息不会发送。', empty: '还没有发送任何消息。' },
  arms: { treated: '实验组', holdout: '对照组' },
  overall: '整个活动', pts: '{{value}} 个百分点', ptsUnit: '百分点', ci: '95% 置信区间 {{low}} … {{high}}',
  states: { draft: '草稿', scheduled: '已排期', running: '运行中', paused: '已暂停', completed: '已完成', cancelled: '已取消' },
}

export const resultsMessages = { en, 'zh-CN': zhCN }
