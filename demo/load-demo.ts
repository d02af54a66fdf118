/**
 * `sluice demo`: the real telco customers (demo/telco-customers.csv, through the customers
 * importer like any user file) plus, for each of them, seeded synthetic additions and twelve
 * months of events, all in one transaction. Seed fixed (42), so the demo is the same for
 * everyone given the same `asOf`.
 */
import { fileURLToPath } from 'node:url'
import type { StorePort } from '../engine/ports/store.ts'
import { importCustomers } from '../import/import-customers.ts'
import type { ImportSummary } from '../import/import-options.ts'
import { RecordReader } from '../import/record-reader.ts'
import { DEMO_ATTRIBUTES } from './demo-catalogue.ts'
import { GeneratedWriter } from './generated-writer.ts'
import type { GeneratedTotals } from './generated-writer.ts'
import { synthesizeCustomer } from './synthetic-customer.ts'
import { telcoProfile } from './telco-profile.ts'

/** The demo's fixed seed. */
export const DEMO_SEED = '42'
/** The real customers of the demo. */
export const TELCO_CSV = fileURLToPath(new URL('./telco-customers.csv', import.meta.url))
/**
 * Serials of demo customers start here, so their synthetic phone numbers and e-mail addresses
 * never collide with those of `generate` (serials 1 to 5,000,000) in the same store.
 */
const DEMO_SERIAL_BASE = 9_000_000
const TELCO_ID = /^tc-(\d{1,6})$/
const PAGE = 1_000

/** Where the demo load is. */
export interface DemoProgress {
  phase: 'scan' | 'import' | 'synthesize'
  done: number
  total: number
}

/** What the demo load wrote. */
export interface DemoSummary {
  asOf: number
  seed: string
  import: ImportSummary
  synthetic: GeneratedTotals
}

/** Loads the demo data set into `store`. */
export async function loadDemo(
  store: StorePort,
  options: { asOf: number; path?: string; onProgress?: (progress: DemoProgress) => void },
): Promise<DemoSummary> {
  const path = options.path ?? TELCO_CSV
  return store.transaction(async (tx) => {
    await tx.defineAttributes(DEMO_ATTRIBUTES)
    const imported = await importCustomers(tx, {
      path,
      now: options.asOf,
      onProgress: (progress) => options.onProgress?.({ phase: progress.phase === 'scan' ? 'scan' : 'import', done: progress.bytesRead, total: progress.totalBytes }),
    })
    const writer = new GeneratedWriter(tx)
    let done = 0
    for await (const ids of idPages(path)) {
      for (const customer of await tx.getCustomers(ids)) {
        const serial = DEMO_SERIAL_BASE + Number(TELCO_ID.exec(customer.id)?.[1] ?? 0)
        await writer.add(synthesizeCustomer(DEMO_SEED, customer.id, serial, telcoProfile(customer.attributes), options.asOf))
      }
      done += ids.length
      options.onProgress?.({ phase: 'synthesize', done, total: imported.rows })
    }
    await writer.flush()
    return { asOf: options.asOf, seed: DEMO_SEED, import: imported, synthetic: writer.totals }
  })
}

/** The customer ids of the demo file, a page at a time (the file is re-read, not held in memory). */
async function* idPages(path: string): AsyncGenerator<string[]> {
  let page: string[] = []
  for await (const record of new RecordReader(path, 'csv')) {
    const id = String(record.values.customer_id ?? '').trim()
    if (!TELCO_ID.test(id)) continue
    page.push(id)
    if (page.length === PAGE) {
      yield page
      page = []
    }
  }
  if (page.length > 0) yield page
}
