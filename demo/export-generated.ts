/**
 * Writes a generated data set to files instead of the store: customers as CSV (the columns of
 * the real telco file, then the synthetic ones, in the importer's vocabulary) or JSONL, and
 * optionally events as JSONL or CSV (`properties` as a JSON column). Importing these files
 * gives the same store content as `generate` into the store, except consent times (a file has
 * no consent time, so the importer stamps the import time).
 */
import { createWriteStream } from 'node:fs'
import type { WriteStream } from 'node:fs'
import { once } from 'node:events'
import { UserError } from '../engine/errors.ts'
import { CHANNELS } from '../engine/ports/store.ts'
import type { AttributeValue, EventInput } from '../engine/ports/store.ts'
import { csvCell } from '../import/rejects-file.ts'
import type { SourceFormat } from '../import/record-reader.ts'
import { DEMO_ATTRIBUTES } from './demo-catalogue.ts'
import { checkGenerateOptions, generateCustomers } from './generate.ts'
import type { GeneratedCustomer } from './synthetic-customer.ts'

/** Where and how to write. */
export interface ExportOptions {
  customers: number
  seed: string
  asOf: number
  customersPath: string
  customersFormat: SourceFormat
  eventsPath?: string
  eventsFormat?: SourceFormat
  onProgress?: (done: number, total: number) => void
}

/** What was written. */
export interface ExportSummary {
  customers: number
  events: number
  customersPath: string
  eventsPath?: string
}

const CONSENT_CHANNELS = CHANNELS.filter((channel) => channel !== 'inbox')
/** Customer columns in file order. */
export const CUSTOMER_COLUMNS = [
  'customer_id',
  ...DEMO_ATTRIBUTES.map((def) => def.name),
  'time_zone', 'email', 'phone', 'push_token', 'wechat_id', 'preferred_channel',
  ...CONSENT_CHANNELS.map((channel) => `consent_${channel}`),
]
const EVENT_COLUMNS = ['event_id', 'customer_id', 'type', 'at', 'properties']

/** A file written line by line, waiting when the disk falls behind. */
class LineFile {
  private readonly stream: WriteStream

  constructor(readonly path: string) {
    this.stream = createWriteStream(path)
  }

  async open(): Promise<void> {
    try {
      await once(this.stream, 'open')
    } catch (error) {
      throw new UserError('generate.out', `cannot write ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await once(this.stream, 'drain')
  }

  async close(): Promise<void> {
    this.stream.end()
    await once(this.stream, 'finish')
  }
}

/** One customer as a flat record keyed by CUSTOMER_COLUMNS, in the file vocabulary. */
export function customerRecord(generated: GeneratedCustomer): Record<string, AttributeValue> {
  const { customer, consents } = generated
  const record: Record<string, AttributeValue> = { customer_id: customer.id }
  for (const def of DEMO_ATTRIBUTES) {
    const value = customer.attributes?.[def.name] ?? null
    // The telco file writes churn as Yes/No: keep that vocabulary so the files look alike.
    record[def.name] = typeof value === 'boolean' ? (value ? 'Yes' : 'No') : value
  }
  record.time_zone = customer.timeZone ?? null
  record.email = customer.addresses?.email ?? null
  record.phone = customer.addresses?.phone ?? null
  record.push_token = customer.addresses?.push ?? null
  record.wechat_id = customer.addresses?.wechat ?? null
  record.preferred_channel = customer.preferredChannel ?? null
  for (const channel of CONSENT_CHANNELS) record[`consent_${channel}`] = consents.find((consent) => consent.channel === channel)?.status ?? null
  return record
}

function customerLine(record: Record<string, AttributeValue>, format: SourceFormat): string {
  if (format === 'jsonl') return `${JSON.stringify(record)}\n`
  // Missing values as NA, as in the real export.
  return `${CUSTOMER_COLUMNS.map((column) => csvCell(record[column] === null || record[column] === undefined ? 'NA' : String(record[column]))).join(',')}\n`
}

function eventLine(event: EventInput, format: SourceFormat): string {
  const at = new Date(event.at).toISOString()
  if (format === 'jsonl') return `${JSON.stringify({ event_id: event.id, customer_id: event.customerId, type: event.type, at, properties: event.properties ?? {} })}\n`
  return `${[event.id, event.customerId, event.type, at, JSON.stringify(event.properties ?? {})].map(csvCell).join(',')}\n`
}

/** Generates the data set into files (constant memory). */
export async function exportGenerated(options: ExportOptions): Promise<ExportSummary> {
  checkGenerateOptions(options)
  const customersFile = new LineFile(options.customersPath)
  const eventsFile = options.eventsPath ? new LineFile(options.eventsPath) : undefined
  await customersFile.open()
  await eventsFile?.open()
  const eventsFormat = options.eventsFormat ?? 'jsonl'
  if (options.customersFormat === 'csv') await customersFile.write(`${CUSTOMER_COLUMNS.join(',')}\n`)
  if (eventsFile && eventsFormat === 'csv') await eventsFile.write(`${EVENT_COLUMNS.join(',')}\n`)
  let done = 0
  let events = 0
  for (const generated of generateCustomers({ ...options, events: eventsFile !== undefined })) {
    await customersFile.write(customerLine(customerRecord(generated), options.customersFormat))
    if (eventsFile) {
      let chunk = ''
      for (const event of generated.events) chunk += eventLine(event, eventsFormat)
      await eventsFile.write(chunk)
      events += generated.events.length
    }
    if (++done % 2_000 === 0) options.onProgress?.(done, options.customers)
  }
  await customersFile.close()
  await eventsFile?.close()
  options.onProgress?.(done, options.customers)
  const summary: ExportSummary = { customers: done, events, customersPath: options.customersPath }
  if (options.eventsPath) summary.eventsPath = options.eventsPath
  return summary
}
