/**
 * The customer store's port methods that are one capability each over the store driver
 * (store/customers, events, contact, attributes, tags), written once for both dialects.
 * SqliteStore and PgStore extend it and say only how a read and a change run on their
 * connection (`read`, `change`: the transaction rules of each dialect), the clock, and the
 * dialect's hooks around the bulk writes; they keep connection, transactions, migrations and
 * the segment, RFM, channel-facts and contact-policy methods compiled per dialect.
 */
import type {
  AttributeDef,
  ConsentInput,
  ContactInput,
  Customer,
  CustomerInput,
  EventInput,
  EventInsertResult,
  StoredContact,
  StoredEvent,
  StoreStats,
  SuppressionInput,
  Tag,
  UpsertResult,
} from '../engine/ports/store.ts'
import type { EventFilter } from './common/events-of-query.ts'
import type { SqlDriver } from './core/driver.ts'
import { defineAttributes, listAttributes } from './attributes/attributes.ts'
import { addSuppressions, getConsents, listContacts, recordContacts, removeSuppressions, setConsents, suppressedCustomers, type KeysOf } from './contact/contact.ts'
import { countCustomers, getCustomers, listCustomers, storeStats } from './customers/customers.ts'
import { upsertCustomers, type BulkWriteHooks } from './customers/upsert-customers.ts'
import { insertEvents } from './events/insert-events.ts'
import { listEvents, listEventsOf } from './events/events.ts'
import { setTags } from './tags/tags.ts'

export abstract class CustomerStoreCapabilities {
  /** Runs a read on the current transaction, or as the dialect reads outside one. */
  protected abstract read<T>(work: (sql: SqlDriver) => Promise<T>): Promise<T>
  /**
   * Runs a write atomically (inside the open transaction, or in one of its own) with the
   * customer-key look-up of that connection; `deferFsync`: a transaction of its own commits
   * without waiting for the disk (decision 16).
   */
  protected abstract change<T>(work: (sql: SqlDriver, keysOf: KeysOf) => Promise<T>, options?: { deferFsync?: boolean }): Promise<T>
  /** The store's clock (epoch ms) for created / updated times. */
  protected abstract now(): number
  /** What the dialect adds around the bulk writes (none by default). */
  protected readonly bulkHooks: BulkWriteHooks = {}

  async upsertCustomers(input: CustomerInput[]): Promise<UpsertResult> {
    return this.change((sql, keysOf) => upsertCustomers(sql, keysOf, input, this.now(), this.bulkHooks))
  }

  async getCustomers(ids: string[]): Promise<Customer[]> {
    return this.read((sql) => getCustomers(sql, ids))
  }

  async listCustomers(options: { afterKey?: number; limit?: number } = {}): Promise<Customer[]> {
    return this.read((sql) => listCustomers(sql, options))
  }

  async countCustomers(): Promise<number> {
    return this.read(countCustomers)
  }

  async insertEvents(input: EventInput[]): Promise<EventInsertResult> {
    return this.change((sql, keysOf) => insertEvents(sql, keysOf, input, this.bulkHooks), { deferFsync: true })
  }

  async listEvents(customerId: string, options: { type?: string; from?: number; to?: number; last?: number } = {}): Promise<StoredEvent[]> {
    return this.read((sql) => listEvents(sql, customerId, options))
  }

  async listEventsOf(customerIds: string[], options: EventFilter = {}): Promise<StoredEvent[]> {
    return this.read((sql) => listEventsOf(sql, customerIds, options))
  }

  async setConsents(input: ConsentInput[]): Promise<void> {
    await this.change((sql, keysOf) => setConsents(sql, keysOf, input))
  }

  async getConsents(customerIds: string[]): Promise<ConsentInput[]> {
    return this.read((sql) => getConsents(sql, customerIds))
  }

  async addSuppressions(input: SuppressionInput[]): Promise<void> {
    await this.change((sql) => addSuppressions(sql, input))
  }

  async removeSuppressions(input: Pick<SuppressionInput, 'scope' | 'value'>[]): Promise<void> {
    await this.change((sql) => removeSuppressions(sql, input))
  }

  async suppressedCustomers(customerIds: string[]): Promise<Set<string>> {
    return this.read((sql) => suppressedCustomers(sql, customerIds))
  }

  async recordContacts(input: ContactInput[]): Promise<void> {
    await this.change((sql, keysOf) => recordContacts(sql, keysOf, input))
  }

  async listContacts(customerId: string, options: { from?: number; to?: number } = {}): Promise<StoredContact[]> {
    return this.read((sql) => listContacts(sql, customerId, options))
  }

  async defineAttributes(input: AttributeDef[]): Promise<void> {
    await this.change((sql) => defineAttributes(sql, input, this.now()))
  }

  async listAttributes(): Promise<AttributeDef[]> {
    return this.read(listAttributes)
  }

  async setTags(input: { customerId: string; tag: Tag }[]): Promise<void> {
    await this.change((sql, keysOf) => setTags(sql, keysOf, input))
  }

  async stats(): Promise<StoreStats> {
    return this.read(storeStats)
  }
}
