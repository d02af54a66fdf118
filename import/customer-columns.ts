/**
 * What each column of a customers file means: the id, a reserved field of the port (time zone,
 * an address, the preferred channel, a consent) or an attribute.
 */
import { CHANNELS } from '../engine/ports/store.ts'
import type { AddressKind, Channel } from '../engine/ports/store.ts'
import type { ExpectedHeader } from './record-reader.ts'

/** The role of one column. */
export type ColumnRole =
  | { type: 'id' }
  | { type: 'time-zone' }
  | { type: 'address'; kind: AddressKind }
  | { type: 'preferred-channel' }
  | { type: 'consent'; channel: Channel }
  | { type: 'attribute' }
  | { type: 'invalid'; message: string }

/** Columns naming an address kind. */
export const ADDRESS_COLUMNS: Record<string, AddressKind> = {
  email: 'email',
  phone: 'phone',
  push_token: 'push',
  wechat_id: 'wechat',
}

/** Id columns, in order of preference. */
export const ID_COLUMNS = ['customer_id', 'id'] as const

/** What the first line of a customers CSV must look like. */
export const CUSTOMER_HEADER: ExpectedHeader = { oneOf: ID_COLUMNS, example: ['customer_id', 'email', 'time_zone'] }

const CONSENT_PREFIX = 'consent_'
/** Attribute names must be safe as JSON keys in SQL paths and readable in the segment builder. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/

/** Classifies a column by name. `idColumn` is the column this file uses as id. */
export function columnRole(name: string, idColumn: string): ColumnRole {
  if (name === idColumn) return { type: 'id' }
  if ((ID_COLUMNS as readonly string[]).includes(name)) {
    return { type: 'invalid', message: `the file has both ${ID_COLUMNS.join(' and ')}: keep one as the customer id` }
  }
  if (name === 'time_zone') return { type: 'time-zone' }
  if (name === 'preferred_channel') return { type: 'preferred-channel' }
  const address = ADDRESS_COLUMNS[name]
  if (address) return { type: 'address', kind: address }
  if (name.startsWith(CONSENT_PREFIX)) {
    const channel = name.slice(CONSENT_PREFIX.length)
    if ((CHANNELS as readonly string[]).includes(channel)) return { type: 'consent', channel: channel as Channel }
    return { type: 'invalid', message: `unknown consent channel "${channel}": expected consent_ followed by one of ${CHANNELS.join(', ')}` }
  }
  if (!ATTRIBUTE_NAME.test(name)) {
    return { type: 'invalid', message: 'expected an attribute name of letters, digits and _ starting with a letter (at most 64 characters), e.g. monthly_charges' }
  }
  return { type: 'attribute' }
}

/** The id column among `names` (customer_id, else id), or undefined. */
export function findIdColumn(names: Iterable<string>): string | undefined {
  const present = new Set(names)
  return ID_COLUMNS.find((name) => present.has(name))
}

/** Caches column roles: a JSONL file repeats its keys on every line. */
export class ColumnRoles {
  private readonly roles = new Map<string, ColumnRole>()

  constructor(private readonly idColumn: string) {}

  /** The role of `name` for this file. */
  of(name: string): ColumnRole {
    let role = this.roles.get(name)
    if (!role) {
      role = columnRole(name, this.idColumn)
      if (this.roles.size < 10_000) this.roles.set(name, role)
    }
    return role
  }
}
