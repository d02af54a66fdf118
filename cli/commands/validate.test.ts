import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../../engine/errors.ts'
import { openStore } from '../../store/open-store.ts'
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

describe('sluice validate --db: attribute names against the store\'s catalogue', () => {
  const db = path.join(temp, 'catalogue.db')
  const file = path.join(temp, 'tiers.flow.json')
  const flow = {
    id: 'tiers', name: 'Tiers', version: 1,
    nodes: [
      { id: 'start', type: 'trigger', config: { event: { type: 'signup' } } },
      { id: 'seg', type: 'filter-segment', config: { segment: { type: 'attribute', name: 'member_teir', op: 'eq', value: 'gold' } } },
      { id: 'mail', type: 'choose-channel', config: { candidates: [{ channel: 'email', subject: 'Hi {{customer.first_nmae}}', body: 'Hello {{first_name}}, you are {{customer.member_tier}} ({{customer.id}}).' }] } },
    ],
    edges: [{ from: 'start', output: 'entered', to: 'seg' }, { from: 'seg', output: 'match', to: 'mail' }, { from: 'seg', output: 'no match', to: 'mail' }],
    settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  }

  it('warns about an unknown attribute in a filter and unknown names in a template, with "did you mean", and passes', async () => {
    const store = await openStore({ db })
    await store.defineAttributes([{ name: 'member_tier', type: 'string', source: 'declared' }, { name: 'first_name', type: 'string', source: 'declared' }])
    await store.close()
    writeFileSync(file, JSON.stringify(flow))
    const run = await validate(file, '--db', db, '--json')
    expect(run.error).toBeUndefined()
    const report = JSON.parse(run.stdout)
    expect(report).toMatchObject({ ok: true, errors: 0, warnings: 3 })
    expect(report.files[0].issues.map((i: { code: string; severity: string; nodeId: string; path: string; message: string }) => [i.code, i.severity, i.nodeId, i.path, i.message])).toEqual([
      ['filter-segment.segment.unknown-attribute', 'warning', 'seg', 'nodes[seg].config.segment.name', 'attribute "member_teir" is not in the catalogue (did you mean "member_tier"?); it matches no one until some customer has it'],
      ['choose-channel.template-name', 'warning', 'mail', 'nodes[mail].config.candidates[0].subject', '"{{customer.first_nmae}}" at character 3 renders empty: attribute "first_nmae" is not in the catalogue (did you mean "customer.first_name"?)'],
      ['choose-channel.template-name', 'warning', 'mail', 'nodes[mail].config.candidates[0].body', '"{{first_name}}" at character 6 renders empty: the message has no "first_name"; customer values are "customer.<attribute>" (did you mean "customer.first_name"?)'],
    ])
  })

  it('without a store, leaves names alone (the file is judged the same on every machine)', async () => {
    writeFileSync(file, JSON.stringify(flow))
    const run = await validate(file, '--json')
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, errors: 0, warnings: 0 })
  })

  it('keeps a catalogue finding a warning even where the node would call it an error (a value outside an enum)', async () => {
    const enumDb = path.join(temp, 'enum.db')
    const store = await openStore({ db: enumDb })
    await store.defineAttributes([{ name: 'member_tier', type: 'enum', values: ['gold', 'silver'], source: 'declared' }])
    await store.close()
    const flowWithEnum = { ...flow, nodes: flow.nodes.map((n) => (n.id === 'seg' ? { ...n, config: { segment: { type: 'attribute', name: 'member_tier', op: 'eq', value: 'platnum' } } } : n)) }
    writeFileSync(file, JSON.stringify(flowWithEnum))
    const run = await validate(file, '--db', enumDb, '--json')
    expect(run.error).toBeUndefined()
    const issues = JSON.parse(run.stdout).files[0].issues as { code: string; severity: string; path: string }[]
    expect(issues.find((i) => i.path === 'nodes[seg].config.segment.value')).toMatchObject({ code: 'filter-segment.segment.attribute-type', severity: 'warning' })
  })
})
