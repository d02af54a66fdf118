/**
 * Message templates: Mustache (logic-less: no code, no helpers, no file access), escaped by
 * default. Unescaped output (`{{{x}}}`, `{{& x}}`) and partials (`{{> x}}`) are refused when the
 * config is validated, so every customer value that reaches a message went through the escape:
 * HTML escaping on e-mail, control characters stripped on text channels (SMS, push, …) where
 * `&amp;` would show up literally on the phone.
 */
import Mustache from 'mustache'
import type { Channel } from '../../engine/sdk/index.ts'

/** A template problem, for config validation. */
export interface TemplateProblem {
  message: string
}

/** Problems of one template text: a parse error (with position) or a forbidden tag. */
export function checkTemplate(text: string): TemplateProblem[] {
  let tokens: unknown[]
  try {
    tokens = Mustache.parse(text)
  } catch (error) {
    return [{ message: `template does not parse: ${error instanceof Error ? error.message : String(error)}` }]
  }
  const problems: TemplateProblem[] = []
  const walk = (list: unknown[]) => {
    for (const token of list as [string, string, number, number, unknown[]?][]) {
      const [type, name, start] = token
      if (type === '&' || type === '{') problems.push({ message: `unescaped output "${name}" at character ${start} is not allowed: use {{${name}}} (values are escaped)` })
      if (type === '>') problems.push({ message: `partial "${name}" at character ${start} is not allowed: templates are self-contained` })
      if (Array.isArray(token[4])) walk(token[4])
    }
  }
  walk(tokens)
  return problems
}

/** A value a template asks for outside any section: `customer.first_name` at character 12. */
export interface TemplateName {
  name: string
  start: number
}

/**
 * The names a template looks up in the message's view, outside sections (inside one, a name may
 * resolve against the section's value first, so only the section's own name is checked).
 * Empty when the template does not parse: checkTemplate reports that.
 */
export function templateNames(text: string): TemplateName[] {
  let tokens: ReturnType<typeof Mustache.parse>
  try {
    tokens = Mustache.parse(text)
  } catch {
    return []
  }
  const lookups: string[] = ['name', '&', '{', '#', '^']
  return tokens.filter((token) => lookups.includes(token[0]) && token[1] !== '.').map((token) => ({ name: token[1], start: token[2] }))
}

// Built from code points: a regex literal of control characters trips no-control-regex.
const CONTROL = new RegExp(`[${String.fromCharCode(0)}-${String.fromCharCode(8)}${String.fromCharCode(11, 12)}${String.fromCharCode(14)}-${String.fromCharCode(31, 127)}]`, 'g')

/** The escape for a channel: HTML for e-mail, control characters removed for text channels. */
function escaperFor(channel: Channel): (value: unknown) => string {
  if (channel === 'email') return (value) => Mustache.escape(String(value))
  return (value) => String(value).replace(CONTROL, '')
}

/** Renders a checked template for a channel with the customer's view. */
export function renderTemplate(text: string, channel: Channel, view: Record<string, unknown>): string {
  return Mustache.render(text, view, {}, { escape: escaperFor(channel) })
}
