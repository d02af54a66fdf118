/**
 * Validation and normalisation of the port's write inputs, shared by both dialects. Every
 * write method validates its whole batch first and throws one ValidationError listing the
 * problems (path + what was expected), so nothing is written from a batch with a bad row.
 * Hand-written rather than zod: it runs on every row of million-row imports.
 */
import {
  ADDRESS_KINDS,
  ATTRIBUTE_TYPES,
  CHANNELS,
  TAG_LAYERS,
  type AddressKind,
  type AttributeDef,
  type AttributeValue,
  type Channel,
  type ConsentInput,
  type ContactInput,
  type CustomerInput,
  type EventInput,
  type SuppressionInput,
  type Tag,
} from '../../engine/ports/store.ts'
import { normalizeAddress } from './address.ts'
import { IssueCollector } from './issues.ts'

/** A validated customer write; `attributes` null means "leave the attributes as they are". */
export interface CustomerRow {
  id: string
  attributes: Record<string, AttributeValue> | null
  /**
   * True when some attribute is set to null (to clear it), absent otherwise: found while
   * validating, so writers need not scan the attributes again to know a new customer's initial ones.
   */
  clearsAttributes?: true
  /** Canonical IANA zone, or null to keep the stored one (`UTC` for a new customer). */
  timeZone: string | null
  /** False when the input did not mention the preferred channel (keep the stored one). */
  setPreferredChannel: boolean
  preferredChannel: Channel | null
  /** Normalised addresses; null removes that kind. */
  addresses: Partial<Record<AddressKind, string | null>>
  tags: Tag[]
}

/** A validated event with its properties already serialised to JSON. */
export interface EventRow {
  id: string
  customerId: string
  type: string
  at: number
  propertiesJson: string
}

export interface ContactRow {
  customerId: string
  flowId: string
  runId: string | null
  nodeId: string
  channel: Channel
  offer: string | null
  at: number
  status: NonNullable<ContactInput['status']>
}

const CONTACT_STATUSES = ['sent', 'delivered', 'failed', 'bounced'] as const
const CONSENT_STATUSES = ['granted', 'revoked'] as const
const SUPPRESSION_SCOPES = ['customer', ...ADDRESS_KINDS] as const
const ATTRIBUTE_SOURCES = ['declared', 'inferred'] as const

const timeZoneCache = new Map<string, string | null>()

/** The canonical IANA name of `zone` (e.g. `europe/paris` → `Europe/Paris`), or null when it is not a zone. */
export function canonicalTimeZone(zone: string): string | null {
  let canonical = timeZoneCache.get(zone)
  if (canonical === undefined) {
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
    } catch {
      canonical = null
    }
    timeZoneCache.set(zone, canonical)
  }
  return canonical
}

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return Array.isArray(value) ? 'an array' : typeof value
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The fields of a customer and of an event (engine/ports/store.ts); any other is refused, so a typo cannot be dropped silently. */
const CUSTOMER_FIELDS = new Set(['id', 'attributes', 'timeZone', 'addresses', 'preferredChannel', 'tags'])
const EVENT_FIELDS = new Set(['id', 'customerId', 'type', 'at', 'properties'])

/** Records an issue per field of `row` not in `fields`, at `path.field`. */
function refuseUnknownFields(issues: IssueCollector, row: Record<string, unknown>, fields: Set<string>, path: string): void {
  for (const field in row) {
    if (!fields.has(field)) issues.add(`${path}.${field}`, 'field.unknown', `unknown field '${field}': expected one of ${[...fields].join(', ')}`)
  }
}

/** True when every own field of `row` is one of `fields` (the ingest's fast path checks without building paths). */
function onlyFields(row: Record<string, unknown>, fields: Set<string>): boolean {
  for (const field in row) if (!fields.has(field)) return false
  return true
}

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (values as readonly string[]).includes(value)

const NUL_MESSAGE = 'text must not contain the NUL character (\\u0000): PostgreSQL cannot store it'

/** True when `text` holds a NUL character, which Postgres text and jsonb reject (so both dialects refuse it). */
const hasNul = (text: string): boolean => text.includes('\u0000')

/**
 * True when `text` is empty or only white space. Starting with a printable ASCII character
 * settles it without `trim()`'s copy: this runs for every id and attribute name of an import.
 */
const isBlank = (text: string): boolean => {
  const first = text.charCodeAt(0)
  return !(first > 32 && first < 127) && text.trim() === ''
}

