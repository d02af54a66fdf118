import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import ajvFormats from 'ajv-formats'
import { beforeAll, describe, expect, it } from 'vitest'
import { flowJsonSchema } from '../flow/json-schema.ts'
import { EDITOR_WIDGET_KEY } from '../segment/schema.ts'
import { configFields, describeNodeTypes } from './describe-nodes.ts'
import { loadRegistry } from './load-nodes.ts'
import type { NodeRegistry } from './registry.ts'
import { NODES_DOC_FILE, projectNodesDoc, REPO_ROOT } from './write-nodes-doc.ts'

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default

let registry: NodeRegistry
beforeAll(async () => {
  registry = await loadRegistry({ root: REPO_ROOT, nodeDirs: [path.join(REPO_ROOT, 'test/fixtures/node-types')] })
})

describe('docs/nodes.md', () => {
  it('is up to date with the node declarations (run `npm run docs:nodes` after changing a node type)', async () => {
    expect(readFileSync(NODES_DOC_FILE, 'utf8')).toBe(await projectNodesDoc())
  })
})

describe('config JSON Schemas', () => {
  it('every registered config schema compiles as JSON Schema 2020-12 and agrees with zod on examples', () => {
    // Formats (uri, email, date-time) are part of JSON Schema; ajv checks them through ajv-formats.
    const ajv = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }))
    // The editor's annotation on segment schemas (which form widget to use) is Sluice's own keyword.
    ajv.addKeyword(EDITOR_WIDGET_KEY)
    const descriptions = describeNodeTypes(registry)
    expect(descriptions.map((d) => d.type)).toEqual(expect.arrayContaining(['ab-split', 'test-filter', 'test-send', 'test-trigger', 'test-wait']))
    for (const description of descriptions) {
      expect(() => ajv.compile(description.configSchema), description.type).not.toThrow()
    }
    const split = ajv.compile(describeNodeTypes(registry).find((d) => d.type === 'ab-split')!.configSchema)
    expect(split({ variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 2 }] })).toBe(true)
    expect(split({ variants: [{ name: 'A', weight: 0 }, { name: 'B', weight: 2 }] })).toBe(false)
    expect(split({ variants: [{ name: 'A', weight: 1 }] })).toBe(false)
  })

  it('the flow file JSON Schema compiles and accepts the example flows', () => {
    const validate = new Ajv2020({ strict: false }).compile(flowJsonSchema())
    const welcome = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/flows/valid/welcome.flow.json'), 'utf8'))
    expect(validate(welcome), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({ ...welcome, settings: undefined })).toBe(false)
  })
})

describe('describeNodeTypes', () => {
  it('describes declarations for `sluice nodes --json`', () => {
    const filter = describeNodeTypes(registry).find((d) => d.type === 'test-filter')
    expect(filter).toMatchObject({
      type: 'test-filter', version: 1, versions: [1], title: 'Test filter', category: 'audience', icon: 'filter',
      timing: 'instant', cohort: 'batches', outputs: ['match', 'no match'], migratesFrom: [], declares: [],
    })
    expect(describeNodeTypes(registry).find((d) => d.type === 'ab-split')).toMatchObject({ outputs: null, migratesFrom: [1] })
  })

  it('lists the facts each built-in declares, and the reference page says them', async () => {
    const byType = new Map(describeNodeTypes(registry).map((d) => [d.type, d]))
    expect(byType.get('measure')?.declares).toEqual(['measures'])
    expect(byType.get('throttle')?.declares).toEqual(expect.arrayContaining(['gatesChannel', 'limits']))
    expect(byType.get('score')?.declares).toEqual(['writesTags'])
    expect(byType.get('trigger')?.declares).toEqual(['entry'])
    expect(byType.get('throttle')?.cohort).toBe('config')
    const doc = await projectNodesDoc()
    const throttle = doc.slice(doc.indexOf('## throttle'), doc.indexOf('### Config', doc.indexOf('## throttle')))
    expect(throttle).toContain('- Declares: gates a channel for the contact policy (`gatesChannel`')
    expect(throttle).toContain('when its config or the contact policy in force needs them all')
  })

  it('flattens nested config fields with their types and titles', () => {
    const split = describeNodeTypes(registry).find((d) => d.type === 'ab-split')!
    expect(configFields(split.configSchema).map((f) => [f.path, f.type, f.required])).toEqual([
      ['variants', 'list of object (≥ 2 items, ≤ 26 items)', true],
      ['variants[].name', 'string (min length 1, max length 40)', true],
      ['variants[].weight', 'number (> 0)', true],
      ['salt', 'string (min length 1)', false],
    ])
  })
})
