/**
 * The segment builder's words in English and 简体中文 (merged into the editor's resources under
 * `segment`): the builder's menus and buttons, the live count, and the templates of the
 * plain-language reading (segment-reading.ts). Templates carry their own word order, so a
 * language puts "in the last 90 days" where it belongs.
 */
const en = {
  builder: {
    label: 'Segment', addRule: 'Add condition', addGroup: 'Add group', remove: 'Remove', not: 'Not', and: 'all of (AND)', or: 'any of (OR)',
    field: 'Condition on', operator: 'Operator', attributes: 'Attributes', other: 'Tags, behaviour and more',
    tagName: 'Tag name', eventType: 'Event type', property: 'Property', within: 'in the last', anyTime: 'any time', setWithin: 'set in the last', listPick: 'Choose a list', valueLabel: 'Value', unit: 'Unit', amount: 'How many', channel: 'Channel',
    values: 'Values, separated by commas', from: 'from', to: 'to', yes: 'true', no: 'false', more_one: '+ {{count}} more setting kept', more_other: '+ {{count}} more settings kept',
  },
  kinds: { tag: 'Tag', event: 'Behaviour (events)', rfm: 'RFM cell', list: 'Static list', address: 'Has an address', consent: 'Consent', 'preferred-channel': 'Preferred channel' },
  ops: {
    eq: 'is', neq: 'is not', lt: 'less than', lte: 'at most', gt: 'more than', gte: 'at least', between: 'between', in: 'one of', 'not-in': 'none of',
    contains: 'contains', 'starts-with': 'starts with', 'is-empty': 'is empty', 'is-not-empty': 'is set', 'within-last': 'in the last', 'older-than': 'more than … ago', 'within-next': 'in the next',
    exists: 'exists', member: 'is a member', has: 'has', granted: 'granted', revoked: 'revoked', none: 'never stated',
  },
  measures: { any: 'at least once', count: 'number of times', sum: 'total of a property', avg: 'average of a property', min: 'lowest of a property', max: 'highest of a property', first: 'first time', last: 'last time' },
  units: { minutes: 'minutes', hours: 'hours', days: 'days', weeks: 'weeks', months: 'months' },
  preview: {
    title: 'Audience', counting: 'Counting…', count_one: '{{count}} customer of {{total}}', count_other: '{{count}} customers of {{total}}', share: '{{share}} of all customers',
    sample: 'For example', empty: 'No customer matches this segment yet: loosen a condition.', incomplete: 'Finish the condition to see who matches: {{message}}', blank: 'to be filled in', failed: 'Could not count: {{message}}',
  },
  read: {
    root: 'Customers {{clauses}}.', everyone: 'Every customer.', nobody: 'No one (an empty “any of” group matches nobody).', and: ' and ', or: ' or ', group: '({{clauses}})',
    notGroup: 'who are not among those {{clauses}}',
    attribute: 'whose {{name}} {{predicate}}',
    tagExists: 'who have the tag {{name}}{{setWithin}}', tagMissing: 'who do not have the tag {{name}}{{setWithin}}', tag: 'whose tag {{name}} {{predicate}}{{setWithin}}', setWithin: ' (set in the last {{duration}})',
    eventAny: 'who did {{event}}{{where}}{{window}}', eventNone: 'who have not done {{event}}{{where}}{{window}}',
    eventCount: 'who did {{event}}{{where}} {{times}}{{window}}', eventCountNot: 'who did not do {{event}}{{where}} {{times}}{{window}}',
    eventStat: 'whose {{stat}} {{property}} over {{event}}{{where}}{{window}} {{predicate}}',
    eventFirst: 'whose first {{event}}{{where}}{{window}} {{predicate}}', eventLast: 'whose last {{event}}{{where}}{{window}} {{predicate}}',
    where: ' where {{conditions}}', whereJoin: ', ', withinLast: ' in the last {{duration}}', since: ' since {{date}}', until: ' until {{date}}',
    times: { eq: 'exactly {{value}} times', neq: 'other than {{value}} times', lt: 'fewer than {{value}} times', lte: 'at most {{value}} times', gt: 'more than {{value}} times', gte: 'at least {{value}} times', between: '{{from}} to {{to}} times', never: 'never' },
    stats: { sum: 'total', avg: 'average', min: 'lowest', max: 'highest' },
    rfm: 'who are in the RFM cell {{cells}}', rfmNot: 'who are not in the RFM cell {{cells}}',
    list: 'who are on the list {{list}}', listNot: 'who are not on the list {{list}}',
    address: 'who have {{kind}}', addressNot: 'who have no {{kind}}',
    consentGranted: 'who gave {{channel}} consent', consentGrantedNot: 'who have not given {{channel}} consent',
    consentRevoked: 'who withdrew {{channel}} consent', consentRevokedNot: 'who have not withdrawn {{channel}} consent',
    consentNone: 'who never stated {{channel}} consent', consentNoneNot: 'who stated {{channel}} consent',
    preferred: 'who prefer {{channels}}', preferredNot: 'who do not prefer {{channels}}',
    choice: ' or ', list_join: ', ', quote: '“{{text}}”', yes: 'true', no: 'false', blank: '…',
    op: {
      eq: 'is {{value}}', neq: 'is not {{value}}', lt: 'is less than {{value}}', lte: 'is at most {{value}}', gt: 'is more than {{value}}', gte: 'is at least {{value}}',
      between: 'is between {{from}} and {{to}}', in: 'is one of {{values}}', 'not-in': 'is none of {{values}}', contains: 'contains {{value}}', 'starts-with': 'starts with {{value}}',
      'is-empty': 'is empty', 'is-not-empty': 'is set', 'within-last': 'is in the last {{duration}}', 'older-than': 'is more than {{duration}} ago', 'within-next': 'is in the next {{duration}}',
    },
    notOp: {
      eq: 'is not {{value}}', neq: 'is not other than {{value}}', lt: 'is not less than {{value}}', lte: 'is not at most {{value}}', gt: 'is not more than {{value}}', gte: 'is not at least {{value}}',
      between: 'is not between {{from}} and {{to}}', in: 'is not one of {{values}}', 'not-in': 'is not outside {{values}}', contains: 'does not contain {{value}}', 'starts-with': 'does not start with {{value}}',
      'is-empty': 'is not empty', 'is-not-empty': 'is not set', 'within-last': 'is not in the last {{duration}}', 'older-than': 'is not more than {{duration}} ago', 'within-next': 'is not in the next {{duration}}',
    },
    duration_one: '{{count}} {{unit}}', duration_other: '{{count}} {{unit}}',
    unit: { minutes_one: 'minute', minutes_other: 'minutes', hours_one: 'hour', hours_other: 'hours', days_one: 'day', days_other: 'days', weeks_one: 'week', weeks_other: 'weeks', months_one: 'month', months_other: 'months' },
  },
  channels: { email: 'e-mail', sms: 'SMS', call: 'phone call', push: 'push', wechat: 'WeChat', inbox: 'in-app inbox' },
  addresses: { email: 'an e-mail address', phone: 'a phone number', push: 'a push token', wechat: 'a WeChat id' },
  cells: {
    champions: 'Champions', loyal: 'Loyal', 'potential-loyalists': 'Potential loyalists', 'new-customers': 'New customers', promising: 'Promising', 'need-attention': 'Need attention',
    'about-to-sleep': 'About to sleep', 'at-risk': 'At risk', 'cant-lose-them': 'Can’t lose them', hibernating: 'Hibernating', lost: 'Lost',
  },
}

