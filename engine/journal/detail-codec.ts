/**
 * How a group's per-customer details (reason and values) are stored in one journal row. A node
 * gives every customer of a group details of the same few shapes (score gives each customer
 * `reason` plus the same nine values), so the names are written once per shape and each customer
 * is a row of values:
 *
 *   {"shapes":[["reason",".score",".r"]],"rows":[[0,"score 4 < 7",4,2],[0,"score 9 ≥ 7",9,5]]}
 *
 * A shape lists `reason` (when given) and the top-level names of `values` prefixed with "." (so a
 * value named "reason" cannot be mistaken for the reason); a row is the shape's index, then the
 * values in the shape's order. Nested values stay as they are. On the reference campaign this
 * stores a scored customer in ~50 bytes instead of ~135 as an array of objects. Decoding also
 * reads the earlier form, a JSON array of detail objects, so journals written before stay readable.
 */

/** One customer's detail as a node gave it. */
export interface Detail {
  reason?: string
  values?: Record<string, unknown>
}

interface Encoded {
  shapes: string[][]
  rows: unknown[][]
}

const REASON = 'reason'
const VALUE = '.'

/** Encodes details (in key order) as the shape table above. */
export function encodeDetails(details: readonly Detail[]): string {
  const shapes: string[][] = []
  const shapeIndex = new Map<string, number>()
  const rows: unknown[][] = new Array(details.length)
  for (let i = 0; i < details.length; i++) {
    const { reason, values } = details[i] as Detail
    const names: string[] = []
    const row: unknown[] = [0]
    if (reason !== undefined) {
      names.push(REASON)
      row.push(reason)
    }
    if (values !== undefined) {
      const before = names.length
      for (const name in values) {
        if (!Object.hasOwn(values, name)) continue
        const value = values[name]
        // What JSON.stringify would drop from an object must not become a null in a row.
        if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue
        names.push(VALUE + name)
        row.push(value)
      }
      // Empty values: the bare prefix keeps `values: {}` (its row slot holds 0).
      if (names.length === before) {
        names.push(VALUE)
        row.push(0)
      }
    }
    const id = names.join('\u0000')
    let index = shapeIndex.get(id)
    if (index === undefined) {
      index = shapes.length
      shapes.push(names)
      shapeIndex.set(id, index)
    }
    row[0] = index
    rows[i] = row
  }
  return JSON.stringify({ shapes, rows } satisfies Encoded)
}

/** Decodes a group row's details, in key order (either form). */
export function decodeDetails(data: string): Detail[] {
  const parsed = JSON.parse(data) as unknown
  if (Array.isArray(parsed)) return parsed as Detail[]
  const { shapes, rows } = parsed as Encoded
  return rows.map((row) => detailOf(shapes, row))
}

/** The detail at `index` (the customer's position among the row's packed keys), or undefined. */
export function decodeDetailAt(data: string, index: number): Detail | undefined {
  const parsed = JSON.parse(data) as unknown
  if (Array.isArray(parsed)) return parsed[index] as Detail | undefined
  const { shapes, rows } = parsed as Encoded
  const row = rows[index]
  return row === undefined ? undefined : detailOf(shapes, row)
}

function detailOf(shapes: readonly string[][], row: readonly unknown[]): Detail {
  const names = shapes[row[0] as number] ?? []
  const detail: Detail = {}
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    const value = row[i + 1]
    if (name === REASON) detail.reason = value as string
    else if (name === VALUE) detail.values ??= {}
    else (detail.values ??= {})[name.slice(VALUE.length)] = value
  }
  return detail
}
