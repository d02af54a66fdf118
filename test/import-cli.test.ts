/**
 * The import, generate and db commands through a child process (`node cli/bin.mjs`): exit codes,
 * messages without stack traces, and --json output.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const BIN = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sluice-import-cli-'))

async function sluice(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env }
  delete env.DATABASE_URL
  delete env.SLUICE_DEBUG
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { cwd: dir, env })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

describe('sluice import (CLI)', () => {
  it('exits 0 with a JSON summary, then 1 with the line and column and no stack trace, leaving the store as it was', async () => {
    const db = join(dir, 'cli.db')
    const good = join(dir, 'good.csv')
    writeFileSync(good, 'customer_id,tenure,plan\na,1,basic\nb,2,basic\nc,3,plus\nd,4,plus\n')
    const ok = await sluice('import', 'customers', good, '--db', db, '--json')
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({ kind: 'customers', rows: 4, inserted: 4, updated: 0, rejected: 0 })
    expect(ok.stderr).toBe('')

    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'customer_id,tenure,plan\na,1,basic\nb,2,basic\ne,5,plus\nf,abc,plus\n')
    const failed = await sluice('import', 'customers', bad, '--db', db)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('line 5, column tenure: expected a number, got "abc"')
    expect(failed.stderr).not.toMatch(/\n\s+at /)
    expect(failed.stdout).toBe('')

    const migrate = await sluice('db', 'migrate', '--db', db, '--json')
    expect(migrate.code).toBe(0)
    const migrated = JSON.parse(migrate.stdout) as { applied: string[]; total: number; known: number }
    expect(migrated.applied).toEqual([])
    expect(migrated.total).toBe(migrated.known)
    const again = await sluice('import', 'customers', good, '--db', db, '--json')
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 4, inserted: 0, updated: 4 })
  })

  it('exits 1 for a missing file and for bad flags', async () => {
    const missing = await sluice('import', 'events', join(dir, 'nope.jsonl'), '--db', join(dir, 'x.db'))
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read') })
    const badCount = await sluice('generate', '--customers', 'lots', '--seed', '1', '--db', join(dir, 'x.db'))
    expect(badCount).toMatchObject({ code: 1, stderr: expect.stringContaining('--customers: expected a whole number') })
    const badType = await sluice('import', 'customers', join(dir, 'good.csv'), '--type', 'plan=colour', '--db', join(dir, 'x.db'))
    expect(badType).toMatchObject({ code: 1, stderr: expect.stringContaining('--type plan=colour: expected name=type') })
  })

  it('db migrate says what it applied', async () => {
    const db = join(dir, 'fresh.db')
    const first = await sluice('db', 'migrate', '--db', db)
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^SQLite .*fresh\.db: applied \d+ migrations?: 0000_customer_store[,.]/)
    expect((await sluice('db', 'migrate', '--db', db)).stdout).toMatch(/is up to date \(\d+ migrations? applied\)/)
  })
})
