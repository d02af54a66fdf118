/**
 * Webhook payload templates: the JSON body a provider expects, written as Mustache over the
 * message's fields, e.g. `{"to":"{{to}}","text":"{{body}}","ref":"{{key}}"}`. Every value is
 * JSON-escaped as it is inserted (quotes, backslashes, control characters), so a customer's
 * name cannot break out of its string; unescaped tags and partials are refused, and a template
 * must render to valid JSON, which is checked on a sample message when the config is loaded.
 */
import Mustache from 'mustache'
import type { OutboundMessage } from './channel-port.ts'

/** The fields a template sees. */
export function payloadView(m: OutboundMessage): Record<string, unknown> {
  return {
    key: m.key, channel: m.channel, customer: m.customerId, flow: m.flowId, run: m.runId, node: m.nodeId, offer: m.offer, attempts: m.attempts,
    to: m.message.to, subject: m.message.subject, body: m.message.body, template: m.message.template, variables: m.message.variables ?? {},
  }
}

/** The escape inside a JSON string: the text of `JSON.stringify(value)` between its quotes. */
function jsonEscape(value: unknown): string {
  return JSON.stringify(String(value)).slice(1, -1)
}

/** Renders a checked template for a message and parses it; throws when it is not JSON. */
export function renderPayload(template: string, message: OutboundMessage): unknown {
  return JSON.parse(Mustache.render(template, payloadView(message), {}, { escape: jsonEscape }))
}

const SAMPLE: OutboundMessage = {
  key: 'run:node:1:1', channel: 'sms', customerId: 'c-1', flowId: 'flow', runId: 'run', nodeId: 'node', offer: 'offer-1', attempts: 0,
  message: { to: '+15550001', subject: 'Sub "ject"', body: 'Hello\n"Ann" \\ {x}', template: 'welcome', variables: { name: 'Ann' } },
}

/** Problems of a payload template: a parse error, a forbidden tag, or a rendering that is not JSON. */
export function checkPayloadTemplate(text: string): string[] {
  let tokens: unknown[]
  try {
    tokens = Mustache.parse(text)
  } catch (error) {
    return [`template does not parse: ${error instanceof Error ? error.message : String(error)}`]
  }
  const problems: string[] = []
  const walk = (list: unknown[]) => {
    for (const token of list as [string, string, number, number, unknown[]?][]) {
      const [type, name, start] = token
      if (type === '&' || type === '{') problems.push(`unescaped output "${name}" at character ${start} is not allowed: use {{${name}}} inside a JSON string (values are JSON-escaped)`)
      if (type === '>') problems.push(`partial "${name}" at character ${start} is not allowed: templates are self-contained`)
      if (Array.isArray(token[4])) walk(token[4])
    }
  }
  walk(tokens)
  if (problems.length > 0) return problems
  try {
    renderPayload(text, SAMPLE)
  } catch (error) {
    return [`does not render to JSON (${error instanceof Error ? error.message : String(error)}); put text fields inside quotes, e.g. "text": "{{body}}"`]
  }
  return []
}
