import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ValidationError } from '../../engine/errors.ts'
import { openStore } from '../../store/open-store.ts'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { runCommand } from '../run-command.ts'
import { register } from './segment.ts'

const folder = createTempFolder('sluice-segment-cli-')
const db = folder.db('cli')
const file = (name: string, content: unknown) => {
  const path = join(db, '..', name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}
const count = (...args: string[]) => runCommand(register, ['segment', 'count', ...args, '--db', db, '--now', '2025-01-01'])

beforeAll(async () => {
  const store = await openStore({ db })
  await store.defineAttributes([{ name: 'tenure', type: 'number', source: 'declared' }, { name: 'plan', type: 'enum', values: ['basic', 'gold'], source: 'declared' }])
  await store.upsertCustomers([
    { id: 'a-1', attributes: { tenure: 30, plan: 'gold' } },
    { id: 'a-2', attributes: { tenure: 5, plan: 'basic' } },
    { id: 'a-3', attributes: { tenure: 14, plan: 'gold' } },
  ])
  await store.close()
})
afterAll(() => folder.remove())

describe('sluice segment count', () => {
  it('prints the count, the share of the store and a sample', async () => {
    const run = await count(file('tenure.json', { type: 'attribute', name: 'tenure', op: 'gte', value: 12 }), '--sample', '1')
    expect(run.error).toBeUndefined()
    expect(run.stdout).toMatch(/^Segment: tenure ≥ 12\nMatches 2 of 3 customers \(66\.7 %\) at 2025-01-01T00:00:00\.000Z, in \d+ ms\nSample: a-1\n$/)
  })

  it('accepts a filter-segment config and prints JSON', async () => {
    const run = await count(file('config.json', { segment: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } }), '--json')
    expect(run.error).toBeUndefined()
    expect(JSON.parse(run.stdout)).toMatchObject({ count: 2, total: 3, sample: ['a-1', 'a-3'], now: '2025-01-01T00:00:00.000Z', warnings: [] })
  })

  it('checks attribute conditions against the catalogue, naming the field', async () => {
    const run = await count(file('typed.json', { type: 'all', conditions: [{ type: 'attribute', name: 'plan', op: 'eq', value: 'platinum' }] }))
    expect(run.error).toBeInstanceOf(ValidationError)
    expect((run.error as ValidationError).issues).toEqual([
      { code: 'segment.attribute-type', path: 'segment.conditions[0].value', message: 'attribute "plan" is an enum: expected one of "basic", "gold", got "platinum"', severity: 'error' },
    ])
  })

  it('warns about a static list that does not exist', async () => {
    const run = await count(file('list.json', { type: 'any', conditions: [{ type: 'list', list: 'ghosts' }] }))
    expect(run.error).toBeUndefined()
    expect(run.stdout).toContain('  warning segment.conditions[0].list: there is no static list "ghosts": it matches no one')
  })

  it('names the line and column of a JSON syntax error', async () => {
    const run = await count(file('broken.json', '{\n  "type": "all",\n  conditions: []\n}'))
    expect((run.error as Error).message).toMatch(/broken\.json: line 3, column 3: invalid JSON/)
  })

  it('rejects a bad --sample and --now', async () => {
    const path = file('ok.json', { type: 'all', conditions: [] })
    expect(((await count(path, '--sample', 'many')).error as Error).message).toBe('--sample: expected a whole number from 0 to 1000, got "many"')
    const run = await runCommand(register, ['segment', 'count', path, '--db', db, '--now', 'yesterday'])
    expect((run.error as Error).message).toMatch(/^--now: expected an ISO 8601 date/)
  })
})