// A JSON-escaped NUL (\u0000) not itself preceded by an escaping backslash.
const ESCAPED_NUL = /(^|[^\\])(\\\\)*\\u0000/

/** Records an issue when a string holds a NUL character; returns whether it was clean. */
function checkNul(issues: IssueCollector, value: string, path: string): boolean {
  if (!hasNul(value)) return true
  issues.add(path, 'text.nul', NUL_MESSAGE)
  return false
}

/** Checks a required non-blank string field; returns it, or undefined after recording an issue. */
function requireText(issues: IssueCollector, value: unknown, path: string, what: string): string | undefined {
  if (typeof value === 'string' && !isBlank(value)) return checkNul(issues, value, path) ? value : undefined
  issues.add(path, 'required', `expected ${what} (a non-empty string), got ${describe(value)}`)
  return undefined
}

function optionalText(issues: IssueCollector, value: unknown, path: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return checkNul(issues, value, path) ? value : null
  issues.add(path, 'type', `expected a string, got ${describe(value)}`)
  return null
}

function requireTime(issues: IssueCollector, value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value
  issues.add(path, 'time', `expected a time in epoch milliseconds (an integer), got ${describe(value)}`)
  return 0
}

function requireOneOf<T extends string>(issues: IssueCollector, values: readonly T[], value: unknown, path: string): T {
  if (isOneOf(values, value)) return value
  issues.add(path, 'enum', `expected one of ${values.join(', ')}, got ${describe(value)}`)
  return values[0] as T
}

function checkRows(issues: IssueCollector, rows: unknown, what: string): rows is unknown[] {
  if (Array.isArray(rows)) return true
  issues.add(what, 'type', `expected an array of ${what}, got ${describe(rows)}`)
  return false
}

function isAttributeValue(value: unknown): value is AttributeValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  )
}

/** Checks a customer's attributes; `clears` is true when one of them is set to null. */
function validateAttributes(issues: IssueCollector, value: unknown, path: string): { attributes: Record<string, AttributeValue> | null; clears: boolean } {
  if (value === undefined) return { attributes: null, clears: false }
  if (!isPlainObject(value)) {
    issues.add(path, 'type', `expected an object of attribute values, got ${describe(value)}`)
    return { attributes: null, clears: false }
  }
  let clears = false
  // Paths are built only for a problem: this loop runs for every attribute of every imported row.
  for (const name in value) {
    if (isBlank(name)) issues.add(path, 'attribute.name', 'attribute names must not be empty')
    else if (hasNul(name)) issues.add(`${path}.${name}`, 'text.nul', NUL_MESSAGE)
    const attribute = value[name]
    if (attribute === null) clears = true
    else if (!isAttributeValue(attribute)) {
      issues.add(`${path}.${name}`, 'attribute.value', `expected a string, finite number, boolean or null, got ${describe(attribute)}`)
    } else if (typeof attribute === 'string' && hasNul(attribute)) {
      issues.add(`${path}.${name}`, 'text.nul', NUL_MESSAGE)
    }
  }
  return { attributes: value as Record<string, AttributeValue>, clears }
}

function validateTag(issues: IssueCollector, tag: unknown, path: string): Tag | undefined {
  if (!isPlainObject(tag)) {
    issues.add(path, 'type', `expected a tag object, got ${describe(tag)}`)
    return undefined
  }
  const name = requireText(issues, tag.name, `${path}.name`, 'a tag name')
  const layer = requireOneOf(issues, TAG_LAYERS, tag.layer, `${path}.layer`)
  if (!isAttributeValue(tag.value)) {
    issues.add(`${path}.value`, 'tag.value', `expected a string, finite number, boolean or null, got ${describe(tag.value)}`)
  } else if (typeof tag.value === 'string') {
    checkNul(issues, tag.value, `${path}.value`)
  }
  const at = requireTime(issues, tag.at, `${path}.at`)
  const source = optionalText(issues, tag.source, `${path}.source`)
  if (name === undefined) return undefined
  return { name, layer, value: tag.value as AttributeValue, at, ...(source === null ? {} : { source }) }
}

