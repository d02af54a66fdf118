/**
 * Which fields of a node's config are segments: the registry's JSON Schema marks the segment
 * schema with `x-sluice-widget: 'segment'` (engine/segment/schema.ts), here or behind a `$ref`.
 * segmentForm() gives rjsf the schema and uiSchema that put the segment builder on each such
 * field, at any depth (trigger's `schedule.audience.segment`), so a custom node type with a
 * segment field gets the builder with no editor code.
 *
 * In the schema rjsf sees, a segment is opaque (its title, description and mark only): the
 * builder owns it, and rjsf neither picks a `oneOf` option for it nor fills it with defaults
 * (it would add `values: [null]` to satisfy a `minItems` of an operator the rule does not use).
 * The server checks the segment itself.
 */
export const SEGMENT_WIDGET = 'segment'
const MARK = 'x-sluice-widget'

type Schema = Record<string, unknown>
export type UiSchema = Record<string, unknown>

/** The builder replaces rjsf's own rendering of the field, option picker included. */
const SEGMENT_UI = { 'ui:field': SEGMENT_WIDGET, 'ui:fieldReplacesAnyOrOneOf': true }

function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema
  const target = ref.slice(2).split('/').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root)
  if (!target || typeof target !== 'object') return schema
  const { $ref: _ref, ...own } = schema
  return { ...(target as Schema), ...own }
}

/** Whether this (sub)schema is a segment. */
export function isSegmentSchema(schema: Schema, root: Schema): boolean {
  return schema[MARK] === SEGMENT_WIDGET || resolve(schema, root)[MARK] === SEGMENT_WIDGET
}

/** A segment as rjsf sees it: its words and the mark, no structure. */
function opaque(schema: Schema, root: Schema): Schema {
  const resolved = resolve(schema, root)
  return {
    [MARK]: SEGMENT_WIDGET,
    ...(typeof schema.title === 'string' ? { title: schema.title } : typeof resolved.title === 'string' ? { title: resolved.title } : {}),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
  }
}

/** The schema and uiSchema for rjsf: every segment field opaque and drawn by the builder. Unchanged (same object) when there is none. */
export function segmentForm(schema: Schema): { schema: Schema; uiSchema: UiSchema } {
  const found = walk(schema, schema, 0)
  return found ?? { schema, uiSchema: {} }
}

// Segments nest segments (all / any / not): the builder takes over at the first one, and the
// depth bound keeps a recursive schema without the mark from recursing for ever.
const MAX_DEPTH = 12

/** The rewritten schema and its uiSchema, or null when there is no segment below. */
function walk(schema: Schema, root: Schema, depth: number): { schema: Schema; uiSchema: UiSchema } | null {
  if (depth > MAX_DEPTH) return null
  const resolved = resolve(schema, root)
  const properties = (resolved.properties ?? {}) as Record<string, Schema>
  const ui: UiSchema = {}
  const rewritten: Record<string, Schema> = {}
  for (const [name, property] of Object.entries(properties)) {
    if (isSegmentSchema(property, root)) {
      rewritten[name] = opaque(property, root)
      ui[name] = SEGMENT_UI
      continue
    }
    const nested = walk(property, root, depth + 1)
    if (nested) {
      rewritten[name] = nested.schema
      ui[name] = nested.uiSchema
    }
  }
  let items: Schema | undefined
  const itemSchema = resolved.items as Schema | undefined
  if (itemSchema && typeof itemSchema === 'object') {
    if (isSegmentSchema(itemSchema, root)) {
      items = opaque(itemSchema, root)
      ui.items = SEGMENT_UI
    } else {
      const nested = walk(itemSchema, root, depth + 1)
      if (nested) {
        items = nested.schema
        ui.items = nested.uiSchema
      }
    }
  }
  if (Object.keys(ui).length === 0) return null
  return {
    schema: { ...resolved, ...(Object.keys(rewritten).length > 0 ? { properties: { ...properties, ...rewritten } } : {}), ...(items ? { items } : {}) },
    uiSchema: ui,
  }
}
