/**
 * Multi-row INSERT statements for SQLite's bulk write paths. better-sqlite3 pays a fixed cost per
 * `run` (bind, step, reset, the JS/C++ crossing) that a one-row statement pays per row; a
 * prepared `VALUES (…), (…), …` of 64 rows pays it once per 64. SQLite still applies the rows
 * one after the other in order, so constraints and ON CONFLICT clauses behave exactly as the
 * same rows run one statement at a time (a later row sees the earlier rows of its statement).
 */
import type Database from 'better-sqlite3'

/** Rows per statement of the big chunk; the rest goes through 8-row and 1-row statements. */
const CHUNK_SIZES = [64, 8, 1] as const

/** One INSERT shape prepared at the chunk sizes, fed a flat array of values. */
export class MultiRowInsert {
  private readonly statements: Database.Statement[]
  /** Values per row. */
  readonly width: number

  /**
   * @param head `INSERT INTO t (a, b)` part, up to (not including) VALUES.
   * @param row one row's placeholders, e.g. `(?, ?, jsonb(?))`.
   * @param tail what follows the VALUES list, e.g. `ON CONFLICT (id) DO NOTHING`.
   */
  constructor(db: Database.Database, head: string, row: string, tail = '') {
    this.width = countPlaceholders(row)
    this.statements = CHUNK_SIZES.map((size) => db.prepare(`${head} VALUES ${Array<string>(size).fill(row).join(', ')} ${tail}`))
  }

  /**
   * Inserts the rows held in `values` (row after row, `width` values each), in order; returns
   * SQLite's change count summed over the statements (inserted rows, plus updated ones for an
   * upsert).
   */
  run(values: unknown[]): number {
    const { width } = this
    if (values.length % width !== 0) throw new Error(`expected a multiple of ${width} values, got ${values.length}`)
    const rows = values.length / width
    let changes = 0
    let row = 0
    for (let s = 0; s < CHUNK_SIZES.length; s++) {
      const size = CHUNK_SIZES[s]!
      if (rows - row < size) continue
      const statement = this.statements[s]!
      const span = size * width
      // One parameter array reused by every chunk of this size: cheaper than a slice per chunk.
      const params: unknown[] = new Array(span)
      while (rows - row >= size) {
        const offset = row * width
        for (let i = 0; i < span; i++) params[i] = values[offset + i]
        changes += statement.run(params).changes
        row += size
      }
    }
    return changes
  }
}

/** Counts the `?` placeholders of a row template (templates hold no string literals with `?`). */
function countPlaceholders(row: string): number {
  let count = 0
  for (const char of row) if (char === '?') count++
  return count
}
