/**
 * The events importer against SQLite and PostgreSQL: duplicates counted (not errors), unknown
 * customers rejected with their line, CSV properties typed, --skip-invalid for events.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ValidationError } from '../engine/errors.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { importEvents } from '../import/import-events.ts'
import { openStore } from '../store/open-store.ts'

const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const NOW = Date.UTC(2025, 0, 1)
const dir = mkdtempSync(join(tmpdir(), 'sluice-import-events-'))
let counter = 0

function file(name: string, content: string): string {
  const path = join(dir, `${counter++}-${name}`)
  writeFileSync(path, content)
  return path
}

const jsonl = (...rows: object[]) => `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`

const schemas: string[] = []
const targets = [
  { name: 'sqlite', open: () => openStore({ db: join(dir, `store-${counter++}.db`) }) },
  {
    name: 'postgres',
    open: () => {
      const schema = `sluice_import_e_${process.pid}_${counter++}`
      schemas.push(schema)
      return openStore({ databaseUrl: PG_URL, pgSchema: schema })
    },
  },
]

afterAll(async () => {
  if (schemas.length === 0) return
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await client.end()
})

describe.each(targets)('importEvents on $name', (target) => {
  let store: StorePort
  beforeEach(async () => {
    store = await target.open()
    await store.upsertCustomers([{ id: 'c1' }, { id: 'c2' }])
    return () => store.close()
  })

  it('counts a duplicate event id as a duplicate, in the file and on re-import', async () => {
    const path = file('events.jsonl', jsonl(
      { event_id: 'e1', customer_id: 'c1', type: 'purchase', at: '2024-05-01T10:00:00Z', properties: { amount: 19.9, order_id: 'o1' } },
      { event_id: 'e2', customer_id: 'c2', type: 'app_login', at: 1714557600000, platform: 'ios' },
      { event_id: 'e1', customer_id: 'c1', type: 'purchase', at: '2024-05-01T10:00:00Z', properties: { amount: 19.9, order_id: 'o1' } },
    ))
    expect(await importEvents(store, { path, now: NOW })).toMatchObject({ rows: 3, inserted: 2, duplicates: 1, rejected: 0 })
    expect(await importEvents(store, { path, now: NOW })).toMatchObject({ rows: 3, inserted: 0, duplicates: 3 })
    expect(await store.listEvents('c1')).toEqual([
      { id: 'e1', customerId: 'c1', customerKey: expect.any(Number), type: 'purchase', at: Date.UTC(2024, 4, 1, 10), properties: { amount: 19.9, order_id: 'o1' } },
    ])
    expect((await store.listEvents('c2'))[0]!.properties).toEqual({ platform: 'ios' })
  })

  it('reports events whose id is stored with other content as conflicts, by line, and keeps the stored ones', async () => {
    const header = 'event_id,customer_id,type,at,amount'
    const rows = Array.from({ length: 14 }, (_, i) => `e${i},c1,purchase,2024-05-01T10:00:${String(i).padStart(2, '0')}Z,${i}`)
    const original = file('original.csv', `${[header, ...rows].join('\n')}\n`)
    expect(await importEvents(store, { path: original, now: NOW })).toMatchObject({ inserted: 14, duplicates: 0, conflicts: 0, conflictExamples: [] })
    // Identical again, columns in another order: silent and idempotent.
    const reordered = file('reordered.csv', `${['amount,at,type,customer_id,event_id', ...rows.map((row) => row.split(',').reverse().join(','))].join('\n')}\n`)
    expect(await importEvents(store, { path: reordered, now: NOW, batchSize: 4 })).toMatchObject({ rows: 14, inserted: 0, duplicates: 14, conflicts: 0, conflictExamples: [] })

    // Every other row changed (amount; line 4 also its customer; line 6 its type), plus a new event.
    const changed = rows.map((row, i) => {
      if (i === 2) return row.replace(',c1,', ',c2,').replace(/,2$/, ',200')
      if (i === 4) return row.replace('purchase', 'refund')
      return i % 2 === 0 ? `${row}0` : row
    })
    const path = file('changed.csv', `${[header, ...changed, 'e99,c2,login,2024-05-02T00:00:00Z,'].join('\n')}\n`)
    const summary = await importEvents(store, { path, now: NOW, batchSize: 4 })
    expect(summary).toMatchObject({ rows: 15, inserted: 1, duplicates: 7, conflicts: 7, rejected: 0 })
    expect(summary.conflictExamples).toEqual([
      { line: 2, eventId: 'e0', differs: ['properties'] },
      { line: 4, eventId: 'e2', differs: ['customer', 'properties'] },
      { line: 6, eventId: 'e4', differs: ['type'] },
      { line: 8, eventId: 'e6', differs: ['properties'] },
      { line: 10, eventId: 'e8', differs: ['properties'] },
      { line: 12, eventId: 'e10', differs: ['properties'] },
      { line: 14, eventId: 'e12', differs: ['properties'] },
    ])
    const stored = await store.listEvents('c1')
    expect(stored).toHaveLength(14)
    expect(stored.map((event) => [event.type, event.properties.amount])).toEqual(rows.map((_, i) => ['purchase', i]))
  })

  it('shows the first 10 conflicts and counts them all', async () => {
    const lines = Array.from({ length: 13 }, (_, i) => ({ event_id: `e${i}`, customer_id: 'c1', type: 'login', at: 1714557600000 + i }))
    await importEvents(store, { path: file('first.jsonl', jsonl(...lines)), now: NOW })
    const summary = await importEvents(store, { path: file('moved.jsonl', jsonl(...lines.map((line) => ({ ...line, at: line.at + 1 })))), now: NOW, batchSize: 5 })
    expect(summary).toMatchObject({ inserted: 0, duplicates: 0, conflicts: 13 })
    expect(summary.conflictExamples.map((example) => example.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(summary.conflictExamples[0]!.differs).toEqual(['at'])
  })

  it('rejects an unknown customer with its line, and writes nothing', async () => {
    const lines = ['event_id,customer_id,type,at,amount']
    for (let i = 1; i <= 10; i++) lines.push(`e${i},c1,purchase,2024-05-0${(i % 9) + 1},${i}`)
    lines.push('e11,x,purchase,2024-05-01,5')
    const path = file('unknown.csv', `${lines.join('\n')}\n`)
    const error = (await importEvents(store, { path, now: NOW, batchSize: 4 }).catch((caught: unknown) => caught)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.message).toContain('line 12, column customer_id: no customer "x" in the store')
    expect(await store.listEvents('c1')).toEqual([])
  })

  it('reports unknown customers found after an earlier bad row', async () => {
    const path = file('two-bad.csv', 'event_id,customer_id,type,at\ne1,c1,login,soon\ne2,nobody,login,2024-05-01\n')
    const error = (await importEvents(store, { path, now: NOW }).catch((caught: unknown) => caught)) as ValidationError
    expect(error.issues.map((issue) => issue.path)).toEqual(['line 2, column at', 'line 3, column customer_id'])
    expect(await store.listEvents('c1')).toEqual([])
  })

  it('--skip-invalid keeps the good events and writes the rest to the rejects file', async () => {
    const path = file('mixed.jsonl', jsonl(
      { event_id: 'e1', customer_id: 'c1', type: 'page_view', at: '2024-05-01T10:00:00Z', page: '/plans' },
      { event_id: 'e2', customer_id: 'ghost', type: 'page_view', at: '2024-05-01T10:00:00Z' },
      { event_id: 'e3', customer_id: 'c2', type: 'page_view', at: 1714557600 },
    ))
    const summary = await importEvents(store, { path, now: NOW, skipInvalid: true })
    expect(summary).toMatchObject({ inserted: 1, rejected: 2, rejectsFile: path.replace(/\.jsonl$/, '.rejects.jsonl') })
    const rejects = readFileSync(summary.rejectsFile!, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; reason: string; record: { event_id: string } })
    expect(rejects.map((reject) => [reject.line, reject.record.event_id])).toEqual([[3, 'e3'], [2, 'e2']])
    expect(rejects[0]!.reason).toContain('looks like epoch seconds')
    expect(rejects[1]!.reason).toBe('column customer_id: no customer "ghost" in the store')
  })
})

describe('importEvents: the CSV header', () => {
  let store: StorePort
  beforeEach(async () => {
    store = await targets[0]!.open()
    await store.upsertCustomers([{ id: 'c1' }])
    return () => store.close()
  })

  it('a file without a header line gets one "no header line" error', async () => {
    const path = file('headerless.csv', 'e1,c1,purchase,2024-05-01T10:00:00Z,19.9\ne2,c1,purchase,2024-05-02T10:00:00Z,5\n')
    const error = (await importEvents(store, { path, now: NOW }).catch((caught: unknown) => caught)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.issues).toEqual([{
      code: 'header.missing', path: 'line 1',
      message: 'no header line: the first line must name the columns (expected e.g. event_id, customer_id, type, at, …), got "e1,c1,purchase,2024-05-01T10:00:00Z,19.9"',
    }])
    expect(await store.listEvents('c1')).toEqual([])
  })

  it('a header without the columns an event needs is one error naming them, not one per row', async () => {
    const path = file('no-at.csv', 'event_id,customer_id,kind,when\ne1,c1,purchase,2024-05-01\ne2,c1,purchase,2024-05-02\n')
    const error = (await importEvents(store, { path, now: NOW, skipInvalid: true }).catch((caught: unknown) => caught)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.issues).toEqual([{
      code: 'header.columns', path: 'line 1',
      message: 'expected the columns event_id (or id), customer_id, type and at (other columns become properties), but type, at are missing',
    }])
  })
})
