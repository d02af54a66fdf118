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

describe('sluice import events: conflicts in the summary', () => {
  it('counts conflicts and shows the first by line, in text and --json; an identical re-import says nothing', async () => {
    const db = folder.db()
    expect((await sluice('customers', file('people.csv', 'customer_id\nc1\nc2\n'), '--db', db)).error).toBeUndefined()
    const events = (rows: string[]) => file('events.csv', `event_id,customer_id,type,at,amount\n${rows.join('\n')}\n`)
    const original = ['e1,c1,purchase,2024-05-01,10', 'e2,c1,purchase,2024-05-02,20', 'e3,c2,login,2024-05-03,']
    expect((await sluice('events', events(original), '--db', db)).error).toBeUndefined()

    const again = await sluice('events', events(original), '--db', db)
    expect(again.stdout).toContain('  rows 3: inserted 0, duplicates 3, conflicts 0, rejected 0\n')
    expect(again.stdout).not.toContain('conflicts:')

    const changed = events(['e1,c1,purchase,2024-05-01,10', 'e2,c2,purchase,2024-05-02,25', 'e3,c2,logout,2024-05-03,', 'e4,c2,login,2024-05-04,'])
    const text = await sluice('events', changed, '--db', db)
    expect(text.error).toBeUndefined()
    expect(text.stdout).toContain([
      '  rows 4: inserted 1, duplicates 1, conflicts 2, rejected 0',
      '  conflicts: 2 events have ids the store holds with other content; the stored events were kept:',
      '    line 3: event "e2" differs in customer, properties',
      '    line 4: event "e3" differs in type',
    ].join('\n'))

    const json = await sluice('events', changed, '--db', db, '--json')
    expect(JSON.parse(json.stdout)).toMatchObject({
      inserted: 0, duplicates: 2, conflicts: 2,
      conflictExamples: [{ line: 3, eventId: 'e2', differs: ['customer', 'properties'] }, { line: 4, eventId: 'e3', differs: ['type'] }],
    })
  })
})
