/**
 * Writes the rows `--skip-invalid` left out, each with its line and the reason, in the format
 * of the input: a CSV with `line,reason` before the original columns, or JSONL objects
 * `{"line":5,"reason":"...","record":<the original line>}`. The original cells are kept as they
 * were, so the file can be fixed and imported again.
 */
import { createWriteStream, openSync } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { once } from 'node:events'
import { basename, dirname, extname, join } from 'node:path'
import { UserError } from '../engine/errors.ts'
import type { SourceFormat, SourceRecord } from './record-reader.ts'

/** `data/customers.csv` → `data/customers.rejects.csv` (same folder, same format). */
export function defaultRejectsPath(input: string, format: SourceFormat): string {
  const name = basename(input, extname(input))
  return join(dirname(input), `${name}.rejects.${format}`)
}

/** Quotes a CSV cell when it needs it (RFC 4180). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value
}

/** A rejects file being written. The CSV header is written once the input's header is known. */
export class RejectsFile {
  private readonly stream: WriteStream
  private headerWritten = false
  /** Rows written. */
  count = 0

  constructor(
    readonly path: string,
    private readonly format: SourceFormat,
    private readonly header: () => string[],
  ) {
    // Opened synchronously so a bad path is reported before the import starts, not mid-stream.
    let fd: number
    try {
      fd = openSync(path, 'w')
    } catch (error) {
      throw new UserError('import.rejects', `cannot write the rejects file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
    this.stream = createWriteStream(path, { fd })
  }

  /** Appends one rejected record with its reason. */
  async write(record: SourceRecord, reason: string): Promise<void> {
    this.writeHeader()
    const text =
      this.format === 'csv'
        ? `${[String(record.line), reason, ...(record.raw as string[])].map(csvCell).join(',')}\n`
        : `${JSON.stringify({ line: record.line, reason, record: parseOrText(record.raw as string) })}\n`
    this.count++
    if (!this.stream.write(text)) await once(this.stream, 'drain')
  }

  /** Finishes the file (a header-only CSV when nothing was rejected). */
  async close(): Promise<void> {
    this.writeHeader()
    this.stream.end()
    await once(this.stream, 'finish')
  }

  private writeHeader(): void {
    if (this.headerWritten || this.format !== 'csv') return
    this.headerWritten = true
    this.stream.write(`${['line', 'reason', ...this.header()].map(csvCell).join(',')}\n`)
  }
}

/** The rejected JSONL line as JSON when it parses, else as its text (invalid JSON stays readable). */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