export type SegmentMessages = typeof en

const zhCN: SegmentMessages = {
  builder: {
    label: '客群', addRule: '添加条件', addGroup: '添加条件组', remove: '删除', not: '非', and: '全部满足（且）', or: '任一满足（或）',
    field: '条件对象', operator: '运算符', attributes: '属性', other: '标签、行为及其他',
    tagName: '标签名', eventType: '事件类型', property: '属性', within: '最近', anyTime: '任何时间', setWithin: '设置于最近', listPick: '选择名单', valueLabel: '值', unit: '单位', amount: '数量', channel: '渠道',
    values: '多个值，用逗号分隔', from: '从', to: '到', yes: '是', no: '否', more_one: '另有 {{count}} 项设置已保留', more_other: '另有 {{count}} 项设置已保留',
  },
  kinds: { tag: '标签', event: '行为（事件）', rfm: 'RFM 分层', list: '静态名单', address: '有联系地址', consent: '授权同意', 'preferred-channel': '偏好渠道' },
  ops: {
    eq: '等于', neq: '不等于', lt: '小于', lte: '至多', gt: '大于', gte: '至少', between: '介于', in: '属于', 'not-in': '不属于',
    contains: '包含', 'starts-with': '开头是', 'is-empty': '为空', 'is-not-empty': '已填写', 'within-last': '最近', 'older-than': '早于…之前', 'within-next': '未来',
    exists: '存在', member: '是成员', has: '有', granted: '已同意', revoked: '已撤回', none: '从未表态',
  },
  measures: { any: '至少一次', count: '发生次数', sum: '属性总和', avg: '属性平均值', min: '属性最小值', max: '属性最大值', first: '首次发生', last: '最近一次发生' },
  units: { minutes: '分钟', hours: '小时', days: '天', weeks: '周', months: '个月' },
  preview: {
    title: '受众', counting: '计算中…', count_one: '{{total}} 位客户中有 {{count}} 位', count_other: '{{total}} 位客户中有 {{count}} 位', share: '占全部客户的 {{share}}',
    sample: '例如', empty: '还没有客户符合此客群：请放宽条件。', incomplete: '请完成条件后查看匹配的客户：{{message}}', blank: '尚未填写', failed: '无法计数：{{message}}',
  },
  read: {
    root: '{{clauses}}的客户。', everyone: '全部客户。', nobody: '没有客户（空的“任一满足”条件组不匹配任何人）。', and: '且', or: '或', group: '（{{clauses}}）',
    notGroup: '不属于（{{clauses}}）',
    attribute: '{{name}} {{predicate}}',
    tagExists: '有标签 {{name}}{{setWithin}}', tagMissing: '没有标签 {{name}}{{setWithin}}', tag: '标签 {{name}} {{predicate}}{{setWithin}}', setWithin: '（最近 {{duration}}内设置）',
    eventAny: '{{window}}有过 {{event}} 事件{{where}}', eventNone: '{{window}}没有 {{event}} 事件{{where}}',
    eventCount: '{{window}}{{event}} 事件{{where}}{{times}}', eventCountNot: '{{window}}{{event}} 事件{{where}}并非{{times}}',
    eventStat: '{{window}}{{event}} 事件{{where}}的 {{property}} {{stat}}{{predicate}}',
    eventFirst: '首次 {{event}} 事件{{where}}{{window}}{{predicate}}', eventLast: '最近一次 {{event}} 事件{{where}}{{window}}{{predicate}}',
    where: '（{{conditions}}）', whereJoin: '，', withinLast: '最近 {{duration}}内', since: '自 {{date}} 起', until: '截至 {{date}}',
    times: { eq: '恰好 {{value}} 次', neq: '不是 {{value}} 次', lt: '少于 {{value}} 次', lte: '至多 {{value}} 次', gt: '多于 {{value}} 次', gte: '至少 {{value}} 次', between: '{{from}} 到 {{to}} 次', never: '从未发生' },
    stats: { sum: '总和', avg: '平均值', min: '最小值', max: '最大值' },
    rfm: 'RFM 分层为 {{cells}}', rfmNot: 'RFM 分层不是 {{cells}}',
    list: '在名单 {{list}} 中', listNot: '不在名单 {{list}} 中',
    address: '有{{kind}}', addressNot: '没有{{kind}}',
    consentGranted: '已同意{{channel}}', consentGrantedNot: '未同意{{channel}}',
    consentRevoked: '已撤回{{channel}}同意', consentRevokedNot: '未撤回{{channel}}同意',
    consentNone: '从未对{{channel}}表态', consentNoneNot: '曾对{{channel}}表态',
    preferred: '偏好{{channels}}', preferredNot: '不偏好{{channels}}',
    choice: '或', list_join: '、', quote: '“{{text}}”', yes: '是', no: '否', blank: '…',
    op: {
      eq: '为 {{value}}', neq: '不为 {{value}}', lt: '小于 {{value}}', lte: '至多为 {{value}}', gt: '大于 {{value}}', gte: '至少为 {{value}}',
      between: '介于 {{from}} 与 {{to}} 之间', in: '为 {{values}} 之一', 'not-in': '不为 {{values}} 中任何一个', contains: '包含 {{value}}', 'starts-with': '以 {{value}} 开头',
      'is-empty': '为空', 'is-not-empty': '已填写', 'within-last': '在最近 {{duration}}内', 'older-than': '在 {{duration}}之前', 'within-next': '在未来 {{duration}}内',
    },
    notOp: {
      eq: '不为 {{value}}', neq: '并非不为 {{value}}', lt: '不小于 {{value}}', lte: '并非至多为 {{value}}', gt: '不大于 {{value}}', gte: '并非至少为 {{value}}',
      between: '不在 {{from}} 与 {{to}} 之间', in: '不为 {{values}} 之一', 'not-in': '并非不为 {{values}} 中任何一个', contains: '不包含 {{value}}', 'starts-with': '不以 {{value}} 开头',
      'is-empty': '不为空', 'is-not-empty': '未填写', 'within-last': '不在最近 {{duration}}内', 'older-than': '不在 {{duration}}之前', 'within-next': '不在未来 {{duration}}内',
    },
    duration_one: '{{count}} {{unit}}', duration_other: '{{count}} {{unit}}',
    unit: { minutes_one: '分钟', minutes_other: '分钟', hours_one: '小时', hours_other: '小时', days_one: '天', days_other: '天', weeks_one: '周', weeks_other: '周', months_one: '个月', months_other: '个月' },
  },
  channels: { email: '邮件', sms: '短信', call: '电话', push: '推送', wechat: '微信', inbox: '站内信' },
  addresses: { email: '邮箱地址', phone: '手机号', push: '推送令牌', wechat: '微信号' },
  cells: {
    champions: '冠军客户', loyal: '忠诚客户', 'potential-loyalists': '潜在忠诚客户', 'new-customers': '新客户', promising: '有潜力客户', 'need-attention': '需要关注',
    'about-to-sleep': '即将沉睡', 'at-risk': '有流失风险', 'cant-lose-them': '不能失去', hibernating: '休眠客户', lost: '已流失',
  },
}

export const segmentMessages = { en, 'zh-CN': zhCN }
