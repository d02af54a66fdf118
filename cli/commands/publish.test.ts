import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../engine/errors.ts'
import { runCommand } from '../run-command.ts'
import { parseMapping, register } from './publish.ts'
import { register as registerRuns } from './runs.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-publish-'))
const db = path.join(temp, 'store.db')
const sluice = (...args: string[]) => spawnSync(process.execPath, ['cli/bin.mjs', ...args], { cwd: repo, encoding: 'utf8' })
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('sluice publish, runs, pause, resume, cancel', () => {
  beforeAll(() => {
    expect(sluice('db', 'migrate', '--db', db).status).toBe(0)
  })

  it('publishes a flow file, lists its run, and controls it', async () => {
    const published = await runCommand(register, ['publish', 'flows/abandoned-cart.flow.json', '--db', db, '--json'])
    expect(published.error).toBeUndefined()
    const result = JSON.parse(published.stdout) as { flowId: string; version: number; created: boolean; runId: string; state: string }
    expect(result).toMatchObject({ flowId: 'abandoned-cart', version: 1, created: true, state: 'running' })

    const again = await runCommand(register, ['publish', 'flows/abandoned-cart.flow.json', '--db', db])
    expect(again.stdout).toContain('already published with the same logic')

    const runs = JSON.parse((await runCommand(registerRuns, ['runs', '--db', db, '--json'])).stdout) as { id: string; state: string }[]
    expect(runs).toEqual([expect.objectContaining({ id: result.runId, flowId: 'abandoned-cart', state: 'running' })])
    expect((await runCommand(registerRuns, ['pause', result.runId, '--db', db])).stdout).toBe(`Run ${result.runId} is paused.\n`)
    expect((await runCommand(registerRuns, ['resume', result.runId, '--db', db])).stdout).toBe(`Run ${result.runId} is running.\n`)

    // A changed file is the next version; pin keeps the first run going for its customers.
    const flow = JSON.parse(readFileSync(path.join(repo, 'flows/abandoned-cart.flow.json'), 'utf8')) as { nodes: { id: string; config: Record<string, unknown> }[] }
    const wait = flow.nodes.find((n) => n.id === 'wait-for-purchase') as unknown as { config: { event: { timeout: { amount: number } } } }
    wait.config.event.timeout.amount = 6
    const changed = path.join(temp, 'abandoned-cart.flow.json')
    writeFileSync(changed, JSON.stringify(flow))
    const second = JSON.parse((await runCommand(register, ['publish', changed, '--db', db, '--json'])).stdout) as { version: number; runId: string }
    expect(second.version).toBe(2)
    const table = (await runCommand(registerRuns, ['runs', '--db', db])).stdout
    expect(table).toContain(second.runId)
    expect(table).toContain('closed')

    expect((await runCommand(registerRuns, ['cancel', second.runId, '--db', db])).stdout).toBe(`Run ${second.runId} is cancelled.\n`)
    const unknown = await runCommand(registerRuns, ['pause', 'no-such-run', '--db', db])
    expect(unknown.error).toBeInstanceOf(UserError)
    expect((unknown.error as Error).message).toBe("run 'no-such-run' was not found")
  })

  it('refuses a bad policy and a bad mapping with the flag named', async () => {
    const run = await runCommand(register, ['publish', 'flows/win-back.flow.json', '--db', db, '--policy', 'later'])
    expect((run.error as Error).message).toBe('--policy: expected one of pin, migrate, drain, got "later"')
    expect(() => parseMapping(['a=b', 'oops'])).toThrow('--map: expected OLD_NODE=NEW_NODE, got "oops"')
    expect(parseMapping(['a=b', 'c=d'])).toEqual({ a: 'b', c: 'd' })
  })

  it('says how to start when there are no runs (child process, exit 0)', () => {
    const empty = path.join(temp, 'empty.db')
    expect(sluice('db', 'migrate', '--db', empty).status).toBe(0)
    const run = sluice('runs', '--db', empty)
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('No runs yet')
  })
})
