// Every campaign in flows/ is a valid, canonically formatted flow file: it verifies against the
// built-in node types with no error, and saving it again changes no byte (small review diffs).
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { formatFlow, verifyFlowText } from '../engine/flow/index.ts'
import { flowSchema } from '../engine/flow/schema.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'

const dir = fileURLToPath(new URL('../flows/', import.meta.url))
const files = readdirSync(dir).filter((name) => name.endsWith('.flow.json')).sort()

describe('flows/', () => {
  it('holds example campaigns', () => {
    expect(files.length).toBeGreaterThan(0)
  })

  it.each(files)('%s verifies with no error and is canonically formatted', async (name) => {
    const registry = await loadRegistry({ root: false })
    const text = readFileSync(`${dir}${name}`, 'utf8')
    const errors = verifyFlowText(text, registry).filter((issue) => issue.severity === 'error')
    expect(errors).toEqual([])
    const flow = flowSchema.parse(JSON.parse(text))
    expect(`${flow.id}.flow.json`).toBe(name)
    expect(formatFlow(flow)).toBe(text)
  })
})
