/**
 * Every command's numeric and date options: an invalid value is reported under the name the
 * user typed, quoting what they typed (issue 16, defect 8: `--start` was reported as `--as-of`,
 * `generate --customers -5` as `got NaN`).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../engine/errors.ts'
import { runCommand } from '../cli/run-command.ts'
import type { RegisterCommand } from '../cli/commands/index.ts'
import { register as registerBench } from '../cli/commands/bench.ts'
import { register as registerDemo } from '../cli/commands/demo.ts'
import { register as registerGenerate } from '../cli/commands/generate.ts'
import { register as registerRun } from '../cli/commands/run.ts'
import { register as registerSegment } from '../cli/commands/segment.ts'
import { createTempFolder } from './support/sqlite.ts'

const folder = createTempFolder('sluice-option-messages-')
const db = folder.db('unused')
afterAll(() => folder.remove())

async function failure(register: RegisterCommand, args: string[]): Promise<string> {
  const run = await runCommand(register, [...args, '--db', db])
  expect(run.error, args.join(' ')).toBeInstanceOf(UserError)
  return (run.error as Error).message
}

describe('option messages name the option and quote the value', () => {
  it('run --start and --until', async () => {
    expect(await failure(registerRun, ['run', 'flows/win-back.flow.json', '--start', '2025-13-01'])).toBe('--start: expected a date such as 2024-06-30 (or an ISO 8601 instant), got "2025-13-01"')
    expect(await failure(registerRun, ['run', 'flows/win-back.flow.json', '--start', '2025-04-21', '--until', 'June'])).toBe('--until: expected a date such as 2024-06-30 (or an ISO 8601 instant), got "June"')
  })

  it('generate --customers and --as-of', async () => {
    expect(await failure(registerGenerate, ['generate', '--customers', '-5', '--seed', '1'])).toBe('--customers: expected a whole number from 1 to 5,000,000, got "-5"')
    expect(await failure(registerGenerate, ['generate', '--customers', '1e3', '--seed', '1'])).toBe('--customers: expected a whole number from 1 to 5,000,000, got "1e3"')
    expect(await failure(registerGenerate, ['generate', '--customers', '10', '--seed', '1', '--as-of', '30/06/2024'])).toMatch(/^--as-of: expected a date .*got "30\/06\/2024"$/)
  })

  it('demo --as-of, segment count --sample and --now, bench --customers', async () => {
    expect(await failure(registerDemo, ['demo', '--as-of', 'yesterday'])).toMatch(/^--as-of: .*got "yesterday"$/)
    expect(await failure(registerSegment, ['segment', 'count', 'x.json', '--sample', '-1'])).toBe('--sample: expected a whole number from 0 to 1000, got "-1"')
    expect(await failure(registerSegment, ['segment', 'count', 'x.json', '--now', 'noon'])).toMatch(/^--now: .*got "noon"$/)
    expect(await failure(registerBench, ['bench', '--customers', '-5'])).toBe('--customers: expected a whole number from 1 to 5,000,000, got "-5"')
  })
})
