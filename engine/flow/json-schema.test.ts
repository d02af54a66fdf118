import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { flowJsonSchemaText } from './json-schema.ts'
import { FLOW_SCHEMA_FILE } from './write-flow-schema.ts'

describe('schema/flow.schema.json', () => {
  it('matches the zod flow schema (run `npm run schema:flow` after changing engine/flow/schema.ts)', () => {
    expect(readFileSync(FLOW_SCHEMA_FILE, 'utf8')).toBe(flowJsonSchemaText())
  })
})
