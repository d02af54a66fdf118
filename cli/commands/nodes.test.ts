import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { NodeDeclarationError } from '../../engine/errors.ts'
import { runCommand } from '../run-command.ts'
import { register } from './nodes.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const sluice = (...args: string[]) => spawnSync(process.execPath, ['cli/bin.mjs', ...args], { cwd: repo, encoding: 'utf8' })
const sluiceIn = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [path.join(repo, 'cli/bin.mjs'), ...args], { cwd, encoding: 'utf8' })

/** A project outside the repository, as a newcomer makes one: no package.json, no node_modules. */
const project = mkdtempSync(path.join(tmpdir(), 'sluice-project-'))
afterAll(() => rmSync(project, { recursive: true, force: true }))
function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(project, file)), { recursive: true })
  writeFileSync(path.join(project, file), text)
}
write('sluice.config.ts', "export default { nodes: ['vip-check'] }\n")
write('vip-check/index.ts', `import { defineNode, z } from 'sluice/sdk'
import { atLeast } from './tiers.ts'

export default defineNode({
  type: 'vip-check', version: 1, title: 'VIP check', category: 'audience', icon: 'star',
  description: 'Routes customers at or above a loyalty tier to vip.',
  config: z.object({ minTier: z.enum(['silver', 'gold', 'platinum']) }),
  outputs: ['vip', 'other'],
  async run({ config, customers, ctx }) {
    const profiles = new Map((await ctx.data.customers(customers)).map((c) => [c.id, c]))
    const vip = customers.filter((c) => atLeast(String(profiles.get(c.id)?.attributes.member_tier ?? 'bronze'), config.minTier))
    return { routes: { vip, other: customers.filter((c) => !vip.includes(c)) } }
  },
})
`)
write('vip-check/tiers.ts', "const ORDER = ['bronze', 'silver', 'gold', 'platinum']\nexport const atLeast = (tier: string, min: string): boolean => ORDER.indexOf(tier) >= ORDER.indexOf(min)\n")
// Imports zod itself (not through the SDK): it resolves from Sluice's install.
write('more/zod-direct/index.ts', `import { z } from 'zod'
import { defineNode } from 'sluice/sdk'

export default defineNode({
  type: 'zod-direct', version: 1, title: 'Zod direct', category: 'flow', icon: 'split', description: 'Passes everyone.',
  config: z.object({}),
  outputs: ['out'],
  async run({ customers }) {
    return { routes: { out: customers } }
  },
})
`)
// Loads (the declaration is valid at run time) but breaks a type and the determinism rule.
write('broken/stamp/index.ts', `import { defineNode, z } from 'sluice/sdk'

export default defineNode({
  type: 'stamp', version: 1, title: 'Stamp', category: 'flow', icon: 'star', description: 'Stamps customers.',
  config: z.object({}),
  outputs: ['vip', 'other'],
  async run({ customers }) {
    const at = Date.now()
    return { routes: { vipp: customers.map((customer) => ({ customer, values: { at } })), other: [] } }
  },
})
`)

describe('sluice nodes', () => {
  it('lists the example custom node, registered only through sluice.config.ts', async () => {
    const run = await runCommand(register, ['nodes'])
    expect(run.error).toBeUndefined()
    expect(run.stdout).toContain([
      'ab-split (v2, flow) — A/B/n split',
      '    Splits customers deterministically by weight into one output per variant; a customer always lands in the same variant.',
      '    outputs: computed from the config · migrates configs from v1',
      '    config: variants, salt?',
      '    declared in examples/custom-node/index.ts',
    ].join('\n'))
  })

  it('prints declarations with config JSON Schemas as JSON, including --nodes folders', async () => {
    const run = await runCommand(register, ['nodes', '--json', '--nodes', 'test/fixtures/node-types'])
    expect(run.error).toBeUndefined()
    const types = JSON.parse(run.stdout) as { type: string; outputs: string[] | null; configSchema: { type: string } }[]
    expect(types.map((t) => t.type)).toEqual(expect.arrayContaining(['ab-split', 'test-trigger', 'test-filter', 'test-wait', 'test-send']))
    expect(types.find((t) => t.type === 'test-filter')).toMatchObject({ outputs: ['match', 'no match'], configSchema: { type: 'object' } })
  })

  it('exits 1 with the file and type when two folders declare the same type (child process)', () => {
    const run = sluice('nodes', '--nodes', 'test/fixtures/bad-nodes/duplicate-type')
    expect(run.status).toBe(1)
    expect(run.stderr).toBe(
      "error: test/fixtures/bad-nodes/duplicate-type/two/index.ts: node type 'dup-type' is already declared by test/fixtures/bad-nodes/duplicate-type/one/index.ts; type names must be unique (rename one of them)\n",
    )
  })

  it('fails with the file and the reason for a config schema JSON Schema cannot express', async () => {
    const run = await runCommand(register, ['nodes', '--nodes', 'test/fixtures/bad-nodes/date-config'])
    expect(run.error).toBeInstanceOf(NodeDeclarationError)
    expect((run.error as Error).message).toMatch(/^test\/fixtures\/bad-nodes\/date-config\/index.ts: node type 'dated' is not a valid declaration:\n {2}- config: config schema cannot become JSON Schema: Date cannot be represented in JSON Schema/)
  })

  it('loads node folders outside the repository, from sluice.config.ts and --nodes, with sluice/sdk and zod from Sluice (child process)', () => {
    const run = sluiceIn(project, 'nodes', '--json', '--nodes', 'more')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const types = JSON.parse(run.stdout) as { type: string; outputs: string[] | null; source?: string }[]
    expect(types.find((t) => t.type === 'vip-check')).toMatchObject({ outputs: ['vip', 'other'], source: 'vip-check/index.ts' })
    expect(types.find((t) => t.type === 'zod-direct')).toMatchObject({ outputs: ['out'], source: 'more/zod-direct/index.ts' })
    expect(types.map((t) => t.type)).toEqual(expect.arrayContaining(['trigger', 'measure']))
  })

  it('--check type-checks and lints project node folders like nodes/: a misspelt route and Date.now() fail with file and line (child process)', () => {
    const run = sluiceIn(project, 'nodes', '--check', '--nodes', 'broken')
    expect(run.status).toBe(1)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^broken\/stamp\/index.ts:3:27 {2}error {2}.*'run returns routes that are not declared outputs': "vipp".*\(typescript TS2345\)$/)
    expect(lines[1]).toBe('broken/stamp/index.ts:8:16  error  Read time through ctx.now() (engine: the injected Clock). Date.now() breaks replay and simulation.  (no-restricted-syntax)')
    expect(lines[2]).toBe('checked vip-check, broken: 2 error(s), 0 warning(s)')
    expect(run.stderr).toBe('error: 2 error(s) in the node folders\n')
  })
})
