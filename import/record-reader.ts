/**
 * Streams records out of a CSV (with a header) or JSONL file in constant memory, each tagged
 * with its physical line in the file (header = line 1) so errors can point at it, and reports
 * bytes read for progress bars (rows are unknown up front).
 */
import { createReadStream, statSync } from 'node:fs'
import { extname } from 'node:path'
import { UserError, ValidationError } from '../engine/errors.ts'
import { csvRecordBatches, CsvSyntaxError } from './csv-records.ts'
import type { CsvRecord } from './csv-records.ts'

export const SOURCE_FORMATS = ['csv', 'jsonl'] as const
export type SourceFormat = (typeof SOURCE_FORMATS)[number]

/** One record of the file. */
export interface SourceRecord {
  /** Physical line where the record starts (1-based; in CSV the header is line 1). */
  line: number
  /** Values by column (CSV: text cells; JSONL: the parsed object). */
  values: Record<string, unknown>
  /** The record as it was, for a rejects file: CSV cells, or the JSONL line text. */
  raw: string[] | string
  /** Set when the record itself is malformed (wrong field count, invalid JSON). */
  problem?: string
  /** CSV only: the header, so hot loops can walk `raw` by index instead of building `values`. */
  header?: string[]
}

/**
 * What an importer expects its CSV header to hold. A file whose first line lacks the key column
 * and looks like data (numbers, e-mails, repeated cells) gets one clear "no header line" error
 * instead of a complaint about every cell of that row.
 */
export interface ExpectedHeader {
  /** The header holds at least one of these (the id column). */
  oneOf: readonly string[]
  /** Columns named in the message as an example of a header. */
  example: readonly string[]
}

/** Called as the file is read, with bytes read so far and the file size. */
export type BytesListener = (bytesRead: number, totalBytes: number) => void

const FORMAT_BY_EXTENSION: Record<string, SourceFormat> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl' }

/** Picks the format from `override` or the file extension; a clear error when neither says. */
export function detectFormat(path: string, override?: string): SourceFormat {
  if (override !== undefined) {
    const format = override.toLowerCase() === 'ndjson' ? 'jsonl' : override.toLowerCase()
    if ((SOURCE_FORMATS as readonly string[]).includes(format)) return format as SourceFormat
    throw new UserError('import.format', `unknown format "${override}": expected csv or jsonl (ndjson)`)
  }
  const format = FORMAT_BY_EXTENSION[extname(path).toLowerCase()]
  if (!format) {
    throw new UserError('import.format', `cannot tell the format of ${path} from its extension: use .csv, .jsonl or .ndjson, or pass --format csv|jsonl`)
  }
  return format
}

