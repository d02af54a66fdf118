/**
 * The SDK is the whole surface for node authors: ESLint rejects node code (nodes/, examples/,
 * and a project's node folders as `sluice nodes --check` lints them) that imports any engine
 * module but the SDK, and lets the SDK, the test harness and zod through. Each sample is a
 * string linted with ESLint's Node API as if it sat in a node folder.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ESLint } from 'eslint'
import { afterAll, describe, expect, it } from 'vitest'

const repository = new ESLint()
const projectFolder = mkdtempSync(path.join(tmpdir(), 'sluice-boundary-'))
// Loaded by URL as cli/node-folder-check.ts does (eslint.config.js is plain JavaScript, untyped).
const { nodeFolderLintConfig } = (await import(new URL('../eslint.config.js', import.meta.url).href)) as { nodeFolderLintConfig: () => unknown }
const project = new ESLint({ cwd: projectFolder, overrideConfigFile: true, overrideConfig: nodeFolderLintConfig() as never })
afterAll(() => rmSync(projectFolder, { recursive: true, force: true }))

/** The import-boundary messages (first sentence) ESLint reports for `code` at `filePath`. */
async function boundary(eslint: ESLint, code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message.split(/[.:]\s/)[0] ?? m.message)
}

const SDK_ONLY = "'../../engine/clock/zoned-time.ts' import is restricted from being used by a pattern"

describe('node import boundary', () => {
  it.each([
    ['nodes/sample-node/index.ts', "import { zonedParts } from '../../engine/clock/zoned-time.ts'\nexport const parts = zonedParts(0, 'UTC')"],
    ['examples/sample-node/index.ts', "import { zonedParts } from '../../engine/clock/zoned-time.ts'\nexport const parts = zonedParts(0, 'UTC')"],
  ])('rejects an engine module other than the SDK in %s', async (filePath, code) => {
    expect(await boundary(repository, code, filePath)).toEqual([SDK_ONLY])
  })

  it.each([
    ["import type { Channel } from '../../engine/ports/store.ts'\nexport type C = Channel", 'the ports'],
    ["import { UserError } from '../../engine/errors.ts'\nexport const e = UserError", 'the errors module'],
    ["import { NodeRegistry } from '../../engine/registry/registry.ts'\nexport const r = NodeRegistry", 'the registry'],
    ["import { closest } from '../../engine/sdk/zod-issues.ts'\nexport const c = closest", "the SDK's own files behind its index"],
    ["import { parseCron } from 'sluice/engine/scheduler/cron.ts'\nexport const p = parseCron", 'a deep sluice/ path'],
  ])('rejects %s (%s)', async (code) => {
    expect(await boundary(repository, code, 'nodes/sample-node/index.ts')).toHaveLength(1)
  })

  it('lets the SDK, the harness and libraries through', async () => {
    const code = [
      "import { defineNode, zonedParts } from '../../engine/sdk/index.ts'",
      "import { z } from 'sluice/sdk'",
      "import { testNode } from 'sluice/testing'",
      "import { format } from 'node:util'",
      'export const all = [defineNode, zonedParts, z, testNode, format]',
    ].join('\n')
    expect(await boundary(repository, code, 'nodes/sample-node/index.ts')).toEqual([])
    expect(await boundary(repository, code, 'examples/sample-node/index.ts')).toEqual([])
  })

  it('still keeps node code away from store/ and server/', async () => {
    const messages = await boundary(repository, "import { openStore } from '../../store/open-store.ts'\nexport const o = openStore", 'nodes/sample-node/index.ts')
    expect(messages).toEqual(["'../../store/open-store.ts' import is restricted from being used by a pattern"])
  })

  it('lets node tests open a real store and registry, but not other engine internals', async () => {
    const allowed = "import { NodeRegistry } from '../../engine/registry/registry.ts'\nimport { openStore } from '../../store/open-store.ts'\nexport const all = [NodeRegistry, openStore]"
    expect(await boundary(repository, allowed, 'nodes/sample-node/index.test.ts')).toEqual([])
    expect(await boundary(repository, "import { parseCron } from '../../engine/scheduler/cron.ts'\nexport const p = parseCron", 'examples/sample-node/index.test.ts')).toHaveLength(1)
  })

  it('holds in a project node folder linted as sluice nodes --check does', async () => {
    const deep = "import { parseCron } from 'sluice/engine/scheduler/cron.ts'\nexport const p = parseCron"
    expect(await boundary(project, deep, path.join(projectFolder, 'my-node', 'index.ts'))).toHaveLength(1)
    const relative = "import { zonedParts } from '../../../sluice/engine/clock/zoned-time.ts'\nexport const z = zonedParts"
    expect(await boundary(project, relative, path.join(projectFolder, 'my-node', 'index.ts'))).toHaveLength(1)
    const sdk = "import { defineNode } from 'sluice/sdk'\nexport const d = defineNode"
    expect(await boundary(project, sdk, path.join(projectFolder, 'my-node', 'index.ts'))).toEqual([])
  })
})