function validateAddresses(issues: IssueCollector, value: unknown, path: string): CustomerRow['addresses'] {
  const addresses: CustomerRow['addresses'] = {}
  if (value === undefined) return addresses
  if (!isPlainObject(value)) {
    issues.add(path, 'type', `expected an object of addresses by kind (${ADDRESS_KINDS.join(', ')}), got ${describe(value)}`)
    return addresses
  }
  for (const kind in value) {
    const address = value[kind]
    if (!isOneOf(ADDRESS_KINDS, kind)) {
      issues.add(`${path}.${kind}`, 'address.kind', `unknown address kind '${kind}': expected one of ${ADDRESS_KINDS.join(', ')}`)
    } else if (address === null) {
      addresses[kind] = null
    } else if (typeof address === 'string' && address.trim() !== '') {
      if (checkNul(issues, address, `${path}.${kind}`)) addresses[kind] = normalizeAddress(kind, address)
    } else {
      issues.add(`${path}.${kind}`, 'address.value', `expected a non-empty string or null, got ${describe(address)}`)
    }
  }
  return addresses
}

/** Validates and normalises a batch of customers; throws a ValidationError listing every bad field. */
export function validateCustomers(rows: CustomerInput[]): CustomerRow[] {
  const issues = new IssueCollector()
  if (!checkRows(issues, rows, 'customers')) issues.throwIfAny('customer batch')
  const out: CustomerRow[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i]
    const path = `customers[${i}]`
    if (!isPlainObject(row)) {
      issues.add(path, 'type', `expected a customer object, got ${describe(row)}`)
      continue
    }
    if (!onlyFields(row, CUSTOMER_FIELDS)) refuseUnknownFields(issues, row, CUSTOMER_FIELDS, path)
    const id = requireText(issues, row.id, `${path}.id`, 'a customer id') ?? ''
    const { attributes, clears } = validateAttributes(issues, row.attributes, `${path}.attributes`)
    let timeZone: string | null = null
    if (row.timeZone !== undefined && row.timeZone !== null) {
      timeZone = typeof row.timeZone === 'string' ? canonicalTimeZone(row.timeZone) : null
      if (timeZone === null) issues.add(`${path}.timeZone`, 'time-zone', `expected an IANA time zone such as Europe/Paris, got ${describe(row.timeZone)}`)
    }
    const setPreferredChannel = row.preferredChannel !== undefined
    let preferredChannel: Channel | null = null
    if (setPreferredChannel && row.preferredChannel !== null) {
      preferredChannel = requireOneOf(issues, CHANNELS, row.preferredChannel, `${path}.preferredChannel`)
    }
    const addresses = validateAddresses(issues, row.addresses, `${path}.addresses`)
    const tags: Tag[] = []
    if (row.tags !== undefined) {
      if (!Array.isArray(row.tags)) issues.add(`${path}.tags`, 'type', `expected an array of tags, got ${describe(row.tags)}`)
      else row.tags.forEach((tag, t) => {
        const valid = validateTag(issues, tag, `${path}.tags[${t}]`)
        if (valid) tags.push(valid)
      })
    }
    // Always the same fields (undefined rather than absent) keeps every row one object shape.
    out[i] = { id, attributes, clearsAttributes: clears ? true : undefined, timeZone, setPreferredChannel, preferredChannel, addresses, tags }
  }
  issues.throwIfAny('customers')
  return out
}

/**
 * Folds repeated ids of one batch into one write each (later values win, attributes, addresses
 * and tags merge), in first-seen order: a single set-based statement cannot touch a row twice.
 * `repeats` counts the folded rows; they are reported as updates.
 */
export function mergeDuplicateCustomers(rows: CustomerRow[]): { rows: CustomerRow[]; repeats: number } {
  const byId = new Map<string, CustomerRow>()
  let repeats = 0
  for (const row of rows) {
    const seen = byId.get(row.id)
    if (!seen) {
      byId.set(row.id, row)
      continue
    }
    repeats += 1
    const tags = new Map(seen.tags.map((tag) => [tag.name, tag]))
    for (const tag of row.tags) tags.set(tag.name, tag)
    const attributes = row.attributes === null ? seen.attributes : { ...seen.attributes, ...row.attributes }
    byId.set(row.id, {
      id: row.id,
      attributes,
      ...(attributes !== null && Object.values(attributes).includes(null) ? { clearsAttributes: true } : {}),
      timeZone: row.timeZone ?? seen.timeZone,
      setPreferredChannel: row.setPreferredChannel || seen.setPreferredChannel,
      preferredChannel: row.setPreferredChannel ? row.preferredChannel : seen.preferredChannel,
      addresses: { ...seen.addresses, ...row.addresses },
      tags: [...tags.values()],
    })
  }
  return { rows: repeats === 0 ? rows : [...byId.values()], repeats }
}

