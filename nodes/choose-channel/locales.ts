/** choose-channel in 简体中文 (the editor's palette, outputs and form; engine/sdk/node-locales.ts). */
import type { NodeLocale } from '../../engine/sdk/index.ts'

export const zhCN: NodeLocale = {
  title: '选择渠道并发送',
  description: '在候选渠道中（按顺序）为每位客户选出最合适的可用渠道并发送一条消息。渠道可用的条件：客户在该渠道可触达、已授权、未被屏蔽、不在其所在时区的免打扰时段，且该渠道今日仍有容量。策略：优先级、客户偏好渠道、最便宜、历史响应最佳，或基于响应事件学习的 Thompson 抽样多臂老虎机。每个候选渠道一个输出，另加 `none`；投递最终失败时会改用下一个可用渠道。',
  outputs: { email: '电子邮件', sms: '短信', call: '电话', push: '推送', wechat: '微信', inbox: '站内信', none: '无可用渠道' },
  fields: {
    candidates: { title: '候选渠道', description: '按优先级排列的渠道，各带一条消息。' },
    'candidates[].channel': { title: '渠道' },
    'candidates[].subject': { title: '主题', description: '电子邮件主题（模板）。' },
    'candidates[].body': { title: '消息', description: 'Mustache 模板；{{customer.first_name}} 等会被转义。' },
    'candidates[].cost': { title: '每条消息成本', description: '供“最便宜”策略使用；缺省为 0。' },
    'candidates[].offer': { title: '优惠 ID', description: '记入联系历史（“同一优惠不发两次”）。' },
    strategy: { title: '策略', description: 'priority：第一个可用渠道；preferred：客户偏好渠道（若可用）；cheapest：成本最低；best-response：历史响应率最高；bandit：基于历史响应的 Thompson 抽样。' },
    consent: { title: '授权要求', description: 'granted：需要已授权的记录；not-revoked：未撤回授权者即可。' },
    responses: { title: '历史响应', description: '供 best-response 与 bandit 策略使用。' },
    'responses.events': { title: '响应事件', description: '计为某渠道响应的事件类型（打开、点击、转化）。' },
    'responses.events[].event': { title: '事件' },
    'responses.events[].channel': { title: '渠道' },
    'responses.days': { title: '回看天数' },
    'responses.scope': { title: '学习范围', description: 'customer：客户自己的历史，向全体响应率收缩；segment：与客户 `segmentBy` 取值相同的客户；everyone：全部客户。' },
    'responses.conversion': { title: '转化', description: '联系后在窗口内发生该事件，计为该渠道的一次响应。' },
    'responses.conversion.event': { title: '转化事件', description: '例如 purchase' },
    'responses.conversion.withinDays': { title: '联系后天数内' },
    'responses.segmentBy': { title: '分群属性', description: '把客户分群的属性（如地区、等级）；用于 segment 范围。' },
    quietHours: { title: '免打扰时段', description: '一个或多个时段（如电话 20:00–09:00、短信 21:00–08:00）：在客户所在时区内这些时段不使用该渠道。全局联系策略的免打扰时段同样适用。' },
    capacity: { title: '容量' },
    'capacity.perDay': { title: '每日', description: '所有活动合计每个渠道每天的消息数，例如 { "call": 200 }。' },
    'capacity.timeZone': { title: '容量日的时区' },
    unsubscribe: { title: '一键退订', description: '电子邮件附带签名链接（{{unsubscribe_url}}）和 RFC 8058 List-Unsubscribe 头，用 sluice.config.ts `secrets` 中的 `unsubscribe` 密钥签名。' },
    'unsubscribe.url': { title: '端点 URL', description: '一键退订端点；会附加 ?token=。默认：本服务器公开 URL 下的 /unsubscribe（sluice.config.ts server.publicUrl）。' },
  },
}
