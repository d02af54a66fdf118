/**
 * Maps one record of a customers file onto the port's CustomerInput (plus its consents), or
 * lists every problem of the row with the column it is in and what was expected there.
 */
import { CHANNELS } from '../engine/ports/store.ts'
import type { AttributeDef, AttributeValue, Channel, ConsentInput, CustomerInput } from '../engine/ports/store.ts'
import { coerceAttribute } from './attribute-coercion.ts'
import { describeValue, isMissing, parseConsent } from './cell-values.ts'
import { ColumnRoles, findIdColumn, ID_COLUMNS } from './customer-columns.ts'
import type { ColumnRole } from './customer-columns.ts'
import type { RowProblem } from './issue-log.ts'
import type { SourceRecord } from './record-reader.ts'

/** A valid row, ready for a batch. */
export interface CustomerRow {
  customer: CustomerInput
  consents: ConsentInput[]
}

/** Everything the mapper needs besides the record. */
export interface CustomerRowContext {
  /** Attribute types by name (catalogue merged with inference). */
  types: ReadonlyMap<string, AttributeDef>
  /** Time stamped on consents read from the file. */
  consentAt: number
}

const MAX_ID_LENGTH = 200
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const PHONE = /^\+?[0-9 ().-]{5,24}$/
const TOKEN = /^\S{1,512}$/

/**
 * Flattens a JSONL record's optional nested `attributes` object into its top-level keys, so
 * `{"id":"a","attributes":{"tier":"gold"}}` and `{"id":"a","tier":"gold"}` mean the same.
 */
export function flattenCustomerValues(values: Record<string, unknown>): Record<string, unknown> {
  const nested = values.attributes
  if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) return values
  const { attributes: _nested, ...rest } = values
  return { ...(nested as Record<string, unknown>), ...rest }
}

/**
 * The customer id a cell holds as the store will see it (trimmed; numbers from JSON as text),
 * or undefined when it is not a usable id. The duplicate scan uses it too, so both passes agree.
 */
export function customerIdOf(raw: unknown): string | undefined {
  const id = typeof raw === 'number' ? String(raw) : raw
  if (typeof id !== 'string') return undefined
  const trimmed = id.trim()
  return trimmed === '' || trimmed.length > MAX_ID_LENGTH ? undefined : trimmed
}

/** Maps records to rows, caching column roles across records. */
export class CustomerRowMapper {
  private readonly rolesById = new Map<string, ColumnRoles>()
  private readonly zones = new TimeZoneCache()
  private plan: { header: string[]; idColumn: string; idIndex: number; roles: ColumnRole[] } | undefined

  constructor(private readonly context: CustomerRowContext) {}

  /** The row, or its problems (never both). */
  map(record: SourceRecord): CustomerRow | RowProblem[] {
    const { line } = record
    if (record.problem) return [{ line, code: 'row.malformed', message: record.problem }]
    const draft = new RowDraft(line)
    if (record.header && Array.isArray(record.raw)) {
      // CSV: walk the cells by index with roles resolved once per file.
      const plan = this.planFor(record.header)
      const id = record.raw[plan.idIndex]
      draft.setId(plan.idColumn, id)
      for (let i = 0; i < plan.roles.length; i++) {
        if (i !== plan.idIndex) this.apply(draft, record.header[i]!, plan.roles[i]!, record.raw[i] ?? '')
      }
    } else {
      const values = flattenCustomerValues(record.values)
      const idColumn = 'customer_id' in values ? 'customer_id' : 'id'
      const roles = this.rolesFor(idColumn)
      draft.setId(idColumn, values[idColumn])
      for (const column in values) {
        if (column !== idColumn) this.apply(draft, column, roles.of(column), values[column])
      }
    }
    return draft.result()
  }

  /** Applies one cell to the row being built. */
  private apply(draft: RowDraft, column: string, role: ColumnRole, raw: unknown): void {
    const { customer } = draft
    switch (role.type) {
      case 'id':
        break
      case 'invalid':
        draft.fail(column, 'row.column', role.message)
        break
      case 'time-zone': {
        if (isMissing(raw)) break
        const zone = typeof raw === 'string' ? this.zones.canonical(raw.trim()) : undefined
        if (zone) customer.timeZone = zone
        else draft.fail(column, 'row.time-zone', `expected an IANA time zone such as Europe/Paris, got ${describeValue(raw)}`)
        break
      }
      case 'address': {
        const checked = checkAddress(role.kind, raw)
        if (checked.ok) (customer.addresses ??= {})[role.kind] = checked.value
        else draft.fail(column, 'row.address', `expected ${checked.expected}, got ${describeValue(raw)}`)
        break
      }
      case 'preferred-channel': {
        const channel = typeof raw === 'string' ? raw.trim().toLowerCase() : raw
        if (isMissing(raw)) customer.preferredChannel = null
        else if ((CHANNELS as readonly unknown[]).includes(channel)) customer.preferredChannel = channel as Channel
        else draft.fail(column, 'row.channel', `expected one of ${CHANNELS.join(', ')}, got ${describeValue(raw)}`)
        break
      }
      case 'consent': {
        if (isMissing(raw)) break
        const status = parseConsent(raw)
        if (status) draft.consents.push({ customerId: customer.id, channel: role.channel, status, at: this.context.consentAt, source: 'import' })
        else draft.fail(column, 'row.consent', `expected yes/no, true/false, 1/0 or granted/revoked, got ${describeValue(raw)}`)
        break
      }
      case 'attribute': {
        const def = this.context.types.get(column)
        // A column empty in every row has no type yet: there is nothing to store either.
        if (!def) {
          if (!isMissing(raw)) draft.fail(column, 'row.type', 'this column has no type in the attribute catalogue')
          break
        }
        const coerced = coerceAttribute(raw, def)
        if (coerced.ok) draft.attributes[column] = coerced.value
        else draft.fail(column, 'row.type', `expected ${coerced.expected}, got ${describeValue(raw)}`)
        break
      }
      default: {
        const unknownRole: never = role
        throw new Error(`unhandled column role ${JSON.stringify(unknownRole)}`)
      }
    }
  }

