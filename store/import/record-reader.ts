/**
 * Streams records out of a CSV (with a header) or JSONL file in constant memory, each tagged
 * with its physical line in the file (header = line 1) so errors can point at it, and reports
 * bytes read for progress bars (rows are unknown up front).
 */
import { createReadStream, statSync } from 'node:fs'
import { extname } from 'node:path'
import { createInterface } from 'node:readline'
import { parse } from 'csv-parse'
import { UserError, ValidationError } from '../../engine/errors.ts'

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

/** Reads a file record by record. `header` is known once the first record has been read (CSV only). */
export class RecordReader implements AsyncIterable<SourceRecord> {
  /** CSV column names, in file order; empty for JSONL. */
  header: string[] = []

  constructor(
    readonly path: string,
    readonly format: SourceFormat,
    private readonly onBytes?: BytesListener,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<SourceRecord> {
    return this.format === 'csv' ? this.readCsv() : this.readJsonl()
  }

  private async *readCsv(): AsyncGenerator<SourceRecord> {
    // Empty lines are kept as records and skipped here, so physical lines can be counted exactly
    // (csv-parse's own line counter is off for CRLF inside quoted fields).
    const parser = countingStream(this.path, this.onBytes).pipe(
      parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }),
    )
    let nextLine = 1
    try {
      for await (const fields of parser as AsyncIterable<string[]>) {
        const line = nextLine
        nextLine += 1 + embeddedLineBreaks(fields)
        if (fields.length === 1 && fields[0]!.trim() === '') continue
        if (this.header.length === 0) {
          this.header = checkHeader(fields, line)
          continue
        }
        yield csvRecord(this.header, fields, line)
      }
    } catch (error) {
      if (error instanceof UserError) throw error
      const where = (error as { lines?: number }).lines
      const message = error instanceof Error ? error.message : String(error)
      throw new UserError('import.csv', `${this.path}${where ? ` (near line ${where})` : ''}: the CSV cannot be parsed: ${message}`)
    }
    if (this.header.length === 0) throw new UserError('import.empty', `${this.path} is empty: expected a header line`)
  }

  private async *readJsonl(): AsyncGenerator<SourceRecord> {
    const lines = createInterface({ input: countingStream(this.path, this.onBytes), crlfDelay: Infinity })
    let line = 0
    for await (const text of lines) {
      line++
      if (text.trim() === '') continue
      yield jsonRecord(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, line)
    }
  }
}

/** Counts `\n` inside the fields of a record: each one moves the physical line on by one. */
function embeddedLineBreaks(fields: string[]): number {
  let count = 0
  for (const field of fields) {
    let at = field.indexOf('\n')
    while (at !== -1) {
      count++
      at = field.indexOf('\n', at + 1)
    }
  }
  return count
}

/** Validates the header: names present and unique. */
function checkHeader(fields: string[], line: number): string[] {
  const names = fields.map((field) => field.trim())
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

function csvRecord(header: string[], fields: string[], line: number): SourceRecord {
  const values: Record<string, unknown> = {}
  for (let i = 0; i < header.length; i++) values[header[i]!] = fields[i] ?? ''
  const record: SourceRecord = { line, values, raw: fields }
  if (fields.length !== header.length) record.problem = `expected ${header.length} fields as in the header, got ${fields.length}`
  return record
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
