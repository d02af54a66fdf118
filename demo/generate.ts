/**
 * `sluice generate`: a synthetic, telco-like data set that is a pure function of (customers,
 * seed, asOf). Customer n (1-based) is `gc-000000n`; its attributes come from the stream
 * (seed, id, 'telco') and its synthetic additions and events from (seed, id, 'profile'), so
 * the first N customers are the same whatever the total.
 */
import { UserError } from '../engine/errors.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { DEMO_ATTRIBUTES } from './demo-catalogue.ts'
import { GeneratedWriter } from './generated-writer.ts'
import type { GeneratedTotals } from './generated-writer.ts'
import { Rng } from './prng.ts'
import { synthesizeCustomer } from './synthetic-customer.ts'
import type { GeneratedCustomer } from './synthetic-customer.ts'
import { sampleTelcoAttributes, telcoProfile } from './telco-profile.ts'

/** Most customers one run may generate (ids and phone numbers have room for 9,999,999). */
export const MAX_GENERATED_CUSTOMERS = 5_000_000

/** What to generate. */
export interface GenerateOptions {
  customers: number
  seed: string
  /** Epoch ms; events fall in the 365 days before it. */
  asOf: number
  /** Called after each batch with customers done so far and the total. */
  onProgress?: (done: number, total: number) => void
}

/** What `generateIntoStore` wrote. */
export interface GenerateSummary extends GeneratedTotals {
  customers: number
  seed: string
  asOf: number
}

/** The id of generated customer `serial` (1-based). */
export function generatedCustomerId(serial: number): string {
  return `gc-${String(serial).padStart(7, '0')}`
}

/** Generated customer `serial`: sampled telco attributes plus the synthetic additions and events. */
export function generateCustomer(seed: string, serial: number, asOf: number, options: { events?: boolean } = {}): GeneratedCustomer {
  const id = generatedCustomerId(serial)
  const telco = sampleTelcoAttributes(new Rng(seed, id, 'telco'))
  const generated = synthesizeCustomer(seed, id, serial, telcoProfile(telco), asOf, options)
  generated.customer.attributes = { ...telco, ...generated.customer.attributes }
  return generated
}

/** Checks the options a user gave, with messages that name the flag. */
export function checkGenerateOptions(options: Pick<GenerateOptions, 'customers' | 'seed' | 'asOf'>): void {
  if (!Number.isSafeInteger(options.customers) || options.customers < 1 || options.customers > MAX_GENERATED_CUSTOMERS) {
    throw new UserError('generate.customers', `--customers: expected a whole number from 1 to ${MAX_GENERATED_CUSTOMERS.toLocaleString('en-US')}, got ${options.customers}`)
  }
  if (options.seed.trim() === '') throw new UserError('generate.seed', '--seed: expected a non-empty seed')
  if (!Number.isSafeInteger(options.asOf)) throw new UserError('generate.as-of', '--as-of: expected a date such as 2024-06-30')
}

/** The generated customers one by one (constant memory). */
export function* generateCustomers(options: Pick<GenerateOptions, 'customers' | 'seed' | 'asOf'> & { events?: boolean }): Generator<GeneratedCustomer> {
  for (let serial = 1; serial <= options.customers; serial++) yield generateCustomer(options.seed, serial, options.asOf, { events: options.events ?? true })
}

/** Generates straight into the store, in batches inside one transaction. */
export async function generateIntoStore(store: StorePort, options: GenerateOptions): Promise<GenerateSummary> {
  checkGenerateOptions(options)
  return store.transaction(async (tx) => {
    await tx.defineAttributes(DEMO_ATTRIBUTES)
    const writer = new GeneratedWriter(tx)
    let done = 0
    for (const generated of generateCustomers(options)) {
      await writer.add(generated)
      if (++done % 2_000 === 0) options.onProgress?.(done, options.customers)
    }
    await writer.flush()
    options.onProgress?.(done, options.customers)
    return { customers: options.customers, seed: options.seed, asOf: options.asOf, ...writer.totals }
  })
}
