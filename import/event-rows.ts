/**
 * Maps one record of an events file onto the port's EventInput: `event_id` (or `id`),
 * `customer_id`, `type`, `at` and every other column as a property. CSV cells that are numbers
 * become numbers; JSONL keeps its types, and a nested `properties` object is merged in.
 */
import { ValidationError } from '../engine/errors.ts'
import type { EventInput } from '../engine/ports/store.ts'
import { describeValue, hasLeadingZero, isMissing, parseEventTime, parseNumber } from './cell-values.ts'
import type { RowProblem } from './issue-log.ts'
import type { ExpectedHeader, SourceRecord } from './record-reader.ts'

const RESERVED = new Set(['event_id', 'id', 'customer_id', 'type', 'at', 'properties'])
const EVENT_TYPE = /^[A-Za-z0-9_.:-]{1,100}$/
const MAX_ID_LENGTH = 200

/** What the first line of an events CSV must look like. */
export const EVENT_HEADER: ExpectedHeader = { oneOf: ['event_id', 'id'], example: ['event_id', 'customer_id', 'type', 'at'] }

/**
 * Checks that a CSV header names every column an event needs, so a file lacking one gets one
 * error instead of one per row.
 */
export function checkEventHeader(path: string, header: readonly string[]): void {
  const has = (name: string) => header.includes(name)
  const missing = [has('event_id') || has('id') ? [] : ['event_id'], ['customer_id', 'type', 'at'].filter((name) => !has(name))].flat()
  if (missing.length === 0) return
  const message = `expected the columns event_id (or id), customer_id, type and at (other columns become properties), but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`
  throw new ValidationError(`${path}: the header is invalid, nothing was imported:\n  line 1: ${message}`, [{ code: 'header.columns', path: 'line 1', message }])
}

/** The event of a record, or its problems (never both). */
export function mapEventRecord(record: SourceRecord): EventInput | RowProblem[] {
  const { line } = record
  if (record.problem) return [{ line, code: 'row.malformed', message: record.problem }]
  const values = record.values
  const problems: RowProblem[] = []
  const fail = (column: string, code: string, message: string) => problems.push({ line, column, code, message })

  const idColumn = 'event_id' in values ? 'event_id' : 'id'
  const id = requiredText(values[idColumn])
  if (id === undefined) fail(idColumn === 'id' && !('id' in values) ? 'event_id' : idColumn, 'row.id', `expected an event id, got ${shown(values[idColumn])}`)
  const customerId = requiredText(values.customer_id)
  if (customerId === undefined) fail('customer_id', 'row.customer', `expected a customer id, got ${shown(values.customer_id)}`)
  const type = requiredText(values.type)
  if (type === undefined || !EVENT_TYPE.test(type)) {
    fail('type', 'row.event-type', `expected an event type such as purchase (letters, digits, _ . : -), got ${shown(values.type)}`)
  }
  const at = isMissing(values.at) ? undefined : parseEventTime(typeof values.at === 'string' ? values.at.trim() : values.at)
  if (!at?.ok) fail('at', 'row.time', `expected ${at?.expected ?? 'an ISO 8601 time or epoch milliseconds'}, got ${shown(values.at)}`)

  const fromCsv = Array.isArray(record.raw)
  const properties: Record<string, unknown> = {}
  const nested = fromCsv ? jsonCell(values.properties) : values.properties
  if (nested !== undefined && nested !== null) {
    if (typeof nested === 'object' && !Array.isArray(nested)) Object.assign(properties, nested)
    else fail('properties', 'row.properties', `expected a JSON object, got ${describeValue(values.properties)}`)
  }
  for (const key in values) {
    if (RESERVED.has(key)) continue
    const value = values[key]
    if (!fromCsv) properties[key] = value
    else if (!isMissing(value)) properties[key] = csvProperty(value as string)
  }

  if (problems.length > 0 || id === undefined || customerId === undefined || type === undefined || !at?.ok) return problems
  return { id, customerId, type, at: at.at, properties }
}

/** A CSV property cell: numbers become numbers, except codes with a leading zero. */
function csvProperty(text: string): string | number {
  const trimmed = text.trim()
  const number = parseNumber(trimmed)
  return number === undefined || hasLeadingZero(trimmed) ? trimmed : number
}

/** A CSV `properties` cell holding JSON; invalid JSON is returned as text so it is reported. */
function jsonCell(value: unknown): unknown {
  if (typeof value !== 'string' || isMissing(value)) return undefined
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

function requiredText(value: unknown): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
  if (typeof text !== 'string' || isMissing(text)) return undefined
  const trimmed = text.trim()
  return trimmed.length <= MAX_ID_LENGTH ? trimmed : undefined
}

function shown(value: unknown): string {
  return value === undefined || isMissing(value) ? 'none' : describeValue(value)
}
