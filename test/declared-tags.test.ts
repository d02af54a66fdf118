/**
 * The segment language's `rfm` condition matches the tag RFM_CELL_TAG; that tag must be one a
 * built-in node declares writing (`writesTags`), with the RFM cells as its values. A rename in
 * the score node fails here instead of silently matching nobody. The win-back campaign scores
 * customers by RFM, so its flow is the example asked. The tag's name is a constant of the
 * segment format (engine/segment/schema.ts, decisions §38): no other product code spells it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { flowSchema } from '../engine/flow/schema.ts'
import { writtenTags } from '../engine/registry/node-facts.ts'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import { RFM_CELL_TAG, RFM_CELLS } from '../engine/segment/index.ts'

describe('declared tags', () => {
  it('the RFM cell tag segments match is the one an RFM score node declares, with every cell', async () => {
    const registry = await loadRegistry({ root: false })
    const flow = flowSchema.parse(JSON.parse(readFileSync(new URL('../flows/win-back.flow.json', import.meta.url), 'utf8')))
    const tags = writtenTags(flow, registry).flatMap(({ fact }) => fact)
    expect(tags).toContainEqual({ name: RFM_CELL_TAG, layer: 'predictive', values: RFM_CELLS })
  })

  it('names the RFM cell tag in one place: the segment format; engine, store and nodes use RFM_CELL_TAG', () => {
    const root = new URL('..', import.meta.url).pathname
    const spelled: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && /['"`]rfm_cell['"`]/.test(readFileSync(path, 'utf8'))) spelled.push(relative(root, path))
      }
    }
    for (const folder of ['engine', 'store', 'nodes']) walk(join(root, folder))
    expect(spelled).toEqual(['engine/segment/schema.ts'])
  })
})
