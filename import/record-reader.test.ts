import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../engine/errors.ts'
import { detectFormat, RecordReader } from './record-reader.ts'
import type { ExpectedHeader, SourceRecord } from './record-reader.ts'

const dir = mkdtempSync(join(tmpdir(), 'sluice-reader-'))
let counter = 0
function file(name: string, content: string): string {
  const path = join(dir, `${counter++}-${name}`)
  writeFileSync(path, content)
  return path
}

async function readAll(path: string, format: 'csv' | 'jsonl', expected?: ExpectedHeader): Promise<{ records: SourceRecord[]; reader: RecordReader; bytes: number[] }> {
  const bytes: number[] = []
  const reader = new RecordReader(path, format, (read) => bytes.push(read), expected)
  const records: SourceRecord[] = []
  for await (const record of reader) records.push(record)
  return { records, reader, bytes }
}

describe('detectFormat', () => {
  it('uses the extension, or the override', () => {
    expect(detectFormat('a.CSV')).toBe('csv')
    expect(detectFormat('a.ndjson')).toBe('jsonl')
    expect(detectFormat('a.txt', 'jsonl')).toBe('jsonl')
    expect(() => detectFormat('a.txt')).toThrow(/--format csv\|jsonl/)
    expect(() => detectFormat('a.csv', 'xml')).toThrow(/unknown format "xml"/)
  })
})

describe('RecordReader (CSV)', () => {
  it('numbers physical lines across CRLF, empty lines and quoted line breaks', async () => {
    const path = file('a.csv', '\uFEFFid,note\r\na,"one\r\ntwo"\r\n\r\nb,plain\r\nc,"x\r\ny\nz"\r\nd,last')
    const { records, reader, bytes } = await readAll(path, 'csv')
    expect(reader.header).toEqual(['id', 'note'])
    expect(records.map((record) => [record.line, record.values.id])).toEqual([[2, 'a'], [5, 'b'], [6, 'c'], [9, 'd']])
    expect(records[0]!.values.note).toBe('one\r\ntwo')
    expect(bytes.at(-1)).toBeGreaterThan(0)
  })

  it('flags rows with the wrong number of fields instead of failing the file', async () => {
    const { records } = await readAll(file('b.csv', 'id,a,b\nx,1,2\ny,1\n'), 'csv')
    expect(records[0]!.problem).toBeUndefined()
    expect(records[1]!.problem).toBe('expected 3 fields as in the header, got 2')
  })

  it('rejects a header with duplicate or empty names, naming line 1', async () => {
    await expect(readAll(file('c.csv', 'id,a,a,\n1,2,3,4\n'), 'csv')).rejects.toThrow(ValidationError)
    await expect(readAll(file('c.csv', 'id,a,a\n1,2,3\n'), 'csv')).rejects.toThrow(/line 1, column a: column "a" appears twice/)
  })

  it('says "no header line" once when the first line is data, given what the header should hold', async () => {
    const expected = { oneOf: ['customer_id', 'id'], example: ['customer_id', 'email'] }
    const path = file('no-header.csv', '7590-VHVEG,Female,0,Yes,No,No,No\n5575-GNVDE,Male,0,No,No,No,Yes\n')
    const error = (await readAll(path, 'csv', expected).catch((caught: unknown) => caught)) as ValidationError
    expect(error).toBeInstanceOf(ValidationError)
    expect(error.issues).toEqual([{ code: 'header.missing', path: 'line 1', message: 'no header line: the first line must name the columns (expected e.g. customer_id, email, …), got "7590-VHVEG,Female,0,Yes,No,No,…"' }])
    expect(error.message).toBe(`${path}: line 1: ${error.issues[0]!.message}`)
    // Names without the id column are a header, judged by the importer; without an expectation,
    // the reader reports what is wrong with the names themselves.
    expect((await readAll(file('names.csv', 'cust,plan\na,b\n'), 'csv', expected)).reader.header).toEqual(['cust', 'plan'])
    await expect(readAll(path, 'csv')).rejects.toThrow(/column "No" appears twice/)
  })

  it('rejects an empty file and reports unparseable CSV as a user error', async () => {
    await expect(readAll(file('d.csv', ''), 'csv')).rejects.toThrow(/is empty: expected a header line/)
    await expect(readAll(file('e.csv', 'id,a\n1,"open\n'), 'csv')).rejects.toThrow(/the CSV cannot be parsed/)
  })
})

describe('RecordReader (JSONL)', () => {
  it('parses one object per line, skipping blank lines and flagging bad ones', async () => {
    const path = file('a.jsonl', '{"id":"a","n":1}\r\n\r\n[1]\nnot json\n{"id":"b"}')
    const { records } = await readAll(path, 'jsonl')
    expect(records.map((record) => record.line)).toEqual([1, 3, 4, 5])
    expect(records[0]!.values).toEqual({ id: 'a', n: 1 })
    expect(records[1]!.problem).toBe('expected a JSON object, got an array')
    expect(records[2]!.problem).toMatch(/^expected a JSON object, got invalid JSON/)
    expect(records[3]!.raw).toBe('{"id":"b"}')
  })
})
