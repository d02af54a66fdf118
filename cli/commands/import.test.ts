/** `sluice import` in-process: the flags that shape an import and what its summary says. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError, ValidationError } from '../../engine/errors.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { runCommand } from '../run-command.ts'
import { register } from './import.ts'

const folder = createTempFolder('sluice-import-command-')
afterAll(() => folder.remove())

function file(name: string, content: string): string {
  const path = join(folder.db('files'), '..', name)
  writeFileSync(path, content)
  return path
}

const sluice = (...args: string[]) => runCommand(register, ['import', ...args])

describe('sluice import customers --on-duplicate', () => {
  const repeated = () => file('repeated.csv', 'customer_id,plan\na,basic\nb,basic\na,plus\n')

  it('by default refuses a file with a customer on two lines, naming both', async () => {
    const run = await sluice('customers', repeated(), '--db', folder.db())
    expect(run.error).toBeInstanceOf(ValidationError)
    expect((run.error as Error).message).toContain('line 4: customer "a" is also on line 2')
  })

  it('last lets the later row win; anything else is refused', async () => {
    const db = folder.db()
    const run = await sluice('customers', repeated(), '--db', db, '--on-duplicate', 'last', '--json')
    expect(run.error).toBeUndefined()
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 3, inserted: 2, updated: 1, rejected: 0 })
    const bad = await sluice('customers', repeated(), '--db', db, '--on-duplicate', 'first')
    expect(bad.error).toEqual(new UserError('cli.on-duplicate', '--on-duplicate: expected error or last, got "first"'))
  })
})
