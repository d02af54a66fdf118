/**
 * `sluice runs show|customers` on a store file (test/support/whereabouts-run.ts): the table per
 * node says who waits until when, who is held at the gate and who is done; the customer pages
 * say why (the cap and its window for the held one), follow the cursor, and refuse a bad state.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isUserError } from '../../engine/errors.ts'
import type { RunWhereabouts, WhereaboutsPage } from '../../engine/journal/run-whereabouts.ts'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { DAY, seedWhereaboutsRun } from '../../test/support/whereabouts-run.ts'
import { runCommand } from '../run-command.ts'
import { register } from './runs.ts'

const temp = mkdtempSync(path.join(tmpdir(), 'sluice-whereabouts-'))
const db = path.join(temp, 'store.db')
const NOW = Date.now()
let runId: string
afterAll(() => rmSync(temp, { recursive: true, force: true }))

beforeAll(async () => {
  const store = await openStore({ db })
  runId = await seedWhereaboutsRun(openEngineStore(store), await loadRegistry({ root: false }), NOW)
  await store.close()
})

const sluice = async (...args: string[]) => {
  const result = await runCommand(register, ['runs', ...args, '--db', db])
  // cli-table3 colours borders and headings; the text is what is asserted.
  return { ...result, stdout: stripVTControlCharacters(result.stdout) }
}
const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')

describe('sluice runs show', () => {
  it('prints per node the waiting with until when, the held at the gate and the done per output', async () => {
    const result = await sluice('show', runId)
    expect(result.error).toBeUndefined()
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe(`Run ${runId} (flow where v1, running): 2 waiting, 1 held, 0 error, 1 done`)
    const capRow = lines.find((l) => l.includes('cap (Weekly cap)')) as string
    expect(capRow.split('│').map((c) => c.trim())).toEqual(['', 'cap (Weekly cap)', 'throttle', '', `1 until ${minute(NOW - 3_600_000 + 7 * DAY)}`, '', '', ''])
    const pauseRow = (lines.find((l) => l.includes('settle (Settle)')) as string).split('│').map((c) => c.trim())
    expect(pauseRow[3]).toMatch(/^2 (until \S+ \S+|\S+ \S+ → \S+ \S+)$/)
    expect(pauseRow[6]).toBe('1 (done 1)')
    const heldDay = new Date(NOW - 3_600_000 + 7 * DAY).toISOString().slice(0, 10)
    expect(result.stdout).toContain(`cap held by day (UTC): ${heldDay} 1`)
    expect(result.stdout).toMatch(/settle waiting by day \(UTC\): \d{4}-\d\d-\d\d 2/)
  })

  it('--json is the whereabouts the API serves', async () => {
    const where = JSON.parse((await sluice('show', runId, '--json')).stdout) as RunWhereabouts
    expect(where.totals).toEqual({ waiting: 2, held: 1, error: 0, done: 1, cancelled: 0 })
    expect(where.nodes.map((n) => [n.nodeId, n.held.count, n.waiting.count, n.done.count])).toEqual([['cap', 1, 0, 0], ['settle', 0, 2, 1]])
  })

  it('sluice runs splits the active customers into waiting and held', async () => {
    const runs = JSON.parse((await runCommand(register, ['runs', '--db', db, '--json'])).stdout) as { id: string; customers: Record<string, number> }[]
    expect(runs.map((r) => [r.id, r.customers])).toEqual([[runId, { active: 3, waiting: 2, held: 1, done: 1, error: 0, cancelled: 0 }]])
    const header = (await sluice('--flow', 'where')).stdout.split('\n').find((l) => l.includes('entries')) as string
    expect(header.split('│').map((c) => c.trim()).filter((c) => c !== '')).toEqual(['run', 'flow', 'v', 'state', 'entries', 'waiting', 'held', 'done', 'error', 'created'])
  })

  it('refuses an unknown run', async () => {
    const result = await sluice('show', 'nope')
    expect(isUserError(result.error)).toBe(true)
    expect(String(result.error)).toContain("run 'nope' was not found")
  })
})

describe('sluice runs customers', () => {
  it('lists the customers at a node with why they are there: the cap and its window for the held one', async () => {
    const result = await sluice('customers', runId, '--node', 'cap')
    expect(result.error).toBeUndefined()
    expect(result.stdout).toContain('w-1')
    expect(result.stdout).toContain('held')
    expect(result.stdout.replace(/[│\s]+/g, ' ')).toContain('deferred (cap:email:week): the email cap for the week was reached')
    expect(result.stdout).not.toContain('w-2')
  })

  it('pages by state with --after, saying how to get the next page', async () => {
    const first = await sluice('customers', runId, '--state', 'waiting', '--limit', '1')
    expect(first.error).toBeUndefined()
    const page = JSON.parse((await sluice('customers', runId, '--state', 'waiting', '--limit', '1', '--json')).stdout) as WhereaboutsPage
    expect(page.customers.map((c) => c.customerId)).toEqual(['w-2'])
    expect(first.stdout).toContain(`More: sluice runs customers ${runId} --state waiting --after ${page.next}`)
    const next = JSON.parse((await sluice('customers', runId, '--state', 'waiting', '--limit', '1', '--after', String(page.next), '--json')).stdout) as WhereaboutsPage
    expect(next.customers.map((c) => [c.customerId, c.reason])).toEqual([['w-3', `waiting until ${next.customers[0]?.dueAt}, then taken up here`]])
    const done = await sluice('customers', runId, '--state', 'done')
    expect(done.stdout).toContain('finished the journey on "done"')
  })

  it('refuses an unknown state and a bad limit, naming the option', async () => {
    const state = await sluice('customers', runId, '--state', 'asleep')
    expect(isUserError(state.error)).toBe(true)
    expect(String(state.error)).toContain('--state: expected one of waiting, held, error, done, cancelled, got "asleep"')
    const limit = await sluice('customers', runId, '--limit', '0')
    expect(String(limit.error)).toContain('--limit: expected a whole number from 1 to 1000, got "0"')
  })
})