  /** Roles of a CSV header, resolved once (the header array is shared by every record of a file). */
  private planFor(header: string[]): { idColumn: string; idIndex: number; roles: ColumnRole[] } {
    if (this.plan?.header !== header) {
      const idColumn = findIdColumn(header) ?? ID_COLUMNS[0]
      const roles = this.rolesFor(idColumn)
      this.plan = { header, idColumn, idIndex: header.indexOf(idColumn), roles: header.map((column) => roles.of(column)) }
    }
    return this.plan
  }

  private rolesFor(idColumn: string): ColumnRoles {
    let roles = this.rolesById.get(idColumn)
    if (!roles) {
      roles = new ColumnRoles(idColumn)
      this.rolesById.set(idColumn, roles)
    }
    return roles
  }
}

/** A customer row being assembled, with the problems found so far. */
class RowDraft {
  readonly customer: CustomerInput = { id: '' }
  readonly attributes: Record<string, AttributeValue> = {}
  readonly consents: ConsentInput[] = []
  readonly problems: RowProblem[] = []

  constructor(private readonly line: number) {}

  fail(column: string, code: string, message: string): void {
    this.problems.push({ line: this.line, column, code, message })
  }

  /** Sets the id (numbers accepted from JSON), or records why it is unusable. */
  setId(column: string, raw: unknown): void {
    const id = customerIdOf(raw)
    if (id !== undefined) this.customer.id = id
    else if (typeof raw === 'string' && raw.trim().length > MAX_ID_LENGTH) this.fail(column, 'row.id', `expected a customer id of at most ${MAX_ID_LENGTH} characters`)
    else this.fail(column, 'row.id', `expected a customer id, got ${raw === undefined || isMissing(raw) ? 'none' : describeValue(raw)}`)
  }

  result(): CustomerRow | RowProblem[] {
    if (this.problems.length > 0) return this.problems
    for (const consent of this.consents) consent.customerId = this.customer.id
    for (const _name in this.attributes) {
      this.customer.attributes = this.attributes
      break
    }
    return { customer: this.customer, consents: this.consents }
  }
}

type AddressCheck = { ok: true; value: string | null } | { ok: false; expected: string }

/** Validates an address for its kind; a missing value removes the address. */
function checkAddress(kind: 'email' | 'phone' | 'push' | 'wechat', raw: unknown): AddressCheck {
  if (isMissing(raw)) return { ok: true, value: null }
  const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' && kind === 'phone' ? String(raw) : undefined
  switch (kind) {
    case 'email':
      return text !== undefined && EMAIL.test(text) && text.length <= 320 ? { ok: true, value: text } : { ok: false, expected: 'an e-mail address such as name@example.com' }
    case 'phone':
      return text !== undefined && PHONE.test(text) && countDigits(text) >= 5 ? { ok: true, value: text } : { ok: false, expected: 'a phone number such as +33 1 23 45 67 89' }
    case 'push':
    case 'wechat':
      return text !== undefined && TOKEN.test(text) ? { ok: true, value: text } : { ok: false, expected: 'an id without spaces (at most 512 characters)' }
    default: {
      const unknownKind: never = kind
      throw new Error(`unhandled address kind ${String(unknownKind)}`)
    }
  }
}

function countDigits(text: string): number {
  let digits = 0
  for (const char of text) if (char >= '0' && char <= '9') digits++
  return digits
}

/** Validates IANA zone names once each, returning the canonical spelling. */
class TimeZoneCache {
  private readonly known = new Map<string, string | null>()

  canonical(name: string): string | undefined {
    let zone = this.known.get(name)
    if (zone === undefined) {
      try {
        zone = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
      } catch {
        zone = null
      }
      if (this.known.size < 2_000) this.known.set(name, zone)
    }
    return zone ?? undefined
  }
}
