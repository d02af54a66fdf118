/**
 * `sluice runs evict|move|redrive` on a store file: each acts as the API does, journals the OS
 * user or --as, and refuses (exit 1, one message) a move to the trigger or to a node the run's
 * version lacks, changing nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isUserError } from '../../engine/errors.ts'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { seedControlRuns, type ControlRuns } from '../../test/support/control-run.ts'
import { runCommand } from '../run-command.ts'
import { register } from './runs.ts'

const temp = mkdtempSync(path.join(tmpdir(), 'sluice-run-operations-'))
const db = path.join(temp, 'store.db')
const segmentFile = path.join(temp, 'gold.json')
let runs: ControlRuns
afterAll(() => rmSync(temp, { recursive: true, force: true }))

beforeAll(async () => {
  const store = await openStore({ db })
  runs = await seedControlRuns(openEngineStore(store), await loadRegistry({ root: false }), Date.now())
  await store.close()
  writeFileSync(segmentFile, JSON.stringify({ type: 'attribute', name: 'plan', op: 'eq', value: 'gold' }))
})

async function inStore<T>(fn: (store: EngineStore) => Promise<T>): Promise<T> {
  const store = await openStore({ db })
  try {
    return await fn(openEngineStore(store))
  } finally {
    await store.close()
  }
}
const positionOf = (runId: string, id: string) => inStore(async (store) => {
  const [ref] = await store.customersByIds([id])
  return (await store.getPositions(runId, [ref?.key as number]))[0]
})
const controlNotes = (runId: string, control: string) => inStore(async (store) =>
  (await store.readJournal(runId, { kinds: ['note'] })).map((r) => JSON.parse(r.data as string) as { message: string; data: { control?: string; by?: unknown } }).filter((n) => n.data.control === control))
const sluice = (...args: string[]) => runCommand(register, ['runs', ...args, '--db', db])

describe('sluice runs evict|move|redrive', () => {
  it('evicts by id (journalled as the OS user) and by segment (as --as)', async () => {
    const byId = await sluice('evict', runs.hold, '--customers', 'c-6')
    expect(byId.error).toBeUndefined()
    expect(byId.stdout).toBe(`Evicted 1 customer(s) from run ${runs.hold} (at hold 1).\n`)
    expect((await positionOf(runs.hold, 'c-6'))?.state).toBe('cancelled')
    const bySegment = await sluice('evict', runs.hold, '--segment', segmentFile, '--as', 'ana', '--json')
    expect(JSON.parse(bySegment.stdout)).toEqual({ runId: runs.hold, evicted: 3, byNode: { hold: 3 }, sendsStopped: 0 })
    expect((await controlNotes(runs.hold, 'evict')).map((n) => n.data.by)).toEqual([{ name: userInfo().username, role: 'cli' }, { name: 'ana', role: 'cli' }])
  })

  it('refuses a move to the trigger or to a node the version lacks, then moves', async () => {
    const before = await positionOf(runs.hold, 'c-4')
    const trigger = await sluice('move', runs.hold, '--customers', 'c-4', '--to', 'in')
    expect(isUserError(trigger.error)).toBe(true)
    expect(String(trigger.error)).toContain(`cannot move customers of run "${runs.hold}" to node "in": it is the flow's trigger`)
    const unknown = await sluice('move', runs.hold, '--customers', 'c-4', '--to', 'nowhere')
    expect(String(unknown.error)).toContain('has no such node (its nodes: first, hold, in, then)')
    expect(await positionOf(runs.hold, 'c-4')).toEqual(before)

    const moved = await sluice('move', runs.hold, '--customers', 'c-4,c-5', '--to', 'then', '--as', 'bo')
    expect(moved.error).toBeUndefined()
    expect(moved.stdout).toBe(`Moved 2 customer(s) of run ${runs.hold} to "then" (from hold 2).\n`)
    expect((await positionOf(runs.hold, 'c-4'))?.nodeId).toBe('then')
    expect((await controlNotes(runs.hold, 'move'))[0]).toMatchObject({ message: '2 customer(s) moved from "hold" to "then" by bo (cli)', data: { to: 'then' } })
  })

  it('re-drives the dead and failing sends of some customers', async () => {
    const result = await sluice('redrive', runs.mail, '--customers', 'c-1,c-3')
    expect(result.error).toBeUndefined()
    expect(result.stdout).toBe(`Re-drove 1 send(s) of run ${runs.mail}; 1 dead send(s) left, their fallback channel took over.\n`)
    const rows = new Map((await inStore((store) => store.listOutbox({ runId: runs.mail }))).map((r) => [r.id, r]))
    expect(rows.get(runs.sends.get('c-1')?.id as number)).toMatchObject({ state: 'pending', attempts: 0 })
    expect(rows.get(runs.sends.get('c-2')?.id as number)).toMatchObject({ state: 'dead', attempts: 5 })
    expect(rows.get(runs.sends.get('c-3')?.id as number)?.state).toBe('dead')
  })

  it('needs --customers or --segment, and a known run', async () => {
    expect(String((await sluice('evict', runs.hold)).error)).toContain('give --customers or --segment')
    expect(String((await sluice('redrive', 'nope')).error)).toContain("run 'nope' was not found")
  })
})
