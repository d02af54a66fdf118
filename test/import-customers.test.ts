/**
 * The customers importer against real stores (SQLite and PostgreSQL): the real telco file, a
 * bad row rolling the whole file back, --skip-invalid with its rejects file, JSONL, and hostile
 * values stored as plain data.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { ValidationError } from '../engine/errors.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { importCustomers } from '../import/import-customers.ts'
import { MAX_REPORTED } from '../import/issue-log.ts'
import { openStore } from '../store/open-store.ts'

const TELCO = fileURLToPath(new URL('../demo/telco-customers.csv', import.meta.url))
const TELCO_LINES = readFileSync(TELCO, 'utf8').split('\r\n').filter((line) => line !== '')
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const NOW = Date.UTC(2025, 0, 1)
const dir = mkdtempSync(join(tmpdir(), 'sluice-import-customers-'))
let fileCounter = 0

/** Writes a test file; `lines` joined with CRLF like the real export. */
function file(name: string, lines: string[]): string {
  const path = join(dir, `${fileCounter++}-${name}`)
  writeFileSync(path, `${lines.join('\r\n')}\r\n`)
  return path
}

/** The first `rows` telco rows with `edit` applied to data row `index` (0-based; line = index + 2). */
function telcoSample(rows: number, edit?: (cells: string[], index: number) => void): string[] {
  const header = TELCO_LINES[0]!
  const data = TELCO_LINES.slice(1, rows + 1).map((line, index) => {
    const cells = line.split(',')
    edit?.(cells, index)
    return cells.join(',')
  })
  return [header, ...data]
}

const TENURE = TELCO_LINES[0]!.split(',').indexOf('tenure')

interface Target {
  name: string
  open(): Promise<StorePort>
}

