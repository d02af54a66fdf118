/**
 * Turns database rows into the port's types, for both dialects. Queries select JSON columns as
 * JSON text (SQLite `json(col)`, Postgres `col::text`) and may return 64-bit integers as strings
 * (node-postgres does), so every mapper parses JSON text and converts numbers here, once.
 */
import type {
  AddressKind,
  AttributeDef,
  AttributeValue,
  Channel,
  ConsentInput,
  Customer,
  StoredContact,
  StoredEvent,
  Tag,
  TagLayer,
} from '../../engine/ports/store.ts'

type Int = number | string | bigint

export interface CustomerRecord {
  key: Int
  external_id: string
  time_zone: string
  preferred_channel: string | null
  /** JSON text. */
  attributes: string
  created_at: Int
  updated_at: Int
}

export interface AddressRecord {
  customer_key: Int
  kind: string
  address: string
}

export interface TagRecord {
  customer_key: Int
  name: string
  layer: string
  /** JSON text. */
  value: string
  at: Int
  source: string | null
}

export interface EventRecord {
  event_id: string
  customer_key: Int
  external_id: string
  type: string
  at: Int
  /** JSON text. */
  properties: string
}

export interface ContactRecord {
  key: Int
  external_id: string
  flow_id: string
  run_id: string | null
  node_id: string
  channel: string
  offer: string | null
  at: Int
  status: string
}

export interface ConsentRecord {
  external_id: string
  channel: string
  status: string
  at: Int
  source: string | null
}

export interface AttributeRecord {
  name: string
  type: string
  /** JSON text of a string array, or null. */
  enum_values: string | null
  source: string
  description: string | null
}

/** The numeric column of a tag: its value when that is a number, so thresholds are range scans. */
export function tagNumber(value: Tag['value']): number | null {
  return typeof value === 'number' ? value : null
}

/** Builds customers from their rows, addresses and tags (joined in memory by key, in `rows` order). */
export function assembleCustomers(rows: CustomerRecord[], addresses: AddressRecord[], tags: TagRecord[]): Customer[] {
  const byKey = new Map<number, Customer>()
  const customers = rows.map((row): Customer => {
    const customer: Customer = {
      id: row.external_id,
      key: Number(row.key),
      attributes: JSON.parse(row.attributes) as Record<string, AttributeValue>,
      timeZone: row.time_zone,
      addresses: {},
      preferredChannel: row.preferred_channel as Channel | null,
      tags: [],
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    }
    byKey.set(customer.key, customer)
    return customer
  })
  for (const address of addresses) {
    const customer = byKey.get(Number(address.customer_key))
    if (customer) customer.addresses[address.kind as AddressKind] = address.address
  }
  for (const tag of tags) {
    const customer = byKey.get(Number(tag.customer_key))
    if (!customer) continue
    customer.tags.push({
      name: tag.name,
      layer: tag.layer as TagLayer,
      value: JSON.parse(tag.value) as Tag['value'],
      at: Number(tag.at),
      ...(tag.source === null ? {} : { source: tag.source }),
    })
  }
  for (const customer of customers) customer.tags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return customers
}

/** Maps an events row (joined with its customer's external id). */
export function toStoredEvent(row: EventRecord): StoredEvent {
  return {
    id: row.event_id,
    customerId: row.external_id,
    customerKey: Number(row.customer_key),
    type: row.type,
    at: Number(row.at),
    properties: JSON.parse(row.properties) as Record<string, unknown>,
  }
}

/** Maps a contacts row; optional fields that are null are left out. */
export function toStoredContact(row: ContactRecord): StoredContact {
  return {
    id: Number(row.key),
    customerId: row.external_id,
    flowId: row.flow_id,
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    nodeId: row.node_id,
    channel: row.channel as Channel,
    ...(row.offer === null ? {} : { offer: row.offer }),
    at: Number(row.at),
    status: row.status as NonNullable<StoredContact['status']>,
  }
}

/** Maps a consents row. */
export function toConsent(row: ConsentRecord): ConsentInput {
  return {
    customerId: row.external_id,
    channel: row.channel as Channel,
    status: row.status as ConsentInput['status'],
    at: Number(row.at),
    ...(row.source === null ? {} : { source: row.source }),
  }
}

/** Maps an attributes (catalogue) row. */
export function toAttributeDef(row: AttributeRecord): AttributeDef {
  return {
    name: row.name,
    type: row.type as AttributeDef['type'],
    ...(row.enum_values === null ? {} : { values: JSON.parse(row.enum_values) as string[] }),
    source: row.source as AttributeDef['source'],
    ...(row.description === null ? {} : { description: row.description }),
  }
}
