/**
 * `sluice why` on a store file: the text names the cap and its window for a customer the cap
 * defers, and the channel with the bandit's sampled values for one it sent; --json is the API's
 * trace; a customer who never entered the run is refused naming both.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isUserError } from '../../engine/errors.ts'
import type { JourneyTrace } from '../../engine/journal/journey-trace.ts'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { seedJourneyRun } from '../../test/support/journey-run.ts'
import { runCommand } from '../run-command.ts'
import { register } from './why.ts'

const temp = mkdtempSync(path.join(tmpdir(), 'sluice-why-'))
const db = path.join(temp, 'store.db')
let runId: string
afterAll(() => rmSync(temp, { recursive: true, force: true }))

beforeAll(async () => {
  const store = await openStore({ db })
  runId = await seedJourneyRun(openEngineStore(store), await loadRegistry({ root: false }), Date.now())
  await store.close()
})

const sluice = (...args: string[]) => runCommand(register, ['why', ...args, '--db', db])

describe('sluice why', () => {
  it('names the cap and its window for a customer held by it', async () => {
    const result = await sluice('j-1')
    expect(result.error).toBeUndefined()
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe(`j-1 in run ${runId} (flow gate v1, running)`)
    expect(lines[1]).toMatch(/^ {2}\S+Z {2}in \(Trigger\) {2}→ entered: entered on a "signup" event$/)
    expect(lines[2]).toMatch(/ {2}cap \(Weekly cap\) {2}waiting: deferred \(cap:email:week\): the email cap for the week was reached \(this gate's cap: at most 1 per rolling week \(the last 7 days\)\); checked again/)
    expect(lines[3]).toMatch(/^ {2}now: at cap, due \S+Z$/)
    expect(lines[4]).toBe('  messages: none')
  })

  it('names the channel and the sampled values for a customer the bandit sent; --json is the trace', async () => {
    const json = await sluice('j-2', '--run', runId, '--json')
    const trace = JSON.parse(json.stdout) as JourneyTrace
    const send = trace.runs[0]?.steps.find((s) => s.nodeId === 'send')
    const scores = send?.detail?.values?.scores as Record<string, number>
    const chosen = Object.entries(scores).sort((a, b) => b[1] - a[1])[0]?.[0] as string
    expect(send?.output).toBe(chosen)
    const text = (await sluice('j-2')).stdout
    expect(text).toContain(`send (Choose channel and send)  → ${chosen}: sent by ${chosen}, chosen by the bandit strategy; sampled response rates (Thompson sampling, highest wins): email ${Number(scores.email?.toPrecision(4))}, sms ${Number(scores.sms?.toPrecision(4))}`)
    expect(text).toMatch(new RegExp(`messages:\\n {4}\\S+Z {2}send {2}${chosen}: sent \\S+Z`))
  })

  it('refuses a run the customer never entered', async () => {
    const result = await sluice('j-2', '--run', 'nope')
    expect(isUserError(result.error)).toBe(true)
    expect(String(result.error)).toContain("run 'nope' was not found")
  })
})
