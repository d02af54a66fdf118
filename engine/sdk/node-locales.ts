/**
 * Translations a node type's declaration carries (`locales`), so the palette, the step picker,
 * step titles, output labels and the config form read in the editor's language from the same one
 * declaration the executor runs. Pure functions: the registry checks a declaration's locales,
 * GET /api/node-types serves them, and the editor applies them (it imports this file).
 *
 * @example
 * ```ts
 * locales: {
 *   'zh-CN': {
 *     title: '选择渠道',
 *     description: '为每位客户选一个渠道并发送消息。',
 *     outputs: { sent: '已发送', skipped: '跳过' },
 *     fields: { candidates: { title: '候选渠道' }, 'candidates[].channel': { title: '渠道' } },
 *   },
 * }
 * ```
 */

/** A JSON Schema document (draft 2020-12), as config-json-schema.ts produces it. */
type JsonSchema = Record<string, unknown>

/** A config field's translated title and help text. */
export interface FieldLocale {
  title?: string
  description?: string
}

/** One language of a node type: every part optional; what is missing reads in English. */
export interface NodeLocale {
  title?: string
  description?: string
  /** Output name → its label; the name stays what edges and flow files use. */
  outputs?: Readonly<Record<string, string>>
  /** Config field path as docs/nodes.md lists it (`for.amount`, `candidates[].channel`) → its text. */
  fields?: Readonly<Record<string, FieldLocale>>
}

/** Language tag (BCP 47, e.g. `zh-CN`) → the node type in that language. */
export type NodeLocales = Readonly<Record<string, NodeLocale>>

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2}|-\d{3})?$/
const LOCALE_KEYS = ['title', 'description', 'outputs', 'fields']
const FIELD_KEYS = ['title', 'description']

/** The field paths of a config JSON Schema: `a`, `a.b`, `list[].name` (nested objects and arrays of objects). */
export function configFieldPaths(schema: JsonSchema, prefix = ''): string[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`
    const items = property.items as JsonSchema | undefined
    const nested = property.type === 'object' ? configFieldPaths(property, path) : items?.type === 'object' ? configFieldPaths(items, `${path}[]`) : []
    return [path, ...nested]
  })
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const nonEmpty = (value: unknown) => typeof value === 'string' && value.trim() !== ''

/**
 * Every problem with a declaration's `locales`, each prefixed with its path
 * (`locales.zh-CN.fields.chanel: …`). `configSchema` is the config's JSON Schema (field paths
 * must exist); `outputs` the fixed output names, or undefined when the config computes them
 * (then any output name may be labelled).
 */
export function checkLocales(locales: unknown, configSchema: JsonSchema | undefined, outputs: readonly string[] | undefined): string[] {
  if (locales === undefined) return []
  if (!isRecord(locales)) return [`locales: expected an object { 'zh-CN': { title, description, outputs, fields } }, got ${JSON.stringify(locales)}`]
  const problems: string[] = []
  const paths = configSchema ? new Set(configFieldPaths(configSchema)) : undefined
  for (const [language, locale] of Object.entries(locales)) {
    const at = `locales.${language}`
    if (!LANGUAGE_TAG.test(language)) problems.push(`${at}: "${language}" is not a language tag such as "zh-CN" or "fr"`)
    if (!isRecord(locale)) {
      problems.push(`${at}: expected an object { title, description, outputs, fields }`)
      continue
    }
    for (const key of Object.keys(locale)) if (!LOCALE_KEYS.includes(key)) problems.push(`${at}.${key}: unknown key (expected ${LOCALE_KEYS.join(', ')})`)
    for (const key of ['title', 'description'] as const) {
      if (locale[key] !== undefined && !nonEmpty(locale[key])) problems.push(`${at}.${key}: expected a non-empty string`)
    }
    if (locale.outputs !== undefined) {
      if (!isRecord(locale.outputs)) problems.push(`${at}.outputs: expected an object { <output name>: <label> }`)
      else {
        for (const [output, label] of Object.entries(locale.outputs)) {
          if (outputs && !outputs.includes(output)) problems.push(`${at}.outputs.${output}: no such output (outputs: ${outputs.join(', ')})`)
          if (!nonEmpty(label)) problems.push(`${at}.outputs.${output}: expected a non-empty label`)
        }
      }
    }
    if (locale.fields !== undefined) {
      if (!isRecord(locale.fields)) problems.push(`${at}.fields: expected an object { <field path>: { title, description } }`)
      else {
        for (const [path, field] of Object.entries(locale.fields)) {
          const fieldAt = `${at}.fields.${path}`
          if (paths && !paths.has(path)) problems.push(`${fieldAt}: no such config field (fields: ${[...paths].join(', ') || 'none'})`)
          if (!isRecord(field)) {
            problems.push(`${fieldAt}: expected an object { title, description }`)
            continue
          }
          for (const key of Object.keys(field)) {
            if (!FIELD_KEYS.includes(key)) problems.push(`${fieldAt}.${key}: unknown key (expected title, description)`)
            else if (!nonEmpty(field[key])) problems.push(`${fieldAt}.${key}: expected a non-empty string`)
          }
        }
      }
    }
  }
  return problems
}

/** The locale for a language: exact tag first (`zh-CN`), then the same primary language (`zh`). */
export function localeFor(locales: NodeLocales | undefined, language: string): NodeLocale | undefined {
  if (!locales) return undefined
  if (locales[language]) return locales[language]
  const primary = language.split('-')[0]
  const match = Object.keys(locales).find((tag) => tag.split('-')[0] === primary)
  return match === undefined ? undefined : locales[match]
}

/** A copy of a config JSON Schema with the translated field titles and descriptions put in. */
export function localizeConfigSchema(schema: JsonSchema, fields: NodeLocale['fields']): JsonSchema {
  if (!fields || Object.keys(fields).length === 0) return schema
  const walk = (node: JsonSchema, prefix: string): JsonSchema => {
    const properties = node.properties as Record<string, JsonSchema> | undefined
    if (!properties) return node
    const next: Record<string, JsonSchema> = {}
    for (const [name, property] of Object.entries(properties)) {
      const path = prefix === '' ? name : `${prefix}.${name}`
      let out: JsonSchema = { ...property, ...fields[path] }
      if (out.type === 'object') out = walk(out, path)
      const items = out.items as JsonSchema | undefined
      if (items?.type === 'object') out = { ...out, items: walk(items, `${path}[]`) }
      next[name] = out
    }
    return { ...node, properties: next }
  }
  return walk(schema, '')
}

/** The form's heading is the schema's own title (the node type's): translated with the type. */
function withTitle(schema: JsonSchema, title: string | undefined): JsonSchema {
  return title === undefined || typeof schema.title !== 'string' ? schema : { ...schema, title }
}

/** What a node type description needs for translating. */
interface Localizable {
  title: string
  description: string
  configSchema: JsonSchema
  locales?: NodeLocales
}

/**
 * A node type description in one language: title, description and config form texts
 * translated, and `outputLabels` (output name → label; names without one are absent). A type
 * without that language reads in English.
 */
export function localizeNodeType<T extends Localizable>(type: T, language: string): T & { outputLabels: Record<string, string> } {
  const locale = localeFor(type.locales, language)
  if (!locale) return { ...type, outputLabels: {} }
  return {
    ...type,
    title: locale.title ?? type.title,
    description: locale.description ?? type.description,
    configSchema: withTitle(localizeConfigSchema(type.configSchema, locale.fields), locale.title),
    outputLabels: { ...locale.outputs },
  }
}
