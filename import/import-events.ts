/**
 * `sluice import events`: streams a CSV or JSONL file of events into the store in batches inside
 * one transaction. A row naming a customer the store does not hold is a bad row; an event id
 * the store already has with the same content is a duplicate (counted, not an error), so
 * re-importing is harmless; with other content it is a conflict: the stored event is kept and
 * the summary counts the conflicts and shows the first, by line, with what differs.
 */
import type { EventInput, StorePort } from '../engine/ports/store.ts'
import { checkEventHeader, EVENT_HEADER, mapEventRecord } from './event-rows.ts'
import { DEFAULT_BATCH_SIZE } from './import-options.ts'
import type { EventConflictExample, ImportOptions, ImportSummary } from './import-options.ts'
import { describeRow, IssueLog } from './issue-log.ts'
import type { RowProblem } from './issue-log.ts'
import { detectFormat, fileSize, RecordReader } from './record-reader.ts'
import type { SourceRecord } from './record-reader.ts'
import { defaultRejectsPath, RejectsFile } from './rejects-file.ts'

/** How many conflicts the summary shows (all are counted). */
export const MAX_CONFLICT_EXAMPLES = 10

/** Imports an events file into `store`; throws a ValidationError listing bad rows (nothing written). */
export async function importEvents(store: StorePort, options: ImportOptions): Promise<ImportSummary> {
  const format = detectFormat(options.path, options.format)
  fileSize(options.path)
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE

  return store.transaction(async (tx) => {
    const issues = new IssueLog()
    const rejectsPath = options.skipInvalid ? (options.rejectsPath ?? defaultRejectsPath(options.path, format)) : undefined
    const reader = new RecordReader(options.path, format, (bytesRead, totalBytes) => options.onProgress?.({ phase: 'write', bytesRead, totalBytes }), EVENT_HEADER)
    const rejects = rejectsPath ? new RejectsFile(rejectsPath, format, () => reader.header) : undefined
    const reject = async (record: SourceRecord, problems: RowProblem[]) => {
      issues.addRow(problems)
      await rejects?.write(record, describeRow(problems))
    }

    let events: EventInput[] = []
    let records: SourceRecord[] = []
    let rows = 0
    let inserted = 0
    let duplicates = 0
    let conflicts = 0
    const conflictExamples: EventConflictExample[] = []
    const flush = async () => {
      if (events.length === 0) return
      // Once the file is known to be rolled back, only look customers up (to report them all).
      const writing = rejects !== undefined || issues.isEmpty
      const result = writing ? await tx.insertEvents(events) : { inserted: 0, duplicates: 0, conflicts: [], unknownCustomers: await unknownCustomers(tx, events) }
      inserted += result.inserted
      duplicates += result.duplicates - result.conflicts.length
      conflicts += result.conflicts.length
      for (const { index, differs } of result.conflicts) {
        if (conflictExamples.length >= MAX_CONFLICT_EXAMPLES) break
        conflictExamples.push({ line: records[index]!.line, eventId: events[index]!.id, differs })
      }
      for (const index of result.unknownCustomers) {
        const record = records[index]!
        await reject(record, [{ line: record.line, column: 'customer_id', code: 'row.unknown-customer', message: `no customer ${JSON.stringify(events[index]!.customerId)} in the store` }])
      }
      events = []
      records = []
    }

    let headerChecked = format !== 'csv'
    try {
      for await (const batch of reader.batches()) {
        if (!headerChecked) {
          checkEventHeader(options.path, reader.header)
          headerChecked = true
        }
        for (const record of batch) {
          rows++
          const event = mapEventRecord(record)
          if (Array.isArray(event)) {
            await reject(record, event)
            continue
          }
          events.push(event)
          records.push(record)
          if (events.length >= batchSize) await flush()
        }
      }
      if (!headerChecked && reader.header.length > 0) checkEventHeader(options.path, reader.header)
      await flush()
    } finally {
      await rejects?.close()
    }
    if (!rejects && !issues.isEmpty) throw issues.toError(options.path)

    const summary: ImportSummary = {
      kind: 'events', file: options.path, format, rows,
      inserted, updated: 0, duplicates, conflicts, conflictExamples, rejected: issues.badRows, attributesDefined: [],
    }
    if (rejectsPath) summary.rejectsFile = rejectsPath
    return summary
  })
}

/** Indexes of events whose customer is not in the store (one lookup for the batch). */
async function unknownCustomers(store: StorePort, events: EventInput[]): Promise<number[]> {
  const ids = [...new Set(events.map((event) => event.customerId))]
  const known = new Set((await store.getCustomers(ids)).map((customer) => customer.id))
  return events.flatMap((event, index) => (known.has(event.customerId) ? [] : [index]))
}