/** The attributes a new customer starts with: the given ones minus those set to null. */
export function initialAttributes(attributes: Record<string, AttributeValue> | null): Record<string, AttributeValue> {
  const initial: Record<string, AttributeValue> = {}
  if (attributes) for (const name in attributes) if (attributes[name] !== null) initial[name] = attributes[name] as AttributeValue
  return initial
}

/** Validates a batch of events and serialises their properties once. */
export function validateEvents(rows: EventInput[]): EventRow[] {
  const issues = new IssueCollector()
  if (!checkRows(issues, rows, 'events')) issues.throwIfAny('event batch')
  const out: EventRow[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i]
    if (!isPlainObject(row)) {
      issues.add(`events[${i}]`, 'type', `expected an event object, got ${describe(row)}`)
      continue
    }
    const { id, customerId, type, at, properties } = row
    // Fast path, taken by nearly every event of an ingest: no field paths built unless a field is bad.
    if (isCleanText(id) && isCleanText(customerId) && isCleanText(type) && typeof at === 'number' && Number.isSafeInteger(at) && onlyFields(row, EVENT_FIELDS)) {
      let propertiesJson = '{}'
      if (properties !== undefined && properties !== null) {
        if (!isPlainObject(properties)) issues.add(`events[${i}].properties`, 'type', `expected an object, got ${describe(properties)}`)
        else propertiesJson = checkedPropertiesJson(issues, properties, i)
      }
      out[i] = { id, customerId, type, at, propertiesJson }
      continue
    }
    const path = `events[${i}]`
    refuseUnknownFields(issues, row, EVENT_FIELDS, path)
    const checkedId = requireText(issues, id, `${path}.id`, 'an event id') ?? ''
    const checkedCustomerId = requireText(issues, customerId, `${path}.customerId`, 'a customer id') ?? ''
    const checkedType = requireText(issues, type, `${path}.type`, 'an event type') ?? ''
    const checkedAt = requireTime(issues, at, `${path}.at`)
    let propertiesJson = '{}'
    if (properties !== undefined && properties !== null) {
      if (!isPlainObject(properties)) issues.add(`${path}.properties`, 'type', `expected an object, got ${describe(properties)}`)
      else propertiesJson = checkedPropertiesJson(issues, properties, i)
    }
    out[i] = { id: checkedId, customerId: checkedCustomerId, type: checkedType, at: checkedAt, propertiesJson }
  }
  issues.throwIfAny('events')
  return out
}

/** A non-blank string without NUL: what `requireText` accepts, checked without building a path. */
const isCleanText = (value: unknown): value is string => typeof value === 'string' && !isBlank(value) && !hasNul(value)

/** The properties of event `index` as JSON text, recording an issue when they hold a NUL character. */
function checkedPropertiesJson(issues: IssueCollector, properties: Record<string, unknown>, index: number): string {
  const json = JSON.stringify(properties)
  // The plain search rules out nearly every event before the regular expression runs.
  if (json.includes('\\u0000') && ESCAPED_NUL.test(json)) issues.add(`events[${index}].properties`, 'text.nul', NUL_MESSAGE)
  return json
}

/** Validates a batch of consent statements. */
export function validateConsents(rows: ConsentInput[]): ConsentInput[] {
  const issues = new IssueCollector()
  if (!checkRows(issues, rows, 'consents')) issues.throwIfAny('consent batch')
  const out = rows.map((row: unknown, i): ConsentInput => {
    const path = `consents[${i}]`
    if (!isPlainObject(row)) {
      issues.add(path, 'type', `expected a consent object, got ${describe(row)}`)
      return row as ConsentInput
    }
    const source = optionalText(issues, row.source, `${path}.source`)
    return {
      customerId: requireText(issues, row.customerId, `${path}.customerId`, 'a customer id') ?? '',
      channel: requireOneOf(issues, CHANNELS, row.channel, `${path}.channel`),
      status: requireOneOf(issues, CONSENT_STATUSES, row.status, `${path}.status`),
      at: requireTime(issues, row.at, `${path}.at`),
      ...(source === null ? {} : { source }),
    }
  })
  issues.throwIfAny('consents')
  return out
}

