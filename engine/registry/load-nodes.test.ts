import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeDeclarationError } from '../errors.ts'
import { discoverNodeFiles, loadNodeFolder, loadRegistry } from './load-nodes.ts'
import { loadProjectConfig } from './project-config.ts'
import { NodeRegistry } from './registry.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = path.join(repo, 'test/fixtures')
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-registry-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('discoverNodeFiles', () => {
  it('finds each node-type folder of a folder, in name order', () => {
    const files = discoverNodeFiles(path.join(fixtures, 'node-types')).map((f) => path.relative(fixtures, f))
    expect(files).toEqual(['node-types/test-filter/index.ts', 'node-types/test-send/index.ts', 'node-types/test-trigger/index.ts', 'node-types/test-wait/index.ts'])
  })

  it('treats a folder with its own index.ts as one node type', () => {
    expect(discoverNodeFiles(path.join(repo, 'examples/custom-node')).map((f) => path.basename(f))).toEqual(['index.ts'])
  })

  it('names a folder that does not exist', () => {
    expect(() => discoverNodeFiles(path.join(temp, 'nope'))).toThrow(/node folder .*nope does not exist/)
  })
})

describe('loadNodeFolder', () => {
  it('loads real node types', async () => {
    const registry = new NodeRegistry()
    await loadNodeFolder(registry, path.join(fixtures, 'node-types'))
    expect(registry.types()).toEqual(['test-filter', 'test-send', 'test-trigger', 'test-wait'])
    expect(registry.get('test-wait')?.timing).toBe('waits')
  })

  it.each([
    ['duplicate-type', /duplicate-type\/two\/index.ts: node type 'dup-type' is already declared by .*duplicate-type\/one\/index.ts/],
    ['date-config', /date-config\/index.ts: node type 'dated' is not a valid declaration:\n {2}- config: config schema cannot become JSON Schema: Date cannot be represented/],
    ['plain-object', /plain-object\/index.ts: node type 'plain-node' is not a valid declaration:[\s\S]*version: expected a positive integer, got 0[\s\S]*outputs: expected at least one output/],
    ['no-default', /no-default\/index.ts: has no default export; export default defineNode/],
  ])('refuses %s with a message naming the file and type', async (folder, message) => {
    const attempt = loadNodeFolder(new NodeRegistry(), path.join(fixtures, 'bad-nodes', folder))
    await expect(attempt).rejects.toThrow(NodeDeclarationError)
    await expect(loadNodeFolder(new NodeRegistry(), path.join(fixtures, 'bad-nodes', folder))).rejects.toThrow(message)
  })
})

describe('project config', () => {
  it('registers the example custom node through the repository sluice.config.ts alone', async () => {
    const registry = await loadRegistry({ root: repo })
    expect(registry.get('ab-split')?.version).toBe(2)
    expect(registry.sourceOf('ab-split')).toMatch(/examples\/custom-node\/index.ts$/)
  })

  it('resolves config folders relative to the config file and adds --nodes folders', async () => {
    const project = path.join(temp, 'project')
    mkdirSync(project, { recursive: true })
    writeFileSync(path.join(project, 'sluice.config.mjs'), `export default { nodes: [${JSON.stringify(path.relative(project, path.join(repo, 'examples/custom-node')))}] }\n`)
    const registry = await loadRegistry({ root: project, builtins: false, nodeDirs: [path.join(fixtures, 'node-types')] })
    expect(registry.types()).toEqual(['ab-split', 'test-filter', 'test-send', 'test-trigger', 'test-wait'])
  })

  it('works without a config file', async () => {
    expect(await loadProjectConfig(path.join(temp))).toEqual({ config: {}, nodeDirs: [] })
  })

  it('rejects a config whose nodes entry is not a list of folders, naming the file and field', async () => {
    const project = path.join(temp, 'bad-project')
    mkdirSync(project, { recursive: true })
    writeFileSync(path.join(project, 'sluice.config.mjs'), 'export default { nodes: "examples/custom-node" }\n')
    await expect(loadProjectConfig(project)).rejects.toThrow(/bad-project\/sluice.config.mjs: invalid project config:\n {2}default.nodes: expected array, got "examples\/custom-node"/)
  })

  it('names a config folder that does not exist', async () => {
    const project = path.join(temp, 'missing-folder')
    mkdirSync(project, { recursive: true })
    writeFileSync(path.join(project, 'sluice.config.mjs'), 'export default { nodes: ["custom"] }\n')
    await expect(loadRegistry({ root: project, builtins: false })).rejects.toThrow(/node folder .*missing-folder\/custom does not exist/)
  })
})
