/**
 * `sluice run`: a flow back-tested over the store's history on the simulated clock. Exact
 * counts, the same counts on a second run (the simulation is rolled back), `--keep` to commit
 * it, and clear errors for bad arguments.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../engine/errors.ts'
import { runCommand } from '../cli/run-command.ts'
import { register } from '../cli/commands/run.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'

const DAY = 86_400_000
const HOUR = 3_600_000
const START = Date.UTC(2025, 4, 1)
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-run-'))
const db = path.join(temp, 'store.db')
const flowFile = path.join(temp, 'welcome.flow.json')
afterAll(() => rmSync(temp, { recursive: true, force: true }))

const run = (...args: string[]) => runCommand(register, ['run', flowFile, '--db', db, '--nodes', 'test/fixtures/node-types', ...args])

beforeAll(async () => {
  const store = await openStore({ db, now: () => START })
  await store.upsertCustomers([
    { id: 'gold-1', attributes: { tier: 'gold' } },
    { id: 'gold-2', attributes: { tier: 'gold' } },
    { id: 'silver', attributes: { tier: 'silver' } },
    { id: 'late', attributes: { tier: 'gold' } },
  ])
  await store.insertEvents([
    { id: 'e1', customerId: 'gold-1', type: 'signup', at: START + HOUR },
    { id: 'e2', customerId: 'gold-2', type: 'signup', at: START + 5 * DAY },
    { id: 'e3', customerId: 'silver', type: 'signup', at: START + 2 * DAY },
    // Its wait ends after --until: still in the flow when the simulation stops.
    { id: 'e4', customerId: 'late', type: 'signup', at: START + 9 * DAY },
    // Before --start: history, not an entry.
    { id: 'e0', customerId: 'late', type: 'signup', at: START - DAY },
  ])
  await store.close()
  writeFileSync(
    flowFile,
    JSON.stringify({
      id: 'welcome', name: 'Welcome', version: 1,
      nodes: [
        { id: 'start', type: 'trigger', config: { event: { type: 'signup' } } },
        { id: 'wait', type: 'wait', config: { for: { amount: 2, unit: 'days' } } },
        { id: 'gold', type: 'test-filter', config: { attribute: 'tier', equals: 'gold' } },
        { id: 'mail', type: 'test-send', config: { channel: 'email', template: 'welcome' } },
      ],
      edges: [
        { from: 'start', output: 'entered', to: 'wait' },
        { from: 'wait', output: 'done', to: 'gold' },
        { from: 'gold', output: 'match', to: 'mail' },
      ],
      settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
    }),
  )
})

describe('sluice run', () => {
  it('back-tests the flow over [start, until) and prints per-node counts and sends as JSON, the same every time', async () => {
    const first = await run('--start', '2025-05-01', '--until', '2025-05-10T12:00:00Z', '--json')
    expect(first.error).toBeUndefined()
    const report = JSON.parse(first.stdout)
    expect(report).toMatchObject({
      flow: { id: 'welcome', version: 1 },
      start: '2025-05-01',
      until: '2025-05-10T12:00:00.000Z',
      kept: false,
      nodes: {
        start: { entered: 4, outputs: { entered: 4 } },
        // The wait decides every arrival's due time at once: "late" left on `done` for day 11.
        wait: { entered: 4, outputs: { done: 4 } },
        gold: { entered: 3, outputs: { match: 2, 'no match': 1 } },
        mail: { entered: 2, outputs: { sent: 2 } },
      },
      sends: { email: 2 },
      delivery: { sent: 2, pending: 0, dead: 0 },
      positions: { active: 1, done: 3, error: 0, cancelled: 0 },
    })
    expect(Object.keys(report.nodes)).toEqual(['start', 'wait', 'gold', 'mail'])
    expect(typeof report.runId).toBe('string')

    // Rolled back: the store holds no run, and the second run sees the same data.
    const store = await openStore({ db })
    expect(await openEngineStore(store).listRuns()).toEqual([])
    expect(await store.listContacts('gold-1')).toEqual([])
    await store.close()
    const second = await run('--start', '2025-05-01', '--until', '2025-05-10T12:00:00Z', '--json')
    expect(JSON.parse(second.stdout)).toEqual(report)
  })

  it('prints a readable summary, and --keep commits the run', async () => {
    const kept = await run('--start', '2025-05-01', '--until', '2025-05-20', '--keep')
    expect(kept.error).toBeUndefined()
    expect(kept.stdout).toMatch(/^Ran welcome v1 on SQLite .*store\.db, simulated 2025-05-01 → 2025-05-20 \(\d+ ticks; kept\)\n/)
    expect(kept.stdout).toMatch(/\n {2}gold +4 {2}match 3, no match 1\n {2}mail +3 {2}sent 3\n/)
    expect(kept.stdout).toContain('  sends: email 3\n')
    const store = await openStore({ db })
    expect((await store.listContacts('late')).map((c) => c.at)).toEqual([START + 11 * DAY])
    await store.close()
  })

  it('refuses an end before the start, a bad batch size and an invalid flow, naming what to fix', async () => {
    const backwards = await run('--start', '2025-05-10', '--until', '2025-05-01')
    expect(backwards.error).toBeInstanceOf(UserError)
    expect((backwards.error as Error).message).toBe('--until (2025-05-01) must be after --start (2025-05-10)')
    expect(((await run('--start', '2025-05-01', '--batch-size', '0')).error as Error).message).toMatch(/--batch-size: expected a whole number/)
    const bad = path.join(temp, 'bad.flow.json')
    writeFileSync(bad, JSON.stringify({ id: 'bad', name: 'Bad', version: 1, nodes: [{ id: 'start', type: 'trigger', config: {} }], edges: [], settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } } }))
    const invalid = await runCommand(register, ['run', bad, '--db', db])
    expect((invalid.error as Error).message).toMatch(/nodes\[start\]\.config: give exactly one of "event", "schedule", "audience"/)
    // No measure node and no settings.goal: no measure report, and nothing to break down.
    expect(((await run('--by', 'tier')).error as Error).message).toBe('--by and --by-tag break down the measure report, but flow "welcome" has no measure node and no settings.goal')
    expect(((await run('--by', 'tier', '--by-tag', 'cell')).error as Error).message).toBe('give --by or --by-tag, not both')
  })
})
