import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { csvRecordBatches, CsvSyntaxError } from './csv-records.ts'
import type { CsvRecord } from './csv-records.ts'

/** Feeds `chunks` as a stream (chunk borders exercise the carry-over) and collects the records. */
async function records(...chunks: string[]): Promise<CsvRecord[]> {
  const out: CsvRecord[] = []
  for await (const batch of csvRecordBatches(Readable.from(chunks.map((chunk) => Buffer.from(chunk))))) out.push(...batch)
  return out
}

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

  it('handles quoted fields, doubled quotes, literal quotes in unquoted fields and empty fields', async () => {
    expect(await records('a,"b,c","say ""hi""",12" screen,\n')).toEqual([{ line: 1, fields: ['a', 'b,c', 'say "hi"', '12" screen', ''] }])
  })

  it('rejects text after a closing quote as an unclosed quote (strict RFC 4180), naming the line', async () => {
    await expect(records('id,a,b\n1,"b"x,c\n2,ok,fine\n')).rejects.toThrow('a quoted field opened on line 2 is never closed')
  })

  it('streams a large file in many chunks and keeps counting lines through multi-line fields', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `c-${i},"note ${i}\nsecond line",${i}`)
    const result = await records(`id,note,n\n${rows.join('\n')}\n`)
    expect(result).toHaveLength(20_001)
    // Header on line 1, then two physical lines per record: record i starts on line 2 + 2i.
    expect(result[20_000]).toEqual({ line: 2 + 2 * 19_999, fields: ['c-19999', 'note 19999\nsecond line', '19999'] })
  })
})
