/**
 * Node type descriptions generated from declarations: the data of `sluice nodes --json` and
 * the reference page docs/nodes.md. Nothing here is written by hand per node type.
 */
import { configJsonSchema, type JsonSchema } from '../sdk/config-json-schema.ts'
import type { AnyNodeDefinition } from '../sdk/define-node.ts'
import type { NodeLocales } from '../sdk/node-locales.ts'
import type { NodeRegistry } from './registry.ts'

/** A node type as `sluice nodes --json` prints it. */
export interface NodeTypeDescription {
  type: string
  version: number
  /** Every registered version, ascending. */
  versions: number[]
  title: string
  category: string
  icon: string
  description: string
  timing: string
  /** `batches`, `whole`, or `config` when the declaration decides per config and contact policy (asked every tick). */
  cohort: string
  /**
   * The facts the type declares that code outside it asks (engine/sdk/define-node.ts), in
   * {@link DECLARED_FACTS} order: `measures` (the goal a config follows), `gatesChannel` (a
   * contact-policy gate on a channel), `writesTags` (the tags a config writes), `limits` (which
   * caps or capacities held a customer), `entry` (how customers enter: triggers).
   */
  declares: DeclaredFact[]
  /** The fixed outputs, or null when they are computed from the config. */
  outputs: string[] | null
  /** Older versions whose configs are migrated on load. */
  migratesFrom: number[]
  /** Where the declaration was loaded from. */
  source?: string
  /** JSON Schema (draft 2020-12) of the config as written in flow files. */
  configSchema: JsonSchema
  /** The declaration's translations per language tag (empty: English only). */
  locales: NodeLocales
}

/** The declarations answered for code outside a node, in the order descriptions list them. */
export const DECLARED_FACTS = ['measures', 'gatesChannel', 'writesTags', 'limits', 'entry'] as const
export type DeclaredFact = (typeof DECLARED_FACTS)[number]

/** What each declared fact means for a reader of the reference page. */
const FACT_TEXT: Record<DeclaredFact, string> = {
  measures: 'measures a goal (`measures`: the measure report, the simulation and `sluice run` read it)',
  gatesChannel: 'gates a channel for the contact policy (`gatesChannel`: arbitration counts customers waiting here as competing demand)',
  writesTags: 'writes customer tags (`writesTags`: which names, layers and fixed values a config writes)',
  limits: 'explains which shared limits held a customer (`limits`: caps and capacities, for the forecast and journeys)',
  entry: 'lets customers enter the flow (`entry`: the engine reads how)',
}

/** Describes one definition (the latest of its type unless another is passed). */
export function describeNodeType(definition: AnyNodeDefinition, registry: NodeRegistry, source?: string): NodeTypeDescription {
  return {
    type: definition.type,
    version: definition.version,
    versions: registry.versions(definition.type),
    title: definition.title,
    category: definition.category,
    icon: definition.icon,
    description: definition.description,
    timing: definition.timing,
    cohort: typeof definition.cohort === 'function' ? 'config' : definition.cohort,
    declares: DECLARED_FACTS.filter((fact) => typeof definition[fact] === 'function'),
    outputs: typeof definition.outputs === 'function' ? null : [...definition.outputs],
    migratesFrom: Object.keys(definition.migrate ?? {}).map(Number).sort((a, b) => a - b),
    ...(source === undefined ? {} : { source }),
    configSchema: configJsonSchema(definition.config),
    locales: definition.locales ?? {},
  }
}

/** Every node type of the registry, in palette order. */
export function describeNodeTypes(registry: NodeRegistry, sourceOf: (type: string) => string | undefined = (t) => registry.sourceOf(t)): NodeTypeDescription[] {
  return registry.list().map((definition) => describeNodeType(definition, registry, sourceOf(definition.type)))
}

/** One row of a config field table, flattened from the JSON Schema (`variants[].name`). */
export interface ConfigField {
  path: string
  type: string
  required: boolean
  default?: unknown
  description: string
}

