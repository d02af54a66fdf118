import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { NodeDeclarationError } from '../../engine/errors.ts'
import { runCommand } from '../run-command.ts'
import { register } from './nodes.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const sluice = (...args: string[]) => spawnSync(process.execPath, ['cli/bin.mjs', ...args], { cwd: repo, encoding: 'utf8' })

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
})
