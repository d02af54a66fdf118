/**
 * `sluice run` on a flow whose nodes throw: the report names each failing node with its message
 * and how many customers it stopped, in text and in --json, and the command fails (exit 1)
 * after printing it.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isUserError } from '../../engine/errors.ts'
import { openStore } from '../../store/open-store.ts'
import { runCommand } from '../run-command.ts'
import { register } from './run.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const HOUR = 3_600_000
const START = Date.UTC(2025, 4, 1)
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-run-errors-'))
const db = path.join(temp, 'store.db')
const flowFile = path.join(temp, 'broken.flow.json')
afterAll(() => rmSync(temp, { recursive: true, force: true }))

const nodeFolders = ['--nodes', 'test/fixtures/node-types', '--nodes', 'test/fixtures/failing-nodes']
const args = ['run', flowFile, '--db', db, '--start', '2025-05-01', '--until', '2025-05-03', ...nodeFolders]
const run = (...extra: string[]) => runCommand(register, [...args, ...extra])

beforeAll(async () => {
  const store = await openStore({ db, now: () => START })
  await store.upsertCustomers([
    { id: 'gold-1', attributes: { tier: 'gold' } },
    { id: 'gold-2', attributes: { tier: 'gold' } },
    { id: 'silver', attributes: { tier: 'silver' } },
    { id: 'bronze', attributes: { tier: 'bronze' } },
  ])
  await store.insertEvents(['gold-1', 'gold-2', 'silver', 'bronze'].map((customerId, i) => ({ id: `e${i}`, customerId, type: 'signup', at: START + HOUR })))
  await store.close()
  // gold → score (throws), silver → rank (throws another message), the rest → mail.
  writeFileSync(flowFile, JSON.stringify({
    id: 'broken', name: 'Broken', version: 1,
    nodes: [
      { id: 'start', type: 'trigger', config: { event: { type: 'signup' } } },
      { id: 'gold', type: 'test-filter', config: { attribute: 'tier', equals: 'gold' } },
      { id: 'score', type: 'test-fail', config: { message: 'scoring service unavailable' } },
      { id: 'silver', type: 'test-filter', config: { attribute: 'tier', equals: 'silver' } },
      { id: 'rank', type: 'test-fail', config: { message: 'no model for tier "silver"' } },
      { id: 'mail', type: 'test-send', config: { channel: 'email', template: 'welcome' } },
    ],
    edges: [
      { from: 'start', output: 'entered', to: 'gold' },
      { from: 'gold', output: 'match', to: 'score' },
      { from: 'gold', output: 'no match', to: 'silver' },
      { from: 'silver', output: 'match', to: 'rank' },
      { from: 'silver', output: 'no match', to: 'mail' },
    ],
    settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  }))
})

describe('sluice run with nodes that throw', () => {
  it('lists each failing node with its customers and message, then fails', async () => {
    const result = await run()
    expect(result.stdout).toContain('  customers: 1 finished, 0 still in the flow, 3 in error, 0 cancelled\n')
    expect(result.stdout.replace(/run '[^']+'/g, 'run …')).toContain([
      '  errors (node, customers, message):',
      "    score   2  node 'score' failed in run …: scoring service unavailable",
      '    rank    1  node \'rank\' failed in run …: no model for tier "silver"',
      '',
    ].join('\n'))
    expect(isUserError(result.error)).toBe(true)
    expect((result.error as Error).message).toBe('3 customers ended in error at "score", "rank"; the report above gives each node\'s message and how many customers it stopped')
  })

  it('gives the same groups in --json', async () => {
    const result = await run('--json')
    const report = JSON.parse(result.stdout) as { errors: { nodeId: string; message: string; customers: number }[]; positions: { error: number } }
    expect(report.positions.error).toBe(3)
    expect(report.errors.map((group) => [group.nodeId, group.customers, group.message.replace(/run '[^']+'/, 'run …')])).toEqual([
      ['score', 2, "node 'score' failed in run …: scoring service unavailable"],
      ['rank', 1, 'node \'rank\' failed in run …: no model for tier "silver"'],
    ])
    expect((result.error as Error).message).toMatch(/^3 customers ended in error at "score", "rank"; "errors" in the report gives/)
  })

  it('exits 1 with the report still printed (child process)', () => {
    const child = spawnSync(process.execPath, ['cli/bin.mjs', ...args], { cwd: repo, encoding: 'utf8' })
    expect(child.status).toBe(1)
    expect(child.stdout).toContain("node 'score' failed in run")
    expect(child.stderr).toBe('error: 3 customers ended in error at "score", "rank"; the report above gives each node\'s message and how many customers it stopped\n')
  })
})

describe('sluice run warns about names the attribute catalogue does not know', () => {
  const namesDb = path.join(temp, 'names.db')
  const namesFlow = path.join(temp, 'tiers.flow.json')
  const namesArgs = ['run', namesFlow, '--db', namesDb, '--start', '2025-05-01', '--until', '2025-05-03', '--by', 'member_teir']

  beforeAll(async () => {
    const store = await openStore({ db: namesDb, now: () => START })
    await store.defineAttributes([{ name: 'member_tier', type: 'string', source: 'declared' }, { name: 'first_name', type: 'string', source: 'declared' }])
    await store.upsertCustomers([{ id: 'ann', attributes: { member_tier: 'gold', first_name: 'Ann' } }])
    await store.insertEvents([{ id: 'e1', customerId: 'ann', type: 'signup', at: START + HOUR }])
    await store.close()
    writeFileSync(namesFlow, JSON.stringify({
      id: 'tiers', name: 'Tiers', version: 1,
      nodes: [
        { id: 'start', type: 'trigger', config: { event: { type: 'signup' } } },
        { id: 'seg', type: 'filter-segment', config: { segment: { type: 'attribute', name: 'member_teir', op: 'eq', value: 'gold' } } },
        { id: 'mail', type: 'choose-channel', config: { candidates: [{ channel: 'email', body: 'Hello {{first_name}}' }] } },
      ],
      edges: [{ from: 'start', output: 'entered', to: 'seg' }, { from: 'seg', output: 'match', to: 'mail' }, { from: 'seg', output: 'no match', to: 'mail' }],
      settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 }, goal: { event: 'purchase', withinDays: 3 } },
    }))
  })

  const expected = [
    ['filter-segment.segment.unknown-attribute', 'seg', 'nodes[seg].config.segment.name', 'attribute "member_teir" is not in the catalogue (did you mean "member_tier"?); it matches no one until some customer has it'],
    ['choose-channel.template-name', 'mail', 'nodes[mail].config.candidates[0].body', '"{{first_name}}" at character 6 renders empty: the message has no "first_name"; customer values are "customer.<attribute>" (did you mean "customer.first_name"?)'],
    ['run.unknown-attribute', undefined, '--by', 'attribute "member_teir" is not in the catalogue (did you mean "member_tier"?); every customer falls in one "(none)" row'],
  ]

  it('lists them in --json, and runs', async () => {
    const result = await runCommand(register, [...namesArgs, '--json'])
    expect(result.error).toBeUndefined()
    const report = JSON.parse(result.stdout) as { warnings: { code: string; severity: string; nodeId?: string; path: string; message: string }[]; positions: { done: number } }
    expect(report.warnings.map((w) => [w.code, w.nodeId, w.path, w.message])).toEqual(expected)
    expect(report.warnings.every((w) => w.severity === 'warning')).toBe(true)
    expect(report.positions.done).toBe(1)
  })

  it('prints them under the first line of the text report', async () => {
    const result = await runCommand(register, namesArgs)
    expect(result.error).toBeUndefined()
    const lines = result.stdout.split('\n')
    expect(lines.slice(1, 4)).toEqual(expected.map(([code, , where, message]) => `  warning ${where}: ${message}  [${code}]`))
  })
})
