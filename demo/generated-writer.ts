/**
 * Writes generated customers through the port in batches: one upsert of customers, one write
 * of consents and a few event inserts per batch, never a round trip per customer.
 */
import type { ConsentInput, CustomerInput, EventInput, StorePort } from '../engine/ports/store.ts'
import type { GeneratedCustomer } from './synthetic-customer.ts'

/** Customers per batch. */
export const GENERATE_BATCH_SIZE = 2_000
/** Events per insert call (a batch of customers holds ~60,000). */
const EVENT_CHUNK = 10_000

/** What was written. */
export interface GeneratedTotals {
  customersInserted: number
  customersUpdated: number
  consents: number
  eventsInserted: number
  eventDuplicates: number
  /** Of the duplicates, events stored under their id with other content (another seed or --as-of): the stored ones are kept. */
  eventConflicts: number
}

/** Buffers generated customers and writes them a batch at a time. */
export class GeneratedWriter {
  private customers: CustomerInput[] = []
  private consents: ConsentInput[] = []
  private events: EventInput[] = []
  readonly totals: GeneratedTotals = { customersInserted: 0, customersUpdated: 0, consents: 0, eventsInserted: 0, eventDuplicates: 0, eventConflicts: 0 }

  constructor(
    private readonly store: StorePort,
    private readonly batchSize = GENERATE_BATCH_SIZE,
  ) {}

  /** Queues one customer, writing the batch when it is full. */
  async add(generated: GeneratedCustomer): Promise<void> {
    this.customers.push(generated.customer)
    for (const consent of generated.consents) this.consents.push(consent)
    for (const event of generated.events) this.events.push(event)
    if (this.customers.length >= this.batchSize) await this.flush()
  }

  /** Writes what is queued: customers first, since consents and events refer to them. */
  async flush(): Promise<void> {
    if (this.customers.length > 0) {
      const result = await this.store.upsertCustomers(this.customers)
      this.totals.customersInserted += result.inserted
      this.totals.customersUpdated += result.updated
    }
    if (this.consents.length > 0) {
      await this.store.setConsents(this.consents)
      this.totals.consents += this.consents.length
    }
    for (let start = 0; start < this.events.length; start += EVENT_CHUNK) {
      const result = await this.store.insertEvents(this.events.slice(start, start + EVENT_CHUNK))
      if (result.unknownCustomers.length > 0) throw new Error(`generated events refer to ${result.unknownCustomers.length} customers that were not written`)
      this.totals.eventsInserted += result.inserted
      this.totals.eventDuplicates += result.duplicates
      this.totals.eventConflicts += result.conflicts.length
    }
    this.customers = []
    this.consents = []
    this.events = []
  }
}
