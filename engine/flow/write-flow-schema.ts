/**
 * Writes schema/flow.schema.json from the zod flow schema: `npm run schema:flow`.
 */
import { writeFile, mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { flowJsonSchemaText } from './json-schema.ts'

/** Where the generated flow JSON Schema lives in the repository. */
export const FLOW_SCHEMA_FILE = fileURLToPath(new URL('../../schema/flow.schema.json', import.meta.url))

/** Regenerates the committed flow JSON Schema file. */
export async function writeFlowSchema(): Promise<void> {
  await mkdir(fileURLToPath(new URL('../../schema/', import.meta.url)), { recursive: true })
  await writeFile(FLOW_SCHEMA_FILE, flowJsonSchemaText(), 'utf8')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFlowSchema()
  process.stdout.write(`wrote ${FLOW_SCHEMA_FILE}\n`)
}
