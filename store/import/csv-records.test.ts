import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { csvRecordBatches, CsvSyntaxError, parseQuotedRecord } from './csv-records.ts'
import type { CsvRecord } from './csv-records.ts'

/** Feeds `chunks` as a stream (chunk borders exercise the carry-over) and collects the records. */
async function records(...chunks: string[]): Promise<CsvRecord[]> {
  const out: CsvRecord[] = []
  for await (const batch of csvRecordBatches(Readable.from(chunks.map((chunk) => Buffer.from(chunk))))) out.push(...batch)
  return out
}

describe('parseQuotedRecord', () => {
  it('handles quoted fields, doubled quotes, literal quotes in unquoted fields and empty fields', () => {
    expect(parseQuotedRecord('a,"b,c","say ""hi""",12" screen,')).toEqual({ complete: true, fields: ['a', 'b,c', 'say "hi"', '12" screen', ''] })
    expect(parseQuotedRecord('"open')).toEqual({ complete: false })
  })

  it('flags text after a closing quote', () => {
    const parsed = parseQuotedRecord('a,"b"x,c')
    expect(parsed).toMatchObject({ complete: true, fields: ['a', 'b', 'c'] })
    expect(parsed.complete && parsed.problem).toContain('field 2: unexpected text after the closing quote')
  })
})

describe('csvRecordBatches', () => {
  it('splits across chunk borders, drops the BOM and empty lines, and keeps physical line numbers', async () => {
    const result = await records('\uFEFFid,no', 'te\r\na,"x\r', '\ny"\r\n\r\n   \r\nb,plain\r\nc,last')
    expect(result).toEqual([
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['a', 'x\r\ny'] },
      { line: 6, fields: ['b', 'plain'] },
      { line: 7, fields: ['c', 'last'] },
    ])
  })

  it('rejects a quote that is never closed, naming its line', async () => {
    await expect(records('id,a\n1,"open\n2,b\n')).rejects.toThrow(CsvSyntaxError)
    await expect(records('id,a\n1,"open\n2,b\n')).rejects.toThrow('a quoted field opened on line 2 is never closed')
  })
})