/** Validates suppression entries, normalising address values like customer addresses. */
export function validateSuppressions(rows: SuppressionInput[]): SuppressionInput[] {
  const issues = new IssueCollector()
  if (!checkRows(issues, rows, 'suppressions')) issues.throwIfAny('suppression batch')
  const out = rows.map((row: unknown, i): SuppressionInput => {
    const path = `suppressions[${i}]`
    if (!isPlainObject(row)) {
      issues.add(path, 'type', `expected a suppression object, got ${describe(row)}`)
      return row as SuppressionInput
    }
    const scope = requireOneOf(issues, SUPPRESSION_SCOPES, row.scope, `${path}.scope`)
    const value = requireText(issues, row.value, `${path}.value`, 'a customer id or address') ?? ''
    return {
      scope,
      value: scope === 'customer' || value === '' ? value : normalizeAddress(scope, value),
      reason: typeof row.reason === 'string' ? (optionalText(issues, row.reason, `${path}.reason`) ?? '') : (requireText(issues, row.reason, `${path}.reason`, 'a reason') ?? ''),
      at: requireTime(issues, row.at, `${path}.at`),
    }
  })
  issues.throwIfAny('suppressions')
  return out
}

/** Validates the keys of suppression entries to remove (same normalisation as when adding). */
export function validateSuppressionKeys(rows: Pick<SuppressionInput, 'scope' | 'value'>[]): Pick<SuppressionInput, 'scope' | 'value'>[] {
  return validateSuppressions(rows.map((row) => ({ ...row, reason: '', at: 0 }))).map(({ scope, value }) => ({ scope, value }))
}

/** Validates contact-history rows, filling the default status `sent`. */
export function validateContacts(rows: ContactInput[]): ContactRow[] {
  const issues = new IssueCollector()
  if (!checkRows(issues, rows, 'contacts')) issues.throwIfAny('contact batch')
  const out = rows.map((row: unknown, i): ContactRow => {
    const path = `contacts[${i}]`
    if (!isPlainObject(row)) {
      issues.add(path, 'type', `expected a contact object, got ${describe(row)}`)
      return row as ContactRow
    }
    return {
      customerId: requireText(issues, row.customerId, `${path}.customerId`, 'a customer id') ?? '',
      flowId: requireText(issues, row.flowId, `${path}.flowId`, 'a flow id') ?? '',
      runId: optionalText(issues, row.runId, `${path}.runId`),
      nodeId: requireText(issues, row.nodeId, `${path}.nodeId`, 'a node id') ?? '',
      channel: requireOneOf(issues, CHANNELS, row.channel, `${path}.channel`),
      offer: optionalText(issues, row.offer, `${path}.offer`),
      at: requireTime(issues, row.at, `${path}.at`),
      status: row.status === undefined ? 'sent' : requireOneOf(issues, CONTACT_STATUSES, row.status, `${path}.status`),
    }
  })
  issues.throwIfAny('contacts')
  return out
}

/** Validates attribute definitions: a known type, and for `enum` a non-empty list of strings. */
export function validateAttributeDefs(defs: AttributeDef[]): AttributeDef[] {
  const issues = new IssueCollector()
  if (!checkRows(issues, defs, 'attributes')) issues.throwIfAny('attribute batch')
  const out = defs.map((def: unknown, i): AttributeDef => {
    const path = `attributes[${i}]`
    if (!isPlainObject(def)) {
      issues.add(path, 'type', `expected an attribute definition, got ${describe(def)}`)
      return def as AttributeDef
    }
    const type = requireOneOf(issues, ATTRIBUTE_TYPES, def.type, `${path}.type`)
    let values: string[] | undefined
    if (def.values !== undefined && def.values !== null) {
      if (!Array.isArray(def.values) || !def.values.every((v) => typeof v === 'string')) {
        issues.add(`${path}.values`, 'type', `expected an array of strings, got ${describe(def.values)}`)
      } else values = def.values
    }
    if (type === 'enum' && (!values || values.length === 0)) {
      issues.add(`${path}.values`, 'required', 'an enum attribute needs its list of allowed values')
    }
    const description = optionalText(issues, def.description, `${path}.description`)
    return {
      name: requireText(issues, def.name, `${path}.name`, 'an attribute name') ?? '',
      type,
      ...(values ? { values } : {}),
      source: requireOneOf(issues, ATTRIBUTE_SOURCES, def.source, `${path}.source`),
      ...(description === null ? {} : { description }),
    }
  })
  issues.throwIfAny('attribute definitions')
  return out
}

