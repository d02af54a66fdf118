/**
 * `sluice replay RUN --flow FILE | --version N` on a store file: the text compares the nodes
 * (the score node's pass and fail moved by the number of customers SQL finds scored between the
 * two cut-offs), names changed customers with both paths, `--csv` writes every one of them,
 * `--json` is the API's report; the store keeps nothing; bad flag combinations are refused.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isUserError } from '../../engine/errors.ts'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import type { CounterfactualReport } from '../../engine/replay/counterfactual.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { seedCounterfactualRun, winBackWithCutOff } from '../../test/support/counterfactual-run.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { runCommand } from '../run-command.ts'
import { register } from './replay.ts'

const temp = createTempFolder('sluice-replay-cf-')
const db = temp.db('store')
const v2 = temp.db('v2').replace(/\.db$/, '.flow.json')
const csv = temp.db('changed').replace(/\.db$/, '.csv')
let runId: string
afterAll(() => temp.remove())

beforeAll(async () => {
  const store = await openStore({ db })
  runId = await seedCounterfactualRun(openEngineStore(store), await loadRegistry({ root: false }), 9)
  await store.close()
  writeFileSync(v2, JSON.stringify(winBackWithCutOff(11, 2)))
}, 300_000)

const sluice = (...args: string[]) => runCommand(register, ['replay', ...args, '--db', db])

/** Ids of the run's customers whose rfm_score tag is in [from, to), by SQL over the file. */
function scoredBetween(from: number, to: number): string[] {
  const sql = new Database(db, { readonly: true })
  try {
    return (sql.prepare(`SELECT c.external_id AS id FROM customer_tags t JOIN customers c ON c.key = t.customer_key
      WHERE t.name = 'rfm_score' AND t.num >= ? AND t.num < ? ORDER BY c.key`).all(from, to) as { id: string }[]).map((r) => r.id)
  } finally {
    sql.close()
  }
}

function sqlCount(text: string): number {
  const sql = new Database(db, { readonly: true })
  try {
    return (sql.prepare(text).get() as { n: number }).n
  } finally {
    sql.close()
  }
}

describe('sluice replay --flow (counterfactual)', () => {
  it('prints the nodes compared and examples of changed customers, and writes them all to --csv', async () => {
    const between = scoredBetween(9, 11)
    expect(between.length).toBeGreaterThan(2)
    const result = await sluice(runId, '--flow', v2, '--csv', csv, '--examples', '2')
    expect(result.error).toBeUndefined()
    const text = result.stdout
    expect(text.split('\n')[0]).toMatch(new RegExp(`^Counterfactual replay of run ${runId} \\(win-back v1\\) through v2 \\(flow file\\) on SQLite .+, 2026-08-31 → \\S+, in a snapshot copy; nothing sent, nothing kept$`))
    expect(text).toMatch(/^Inputs: /m)
    const passed = scoredBetween(9, 100).length
    expect(text).toContain(`pass ${passed} → ${passed - between.length} (−${between.length})`)
    expect(text).toContain(`fail ${40 - passed} → ${40 - passed + between.length} (+${between.length})`)
    const sent = sqlCount("SELECT count(*) AS n FROM outbox WHERE channel = 'email'")
    const lost = sqlCount(`SELECT count(*) AS n FROM outbox o JOIN customer_tags t ON t.customer_key = o.customer_key AND t.name = 'rfm_score' WHERE t.num >= 9 AND t.num < 11`)
    expect(lost).toBeGreaterThan(2)
    expect(text).toContain(`${sent} → ${sent - lost} (−${lost})`)
    expect(text).toContain(`${between.length} changed path or sends (${lost} no longer sent a message, 0 newly sent)`)
    expect(text).toContain(`  ${between[0]} (`)
    expect(text).toContain('    counterfactual: monthly → entered, rfm → fail; no message')
    expect(text).toContain(`  … and ${between.length - 2} more`)
    expect(text).toContain(`Wrote ${between.length} changed customer(s) to ${csv}`)

    const rows = readFileSync(csv, 'utf8').trimEnd().split('\r\n')
    expect(rows[0]).toBe('customer_id,change,run_path,counterfactual_path,run_sends,counterfactual_sends,run_held,counterfactual_held')
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(between)
    expect(rows.slice(1).every((r) => r.includes('"monthly → entered, rfm → fail"'))).toBe(true)
  }, 300_000)

  it('--json prints the report; --version replays through a published version', async () => {
    const json = JSON.parse((await sluice(runId, '--version', '1', '--json')).stdout) as CounterfactualReport
    expect(json.other).toMatchObject({ flowId: 'win-back', version: 1, source: 'version' })
    expect(json.customers).toEqual({ original: 40, counterfactual: 40, changed: 0, noLongerSent: 0, newlySent: 0 })
    expect(json.copy).toBe('snapshot')
  }, 300_000)

  it('refuses --flow with --version, an unpublished version, and --csv without a counterfactual', async () => {
    const both = await sluice(runId, '--flow', v2, '--version', '1')
    expect(isUserError(both.error)).toBe(true)
    expect(String(both.error)).toContain('--flow and --version: give one')
    const missing = await sluice(runId, '--version', '7')
    expect(isUserError(missing.error)).toBe(true)
    expect(String(missing.error)).toContain('flow "win-back" has no published version 7 (published: 1)')
    const csvOnly = await sluice(runId, '--csv', csv)
    expect(isUserError(csvOnly.error)).toBe(true)
    expect(String(csvOnly.error)).toContain('--csv and --examples go with a counterfactual')
  }, 300_000)
})
