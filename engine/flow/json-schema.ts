/**
 * The JSON Schema of flow files, generated from the zod schema into schema/flow.schema.json so
 * editors validate and complete flow files as they are typed. flow-schema.test.ts fails when
 * the committed file is stale; regenerate with `npm run schema:flow`.
 */
import { z } from 'zod'
import { flowSchema } from './schema.ts'

/** The flow file JSON Schema (draft 2020-12, input side: what people write). */
export function flowJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(flowSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>
  return { ...schema, $id: 'https://sluice.dev/schema/flow.schema.json' }
}

/** The text of schema/flow.schema.json. */
export function flowJsonSchemaText(): string {
  return `${JSON.stringify(flowJsonSchema(), null, 2)}\n`
}