/**
 * Whether every check of validateTag passes for this row, tested without building issue paths:
 * the engine writes five score tags per customer of a batch, and the paths cost more than the
 * checks. A row that fails goes through the full validation, which names its problems.
 */
function isValidTagRow(row: unknown): row is { customerId: string; tag: Tag } {
  if (!isPlainObject(row) || !isCleanText(row.customerId) || !isPlainObject(row.tag)) return false
  const { name, layer, value, at, source } = row.tag
  return (
    isCleanText(name) &&
    isOneOf(TAG_LAYERS, layer) &&
    isAttributeValue(value) &&
    (typeof value !== 'string' || !hasNul(value)) &&
    typeof at === 'number' &&
    Number.isSafeInteger(at) &&
    (source === undefined || source === null || (typeof source === 'string' && !hasNul(source)))
  )
}

/** Validates `setTags` rows. */
export function validateTagRows(rows: { customerId: string; tag: Tag }[]): { customerId: string; tag: Tag }[] {
  const input: unknown = rows // callers outside TypeScript may pass anything
  if (Array.isArray(input) && input.every(isValidTagRow)) return input
  const issues = new IssueCollector()
  if (!checkRows(issues, rows, 'tags')) issues.throwIfAny('tag batch')
  const out: { customerId: string; tag: Tag }[] = []
  rows.forEach((row: unknown, i) => {
    const path = `tags[${i}]`
    if (!isPlainObject(row)) {
      issues.add(path, 'type', `expected { customerId, tag }, got ${describe(row)}`)
      return
    }
    const customerId = requireText(issues, row.customerId, `${path}.customerId`, 'a customer id')
    const tag = validateTag(issues, row.tag, `${path}.tag`)
    if (customerId !== undefined && tag) out.push({ customerId, tag })
  })
  issues.throwIfAny('tags')
  return out
}

/** Validates a list of ids used for look-ups. */
export function validateIds(ids: string[], what: string): string[] {
  const issues = new IssueCollector()
  if (!checkRows(issues, ids, what)) issues.throwIfAny(what)
  ids.forEach((id, i) => requireText(issues, id, `${what}[${i}]`, 'an id'))
  issues.throwIfAny(what)
  return ids
}

/** Throws a ValidationError naming the batch rows whose customer id is not in the store. */
export function throwUnknownCustomers(what: string, rows: { customerId: string }[], known: Map<string, number>): void {
  const issues = new IssueCollector()
  rows.forEach((row, i) => {
    if (!known.has(row.customerId)) issues.add(`${what}[${i}].customerId`, 'customer.unknown', `no customer with id '${row.customerId}'`)
  })
  issues.throwIfAny(what)
}

/** The last row per key, in first-seen order: one set-based upsert cannot touch a row twice. */
export function lastByKey<T>(rows: T[], keyOf: (row: T) => string): T[] {
  const byKey = new Map<string, T>()
  for (const row of rows) byKey.set(keyOf(row), row)
  return byKey.size === rows.length ? rows : [...byKey.values()]
}

/** One consent per (customer, channel): the latest `at` wins, and on a tie the later row. */
export function latestConsents(rows: ConsentInput[]): ConsentInput[] {
  const byKey = new Map<string, ConsentInput>()
  for (const row of rows) {
    const key = `${row.customerId}\u0000${row.channel}`
    const seen = byKey.get(key)
    if (!seen || row.at >= seen.at) byKey.set(key, row)
  }
  return byKey.size === rows.length ? rows : [...byKey.values()]
}

/**
 * One definition per attribute name, applying the catalogue rule inside the batch too: a later
 * definition replaces an earlier one unless that one was declared and the later is inferred.
 */
export function foldAttributeDefs(defs: AttributeDef[]): AttributeDef[] {
  const byName = new Map<string, AttributeDef>()
  for (const def of defs) {
    const seen = byName.get(def.name)
    if (seen && seen.source === 'declared' && def.source === 'inferred') continue
    byName.set(def.name, seen && def.description === undefined && seen.description !== undefined ? { ...def, description: seen.description } : def)
  }
  return byName.size === defs.length ? defs : [...byName.values()]
}
