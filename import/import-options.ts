/** Options and results shared by the customers and events importers. */
import type { AttributeDef, EventField } from '../engine/ports/store.ts'

/** Rows written per call to the store (one round trip per batch, never per row). */
export const DEFAULT_BATCH_SIZE = 2_000

/** Where an import is: `scan` is the type-inference pass, `write` the pass that writes. */
export interface ImportProgress {
  phase: 'scan' | 'write'
  bytesRead: number
  totalBytes: number
}

/** What an import is asked to do. */
export interface ImportOptions {
  /** The file to read. */
  path: string
  /** `csv` or `jsonl` (`ndjson`); by default from the extension. */
  format?: string
  /** Write the valid rows and put the bad ones in `rejectsPath` instead of rejecting the file. */
  skipInvalid?: boolean
  /** Where rejects go with `skipInvalid`; default `<input>.rejects.<format>` beside the input. */
  rejectsPath?: string
  batchSize?: number
  /** Epoch ms stamped on consents read from the file (the CLI passes the real clock). */
  now: number
  onProgress?: (progress: ImportProgress) => void
}

/** Options of a customers import. */
export interface CustomerImportOptions extends ImportOptions {
  /** Types the user declares for this import (`--type plan=string`); registered as declared. */
  declaredTypes?: AttributeDef[]
  /**
   * A customer id on two lines of the file: `error` (default) makes the later line a bad row
   * naming the first; `last` lets the later row win (a change log appended to an export).
   */
  onDuplicate?: DuplicatePolicy
}

export const DUPLICATE_POLICIES = ['error', 'last'] as const
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number]

/** What an import did. */
export interface ImportSummary {
  kind: 'customers' | 'events'
  file: string
  format: 'csv' | 'jsonl'
  /** Data rows read (excluding the header and empty lines). */
  rows: number
  inserted: number
  updated: number
  /** Events already in the store exactly so (same id and content): not an error. */
  duplicates: number
  /** Events whose id the store holds with other content: not imported (the stored one is kept). */
  conflicts: number
  /** The first conflicts, in line order, with what differs from the stored event. */
  conflictExamples: EventConflictExample[]
  /** Rows left out by --skip-invalid. */
  rejected: number
  rejectsFile?: string
  /** Attribute types registered by this import (new or widened). */
  attributesDefined: AttributeDef[]
}

/** One event of the file whose id the store already holds with other content. */
export interface EventConflictExample {
  line: number
  eventId: string
  differs: EventField[]
}