const schemas: string[] = []
const targets: Target[] = [
  { name: 'sqlite', open: () => openStore({ db: join(dir, `store-${fileCounter++}.db`) }) },
  {
    name: 'postgres',
    open: () => {
      const schema = `sluice_import_c_${process.pid}_${fileCounter++}`
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

describe.each(targets)('importCustomers on $name', (target) => {
  let store: StorePort
  beforeEach(async () => {
    store = await target.open()
    return () => store.close()
  })

  it('imports all 7,043 real telco customers (NA → empty) and a re-import only updates', async () => {
    const first = await importCustomers(store, { path: TELCO, now: NOW })
    expect(first).toMatchObject({ rows: 7043, inserted: 7043, updated: 0, rejected: 0 })
    expect(await store.countCustomers()).toBe(7043)

    const types = Object.fromEntries((await store.listAttributes()).map((def) => [def.name, def]))
    expect(types.churn).toMatchObject({ type: 'boolean', source: 'inferred' })
    expect(types.senior_citizen!.type).toBe('number')
    expect(types.total_charges!.type).toBe('number')
    expect(types.multiple_lines).toMatchObject({ type: 'enum', values: ['No', 'No phone service', 'Yes'] })

    const [c1, c489] = await store.getCustomers(['tc-00001', 'tc-00489'])
    expect(c1!.attributes).toMatchObject({ churn: false, tenure: 1, contract: 'Month-to-month', monthly_charges: 29.85, total_charges: 29.85 })
    // tc-00489 has tenure 0 and NA total charges in the real file.
    expect(c489!.attributes.tenure).toBe(0)
    expect(c489!.attributes.total_charges ?? null).toBeNull()

    const again = await importCustomers(store, { path: TELCO, now: NOW })
    expect(again).toMatchObject({ rows: 7043, inserted: 0, updated: 7043, attributesDefined: [] })
    expect(await store.countCustomers()).toBe(7043)
  })

  it('rejects a file whose line 5 has tenure "abc", naming line and column, and writes nothing', async () => {
    const bad = file('bad-tenure.csv', telcoSample(40, (cells, index) => {
      if (index === 3) cells[TENURE] = 'abc'
    }))
    const error = await importCustomers(store, { path: bad, now: NOW }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).message).toContain('line 5, column tenure: expected a number, got "abc"')
    expect((error as ValidationError).issues).toEqual([{ code: 'row.type', path: 'line 5, column tenure', message: 'expected a number, got "abc"', severity: 'error' }])
    expect(await store.countCustomers()).toBe(0)
    expect(await store.listAttributes()).toEqual([])
  })

  it('leaves existing customers untouched when a later file has a bad row', async () => {
    await importCustomers(store, { path: file('base.csv', telcoSample(40)), now: NOW })
    const before = await store.getCustomers(['tc-00001'])
    // The new file changes tc-00001 (line 2) and adds a customer, but line 5 is bad.
    const lines = telcoSample(40, (cells, index) => {
      if (index === 0) cells[TENURE] = '99'
      if (index === 3) cells[TENURE] = 'abc'
    })
    lines.push(lines[2]!.replace(/^tc-00002,/, 'tc-new,'))
    await expect(importCustomers(store, { path: file('bad-later.csv', lines), now: NOW })).rejects.toThrow('line 5, column tenure')
    expect(await store.countCustomers()).toBe(40)
    expect(await store.getCustomers(['tc-00001'])).toEqual(before)
  })

  it('--skip-invalid imports the valid rows and writes the bad ones with reasons', async () => {
    const bad = file('skip.csv', telcoSample(40, (cells, index) => {
      if (index === 3) cells[TENURE] = 'abc'
      if (index === 10) cells[0] = ''
    }))
    const rejectsPath = join(dir, `${fileCounter++}-rejects.csv`)
    const summary = await importCustomers(store, { path: bad, now: NOW, skipInvalid: true, rejectsPath })
    expect(summary).toMatchObject({ rows: 40, inserted: 38, rejected: 2, rejectsFile: rejectsPath })
    expect(await store.countCustomers()).toBe(38)
    const rejects = readFileSync(rejectsPath, 'utf8').trim().split('\n')
    expect(rejects[0]).toBe(`line,reason,${TELCO_LINES[0]}`)
    expect(rejects[1]).toMatch(/^5,"column tenure: expected a number, got ""abc""",tc-00004,/)
    expect(rejects[2]).toMatch(/^12,"column customer_id: expected a customer id, got none",,No,/)
  })

  it('a customer id on two lines is an error naming both lines, and nothing is written', async () => {
    // Line 12 repeats tc-00003 (line 4) with another tenure; line 20 repeats it again.
    const lines = telcoSample(30)
    const changed = lines[3]!.split(',')
    changed[TENURE] = '99'
    lines.splice(11, 0, changed.join(','))
    lines.splice(19, 0, lines[3]!)
    const path = file('repeated.csv', lines)
    const error = (await importCustomers(store, { path, now: NOW }).catch((caught: unknown) => caught)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    const message = 'customer "tc-00003" is also on line 4: a file may hold each customer once (or pass --on-duplicate last to let the later row win)'
    expect(error.issues).toEqual([
      { code: 'row.duplicate-id', path: 'line 12', message, severity: 'error' },
      { code: 'row.duplicate-id', path: 'line 20', message, severity: 'error' },
    ])
    expect(error.message).toContain(`: 2 bad rows, nothing was imported:\n  line 12: ${message}`)
    expect(await store.countCustomers()).toBe(0)

    // --skip-invalid keeps the first row and rejects the later ones into the rejects file.
    const rejectsPath = join(dir, `${fileCounter++}-rejects.csv`)
    expect(await importCustomers(store, { path, now: NOW, skipInvalid: true, rejectsPath })).toMatchObject({ rows: 32, inserted: 30, rejected: 2 })
    expect((await store.getCustomers(['tc-00003']))[0]!.attributes.tenure).toBe(Number(lines[3]!.split(',')[TENURE]))
    const rejects = readFileSync(rejectsPath, 'utf8').trim().split('\n')
    expect(rejects.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual([`12,"${message.replaceAll('"', '""')}",tc-00003`, `20,"${message.replaceAll('"', '""')}",tc-00003`])

    // onDuplicate 'last': the later row wins, as the file says.
    expect(await importCustomers(store, { path, now: NOW, onDuplicate: 'last' })).toMatchObject({ rows: 32, inserted: 0, updated: 32, rejected: 0 })
    expect((await store.getCustomers(['tc-00003']))[0]!.attributes.tenure).toBe(Number(lines[3]!.split(',')[TENURE]))
    await importCustomers(store, { path: file('repeated-last.csv', lines.slice(0, 19)), now: NOW, onDuplicate: 'last' })
    expect((await store.getCustomers(['tc-00003']))[0]!.attributes.tenure).toBe(99)
  })

  it('a repeated id in JSONL counts numbers and text alike, and a bad first row does not make the second a repeat', async () => {
    const path = join(dir, `${fileCounter++}-repeated.jsonl`)
    writeFileSync(path, [
      JSON.stringify({ id: 7, tier: 'gold' }),
      JSON.stringify({ id: 'x', tier: 'gold', consent_email: 'maybe' }),
      JSON.stringify({ id: 'x', tier: 'silver' }),
      JSON.stringify({ id: ' 7 ', tier: 'silver' }),
      '',
    ].join('\n'))
    const rejectsPath = join(dir, `${fileCounter++}-rejects.jsonl`)
    expect(await importCustomers(store, { path, now: NOW, skipInvalid: true, rejectsPath })).toMatchObject({ rows: 4, inserted: 2, rejected: 2 })
    const rejects = readFileSync(rejectsPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { line: number; reason: string })
    expect(rejects.map((reject) => [reject.line, reject.reason.slice(0, 40)])).toEqual([[2, 'column consent_email: expected yes/no, t'], [4, 'customer "7" is also on line 1: a file m']])
    expect((await store.getCustomers(['x', '7'])).map((customer) => customer.attributes.tier)).toEqual(['silver', 'gold'])
  })

  it('stores hostile text as data', async () => {
    const hostile = "'; DROP TABLE customers; --"
    const path = file('hostile.csv', ['customer_id,note,plan', `"${hostile}","${hostile}",a`, 'x2,"Robert\'); DROP TABLE customers;--",a'])
    await importCustomers(store, { path, now: NOW })
    expect(await store.countCustomers()).toBe(2)
    const [customer] = await store.getCustomers([hostile])
    expect(customer!.attributes.note).toBe(hostile)
  })
})

describe('importCustomers (SQLite only)', () => {
  let store: StorePort
  beforeEach(async () => {
    store = await targets[0]!.open()
    return () => store.close()
  })

  it('lists the first 20 problems and counts the rest', async () => {
    const bad = file('many-bad.csv', telcoSample(60, (cells, index) => {
      if (index % 2 === 0) cells[TENURE] = `bad${index}`
    }))
    // Half the tenure values are bad, so declare the type: inference would rightly call it text.
    const error = (await importCustomers(store, { path: bad, now: NOW, declaredTypes: [{ name: 'tenure', type: 'number', source: 'declared' }] }).catch((caught: unknown) => caught)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.issues).toHaveLength(MAX_REPORTED)
    expect(error.issues[0]!.path).toBe('line 2, column tenure')
    expect(error.message).toMatch(/^.*: 30 bad rows, nothing was imported:/)
    expect(error.message).toContain('... and 10 more problems')
    expect(await store.countCustomers()).toBe(0)
  })

  it('imports JSONL with addresses, consents, time zone and nested attributes', async () => {
    const path = join(dir, `${fileCounter++}-customers.jsonl`)
    writeFileSync(path, [
      JSON.stringify({ id: 'j1', time_zone: 'Asia/Shanghai', email: 'Li@Example.com', wechat_id: 'wx1', consent_email: 'granted', consent_wechat: true, preferred_channel: 'wechat', attributes: { tier: 'gold', spend: 120.5 } }),
      JSON.stringify({ id: 'j2', phone: '+33 6 12 34 56 78', consent_sms: 'no', tier: 'gold', spend: 80 }),
      '',
    ].join('\n'))
    const summary = await importCustomers(store, { path, now: NOW })
    expect(summary).toMatchObject({ format: 'jsonl', rows: 2, inserted: 2 })
    const [j1] = await store.getCustomers(['j1'])
    expect(j1).toMatchObject({ timeZone: 'Asia/Shanghai', preferredChannel: 'wechat', attributes: { tier: 'gold', spend: 120.5 } })
    expect(j1!.addresses.wechat).toBe('wx1')
    const consents = await store.getConsents(['j1', 'j2'])
    expect(consents.map((consent) => `${consent.customerId}:${consent.channel}:${consent.status}:${consent.at}`).sort()).toEqual([
      `j1:email:granted:${NOW}`, `j1:wechat:granted:${NOW}`, `j2:sms:revoked:${NOW}`,
    ])
  })

  it('a file without a header line gets one "no header line" error, not one per cell', async () => {
    const path = file('headerless.csv', telcoSample(5).slice(1))
    const error = (await importCustomers(store, { path, now: NOW }).catch((caught: unknown) => caught)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.issues).toHaveLength(1)
    expect(error.issues[0]).toMatchObject({ code: 'header.missing', path: 'line 1' })
    expect(error.message).toContain('line 1: no header line: the first line must name the columns (expected e.g. customer_id, email, time_zone, …), got "tc-00001,')
    expect(error.message).not.toContain('appears twice')
    expect(await store.countCustomers()).toBe(0)
  })

  it('declared types win over inference and conflicting declarations are refused', async () => {
    await store.defineAttributes([{ name: 'code', type: 'string', source: 'declared' }])
    await importCustomers(store, { path: file('codes.csv', ['id,code', 'a,1', 'b,2']), now: NOW })
    const [a] = await store.getCustomers(['a'])
    expect(a!.attributes.code).toBe('1')
    await expect(importCustomers(store, { path: file('codes2.csv', ['id,code', 'a,1']), now: NOW, declaredTypes: [{ name: 'code', type: 'number', source: 'declared' }] }))
      .rejects.toThrow('attribute code is declared as string in the catalogue, so it cannot be imported as number')
  })
})
