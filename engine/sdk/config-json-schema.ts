/**
 * JSON Schema of a node's config, as the editor form, `sluice nodes` and docs/nodes.md use it.
 */
import { z } from 'zod'

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Record<string, unknown>

/**
 * The JSON Schema of what an author writes in a flow file (zod's input side: fields with a
 * default are optional). Throws when the schema has parts JSON Schema cannot express.
 */
export function configJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema
}

/**
 * Why a config schema cannot serve as a node config, or undefined when it can. Both sides must
 * be representable: the input side feeds the form, and the output side is what gets stored and
 * migrated, so a transform (whose output JSON Schema cannot describe) is rejected too.
 */
export function configSchemaProblem(schema: z.ZodType): string | undefined {
  let input: JsonSchema
  try {
    input = configJsonSchema(schema)
    z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' })
  } catch (error) {
    return `config schema cannot become JSON Schema: ${error instanceof Error ? error.message : String(error)}`
  }
  if (input.type !== 'object') return 'config schema must be a z.object(...) (a config is an object of named fields)'
  return undefined
}
