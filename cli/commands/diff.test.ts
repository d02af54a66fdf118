import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ValidationError } from '../../engine/errors.ts'
import { runCommand } from '../run-command.ts'
import { register } from './diff.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const sluice = (...args: string[]) => spawnSync(process.execPath, ['cli/bin.mjs', ...args], { cwd: repo, encoding: 'utf8' })
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-diff-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('sluice diff', () => {
  const before = 'test/fixtures/flows/valid/welcome.flow.json'
  const after = path.join(temp, 'welcome.flow.json')
  const flow = JSON.parse(readFileSync(path.join(repo, before), 'utf8'))
  flow.version = 4
  flow.nodes.find((n: { id: string }) => n.id === 'wait-1').config.hours = 48
  flow.layout.entry = { x: 500, y: 500 }
  writeFileSync(after, JSON.stringify(flow, null, 2))

  it('prints what changed, ignoring layout, and exits 0 (child process)', () => {
    const run = sluice('diff', before, after)
    expect(run.status).toBe(0)
    expect(run.stdout).toBe([
      `${before} (v3) → ${after} (v4)`,
      'flow',
      '  ~ version: 3 → 4',
      'nodes',
      '  ~ wait-1 (test-wait)',
      '      config.hours: 24 → 48',
      '',
    ].join('\n'))
  })

  it('prints the diff as JSON with --json', async () => {
    const run = await runCommand(register, ['diff', before, after, '--json'])
    expect(run.error).toBeUndefined()
    expect(JSON.parse(run.stdout).nodesChanged).toEqual([{ id: 'wait-1', type: 'test-wait', config: [{ path: 'config.hours', from: 24, to: 48 }] }])
  })

  it('fails with a user error naming the file and field when a flow is malformed', async () => {
    const run = await runCommand(register, ['diff', before, 'test/fixtures/flows/invalid/missing-settings.flow.json'])
    expect(run.error).toBeInstanceOf(ValidationError)
    expect((run.error as Error).message).toBe('test/fixtures/flows/invalid/missing-settings.flow.json: invalid flow:\n  settings: required: expected object')
  })

  it('says when nothing but the layout changed', async () => {
    const moved = path.join(temp, 'moved.flow.json')
    writeFileSync(moved, JSON.stringify({ ...JSON.parse(readFileSync(path.join(repo, before), 'utf8')), layout: {} }))
    const run = await runCommand(register, ['diff', before, moved])
    expect(run.stdout).toBe(`no changes between ${before} (v3) and ${moved} (v3) (layout and notes ignored)\n`)
  })
})
