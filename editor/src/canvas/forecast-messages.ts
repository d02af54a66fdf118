/** The publish dialog's forecast in English and 简体中文 (merged into the editor's resources under `forecast`). */
const en = {
  title: 'Forecast if published now', days: 'Days ahead', run: 'Forecast again', running: 'Forecasting the next {{days}} days…',
  explain: 'The campaign runs on the customers and contact history as they are now, the last {{days}} days of events replayed as the coming days\' arrivals; nothing is sent or kept.',
  failed: 'No forecast: {{message}}', blocked: 'Fix the errors to see a forecast.',
  entered_one: '{{count}} customer enters', entered_other: '{{count}} customers enter',
  holdout: 'holdout {{customers}} ({{percent}} %)', noSends: 'No message would be sent.',
  day: 'Day (UTC)', total: 'Total', limitsTitle: 'Caps and capacities that bind', noLimits: 'No cap or capacity binds.',
  limit: '{{node}}: {{description}}', customers_one: '{{count}} customer', customers_other: '{{count}} customers',
  errors_one: '{{count}} customer would end in error', errors_other: '{{count}} customers would end in error',
}

export type ForecastMessages = typeof en

const zhCN: ForecastMessages = {
  title: '如果现在发布：预测', days: '预测天数', run: '重新预测', running: '正在预测未来 {{days}} 天…',
  explain: '按客户和联系记录的当前状态运行此活动，并把过去 {{days}} 天的事件作为未来几天的到达重放；不会发送任何消息，也不会保留任何结果。',
  failed: '无法预测：{{message}}', blocked: '请先修复错误再查看预测。',
  entered_one: '{{count}} 位客户进入', entered_other: '{{count}} 位客户进入',
  holdout: '对照组 {{customers}} 人（{{percent}}%）', noSends: '不会发送任何消息。',
  day: '日期（UTC）', total: '合计', limitsTitle: '起作用的频次上限和容量', noLimits: '没有频次上限或容量起作用。',
  limit: '{{node}}：{{description}}', customers_one: '{{count}} 位客户', customers_other: '{{count}} 位客户',
  errors_one: '{{count}} 位客户会出错', errors_other: '{{count}} 位客户会出错',
}

export const forecastMessages = { en, 'zh-CN': zhCN }