/** Flattens a config JSON Schema into documented fields, nested objects and arrays of objects included. */
export function configFields(schema: JsonSchema, prefix = ''): ConfigField[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((schema.required ?? []) as string[])
  return Object.entries(properties).flatMap(([name, property]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`
    const field: ConfigField = {
      path,
      type: typeOf(property),
      required: required.has(name) && property.default === undefined,
      ...(property.default === undefined ? {} : { default: property.default }),
      description: [property.title, property.description].filter((t) => typeof t === 'string' && t !== '').join(': '),
    }
    const items = property.items as JsonSchema | undefined
    const nested = property.type === 'object' ? configFields(property, path) : items?.type === 'object' ? configFields(items, `${path}[]`) : []
    return [field, ...nested]
  })
}

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(typeOf).join(' or ')
  const type = String(schema.type ?? 'any')
  const bounds: string[] = []
  if (typeof schema.minimum === 'number' && schema.minimum > Number.MIN_SAFE_INTEGER) bounds.push(`≥ ${schema.minimum}`)
  if (typeof schema.exclusiveMinimum === 'number') bounds.push(`> ${schema.exclusiveMinimum}`)
  if (typeof schema.maximum === 'number' && schema.maximum < Number.MAX_SAFE_INTEGER) bounds.push(`≤ ${schema.maximum}`)
  if (typeof schema.exclusiveMaximum === 'number') bounds.push(`< ${schema.exclusiveMaximum}`)
  if (typeof schema.minLength === 'number' && schema.minLength > 0) bounds.push(`min length ${schema.minLength}`)
  if (typeof schema.maxLength === 'number') bounds.push(`max length ${schema.maxLength}`)
  if (typeof schema.minItems === 'number') bounds.push(`≥ ${schema.minItems} items`)
  if (typeof schema.maxItems === 'number') bounds.push(`≤ ${schema.maxItems} items`)
  if (typeof schema.format === 'string') bounds.push(`format ${schema.format}`)
  const base = type === 'array' ? `list of ${typeOf((schema.items ?? {}) as JsonSchema)}` : type
  return bounds.length > 0 ? `${base} (${bounds.join(', ')})` : base
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The reference page of every node type, as Markdown. Deterministic: same registry, same bytes. */
export function renderNodesDoc(descriptions: readonly NodeTypeDescription[]): string {
  const lines: string[] = [
    '# Node types',
    '',
    '<!-- Generated by `npm run docs:nodes` from the node declarations (nodes/ and the folders in',
    'sluice.config.ts). Do not edit by hand: engine/registry/describe-nodes.test.ts fails when this',
    'file is stale. -->',
    '',
    'Every node type Sluice knows, from its declaration. Outputs are what edges connect; the config',
    'table lists the fields a flow file sets under the node\'s `config`.',
    '',
    '| Type | Version | Category | Title | Outputs |',
    '|---|---|---|---|---|',
    ...descriptions.map((d) => `| [\`${d.type}\`](#${d.type}) | ${d.version} | ${d.category} | ${cell(d.title)} | ${d.outputs ? d.outputs.map((o) => `\`${o}\``).join(', ') : 'from the config'} |`),
    '',
  ]
  for (const d of descriptions) {
    lines.push(`## ${d.type}`, '', `**${d.title}**: ${d.description}`, '')
    lines.push(`- Category: ${d.category} · icon: ${d.icon}`)
    lines.push(`- Version: ${d.version}${d.migratesFrom.length > 0 ? ` (configs of version ${d.migratesFrom.join(', ')} are migrated on load)` : ''}`)
    lines.push(`- Outputs: ${d.outputs ? d.outputs.map((o) => `\`${o}\``).join(', ') : 'computed from the config'}`)
    lines.push(`- Timing: ${d.timing === 'waits' ? 'may hold customers over time (waits)' : 'instant'}${d.cohort === 'whole' ? ' · runs once over every customer due at the node' : d.cohort === 'config' ? ' · runs once over every customer due at the node when its config or the contact policy in force needs them all (asked every tick; otherwise in batches)' : ''}`)
    if (d.declares.length > 0) lines.push(`- Declares: ${d.declares.map((fact) => FACT_TEXT[fact]).join('; ')}`)
    if (d.source) lines.push(`- Declared in: \`${d.source}\``)
    lines.push('', '### Config', '')
    const fields = configFields(d.configSchema)
    if (fields.length === 0) lines.push('No settings.')
    else {
      lines.push('| Field | Type | Required | Default | Description |', '|---|---|---|---|---|')
      for (const f of fields) {
        lines.push(`| \`${f.path}\` | ${cell(f.type)} | ${f.required ? 'yes' : 'no'} | ${f.default === undefined ? '' : `\`${cell(JSON.stringify(f.default))}\``} | ${cell(f.description)} |`)
      }
    }
    lines.push('', '<details><summary>Config JSON Schema</summary>', '', '```json', JSON.stringify(d.configSchema, null, 2), '```', '', '</details>', '')
  }
  return `${lines.join('\n').trimEnd()}\n`
}