/** Size of `path` in bytes, or a clear error when it cannot be read. */
export function fileSize(path: string): number {
  try {
    const stats = statSync(path)
    if (!stats.isFile()) throw new UserError('import.file', `${path} is not a file`)
    return stats.size
  } catch (error) {
    if (error instanceof UserError) throw error
    throw new UserError('import.file', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

/** A readable file stream that reports progress. */
function countingStream(path: string, onBytes: BytesListener | undefined) {
  const total = fileSize(path)
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 })
  if (onBytes) {
    let read = 0
    stream.on('data', (chunk) => {
      read += chunk.length
      onBytes(read, total)
    })
  }
  return stream
}

/**
 * Reads a file record by record. `header` is known once the first batch has been read (CSV
 * only). Importers iterate `batches()` (one array per chunk read: no await per record);
 * iterating the reader itself yields single records.
 */
export class RecordReader implements AsyncIterable<SourceRecord> {
  /** CSV column names, in file order; empty for JSONL. */
  header: string[] = []

  constructor(
    readonly path: string,
    readonly format: SourceFormat,
    private readonly onBytes?: BytesListener,
    private readonly expectedHeader?: ExpectedHeader,
  ) {}

  /** The records, a chunk's worth at a time. */
  batches(): AsyncGenerator<SourceRecord[]> {
    return this.format === 'csv' ? this.readCsv() : this.readJsonl()
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SourceRecord> {
    for await (const batch of this.batches()) yield* batch
  }

  private async *readCsv(): AsyncGenerator<SourceRecord[]> {
    try {
      for await (const batch of csvRecordBatches(countingStream(this.path, this.onBytes))) {
        const records: SourceRecord[] = []
        for (const record of batch) {
          if (this.header.length === 0) this.header = checkHeader(this.path, record.fields, record.line, this.expectedHeader)
          else records.push(csvRecord(this.header, record))
        }
        if (records.length > 0) yield records
      }
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw new UserError('import.csv', `${this.path}: the CSV cannot be parsed: ${error.message}`)
      throw error
    }
    if (this.header.length === 0) throw new UserError('import.empty', `${this.path} is empty: expected a header line`)
  }

  private async *readJsonl(): AsyncGenerator<SourceRecord[]> {
    const input = countingStream(this.path, this.onBytes)
    input.setEncoding('utf8')
    let carry = ''
    let line = 0
    const take = (raw: string, out: SourceRecord[]) => {
      line++
      let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      if (text.trim() !== '') out.push(jsonRecord(text, line))
    }
    for await (const chunk of input as AsyncIterable<string>) {
      const text = carry + chunk
      const out: SourceRecord[] = []
      let start = 0
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        take(text.slice(start, end), out)
        start = end + 1
      }
      carry = text.slice(start)
      if (out.length > 0) yield out
    }
    const out: SourceRecord[] = []
    if (carry !== '') take(carry, out)
    if (out.length > 0) yield out
  }
}

/** Validates the header: there is one (when the importer says what to expect), names present and unique. */
function checkHeader(path: string, fields: string[], line: number, expected: ExpectedHeader | undefined): string[] {
  const names = fields.map((field) => field.trim())
  if (expected && !names.some((name) => expected.oneOf.includes(name)) && looksLikeData(names)) {
    const shown = names.slice(0, 6).join(',') + (names.length > 6 ? ',…' : '')
    const message = `no header line: the first line must name the columns (expected e.g. ${expected.example.join(', ')}, …), got ${JSON.stringify(shown)}`
    throw new ValidationError(`${path}: line ${line}: ${message}`, [{ code: 'header.missing', path: `line ${line}`, message }])
  }
  const issues = []
  const seen = new Set<string>()
  for (const [index, name] of names.entries()) {
    if (name === '') issues.push({ code: 'header.empty', path: `line ${line}, column ${index + 1}`, message: 'expected a column name, got an empty one' })
    else if (seen.has(name)) issues.push({ code: 'header.duplicate', path: `line ${line}, column ${name}`, message: `column "${name}" appears twice` })
    seen.add(name)
  }
  if (issues.length > 0) {
    throw new ValidationError(`the header is invalid:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`, issues)
  }
  return names
}

/** A column name starts with a letter or _ and holds letters, digits, spaces, _ . -. */
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_ .-]*$/

/** Whether a first line reads as a data row: a cell that cannot be a column name, or a repeated one. */
function looksLikeData(names: string[]): boolean {
  return names.some((name) => !COLUMN_NAME.test(name)) || new Set(names).size < names.length
}

function csvRecord(header: string[], { line, fields, problem }: CsvRecord): SourceRecord {
  const record = new CsvSourceRecord(line, header, fields)
  if (problem) record.problem = problem
  else if (fields.length !== header.length) record.problem = `expected ${header.length} fields as in the header, got ${fields.length}`
  return record
}

/** A CSV record whose `values` object is only built when someone asks for it. */
class CsvSourceRecord implements SourceRecord {
  problem?: string
  private built: Record<string, unknown> | undefined

  constructor(
    readonly line: number,
    readonly header: string[],
    readonly raw: string[],
  ) {}

  get values(): Record<string, unknown> {
    if (!this.built) {
      const values: Record<string, unknown> = {}
      for (let i = 0; i < this.header.length; i++) values[this.header[i]!] = this.raw[i] ?? ''
      this.built = values
    }
    return this.built
  }
}

function jsonRecord(text: string, line: number): SourceRecord {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return { line, values: {}, raw: text, problem: `expected a JSON object, got invalid JSON (${(error as Error).message})` }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { line, values: {}, raw: text, problem: `expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed === 'object' ? 'null' : `a ${typeof parsed}`}` }
  }
  return { line, values: parsed as Record<string, unknown>, raw: text }
}
