import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../../engine/errors.ts'
import { runCommand } from '../run-command.ts'
import { register } from './validate.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const fixtureTypes = ['--nodes', 'test/fixtures/node-types']
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-validate-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))
const validate = (...args: string[]) => runCommand(register, ['validate', ...args, ...fixtureTypes])

describe('sluice validate', () => {
  it('exits 1 on an error, printing the problem grouped under its file and no stack trace (child process)', () => {
    const run = spawnSync(
      process.execPath,
      ['cli/bin.mjs', 'validate', 'test/fixtures/flows/valid/welcome.flow.json', 'test/fixtures/flows/invalid/config-out-of-range.flow.json', ...fixtureTypes],
      { cwd: repo, encoding: 'utf8' },
    )
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('bad test/fixtures/flows/invalid/config-out-of-range.flow.json\n    error   nodes[wait-1].config.hours  expected integer ≥ 1, got 0  [node.config]')
    expect(run.stdout).toContain('ok  test/fixtures/flows/valid/welcome.flow.json')
    expect(run.stderr).toBe('error: 1 error in 1 file\n')
  })

  it('succeeds for valid flows and says so per file', async () => {
    const run = await validate('test/fixtures/flows/valid/welcome.flow.json', 'test/fixtures/flows/valid/nudge-loop.flow.json')
    expect(run.error).toBeUndefined()
    expect(run.stdout).toBe([
      'ok  test/fixtures/flows/valid/welcome.flow.json',
      'ok  test/fixtures/flows/valid/nudge-loop.flow.json',
      '',
      '2 files checked: 0 errors, 0 warnings',
      '',
    ].join('\n'))
  })

  it('prints machine-readable issues with --json and still fails', async () => {
    const run = await validate('test/fixtures/flows/invalid/two-triggers.flow.json', '--json')
    expect(run.error).toBeInstanceOf(UserError)
    const report = JSON.parse(run.stdout)
    expect(report).toMatchObject({ ok: false, errors: 1, warnings: 0 })
    expect(report.files[0].issues).toEqual([
      expect.objectContaining({ code: 'flow.multiple-triggers', severity: 'error', nodeId: 'entry-2', path: 'nodes[entry-2]' }),
    ])
  })

  it('lists warnings with the errors', async () => {
    const run = await validate('test/fixtures/flows/invalid/edge-unknown-output.flow.json')
    expect(run.stdout).toContain('    warning nodes[vip]       output "match" of "vip" is not connected')
    expect(run.stdout).toContain('1 file checked: 1 error, 1 warning')
    expect((run.error as Error).message).toBe('1 error in 1 file')
  })

  it('passes a flow that has warnings only', async () => {
    const flow = JSON.parse(readFileSync(path.join(repo, 'test/fixtures/flows/valid/welcome.flow.json'), 'utf8'))
    const split = flow.nodes.find((n: { id: string }) => n.id === 'split-1')
    split.version = 1
    split.config = { weights: { A: 1, B: 1 } }
    const file = path.join(temp, 'welcome.flow.json')
    writeFileSync(file, JSON.stringify(flow))
    const run = await validate(file)
    expect(run.error).toBeUndefined()
    expect(run.stdout).toContain('config of ab-split v1 is migrated to v2 when loaded; save the flow to upgrade the file  [node.version-migrated]')
  })

  it('reports a missing file as that file\'s error and still checks the others', async () => {
    const run = await validate('nope.flow.json', 'test/fixtures/flows/valid/welcome.flow.json')
    expect((run.error as Error).message).toBe('1 error in 1 file')
    expect(run.stdout).toContain('bad nope.flow.json\n    error   (file)  no such file  [flow.file]')
    expect(run.stdout).toContain('ok  test/fixtures/flows/valid/welcome.flow.json')
  })

  it('fails cleanly when a --nodes folder does not exist', async () => {
    const run = await runCommand(register, ['validate', 'test/fixtures/flows/valid/welcome.flow.json', '--nodes', 'no/such/folder'])
    expect(run.error).toBeInstanceOf(UserError)
    expect((run.error as Error).message).toBe('node folder no/such/folder does not exist or is not a folder')
  })
})
