/**
 * Infers an attribute's type from the values of one column, keeping only a few counters and
 * at most ENUM_MAX_DISTINCT + 1 distinct values per column, so a first pass over a file of any
 * size runs in constant memory.
 *
 * Rules (documented in demo/README.md and docs):
 * - number: the non-missing values are numbers (`0`/`1` columns stay numbers);
 * - boolean: every value is yes/no/true/false (any case), e.g. the telco `Yes`/`No` columns;
 * - date: ISO-8601 dates or instants;
 * - enum: text with at most 20 distinct values that repeat (each seen twice on average);
 * - string: anything else.
 * A typo must not silently turn a numeric column into text, so number and date tolerate a few
 * outliers (at most 5 % of the values, or in a small file at most 3 values that are no more
 * than a quarter of the column): the column keeps its type and the outliers become bad rows
 * that name the line and column. Text with a leading zero (`007`) is a code, never a number.
 */
import type { AttributeDef } from '../engine/ports/store.ts'
import { hasLeadingZero, isMissing, parseBoolean, parseIsoDate, parseNumber, trimIfNeeded } from './cell-values.ts'

/** Most distinct values an inferred enum may have. */
export const ENUM_MAX_DISTINCT = 20
/** Share of values that must fit for a number or date column to keep its type despite outliers. */
export const DOMINANT_SHARE = 0.95
/** In small files a few typos exceed 5 %: up to this many outliers are tolerated … */
export const FEW_OUTLIERS = 3
/** … as long as the values that fit are at least this share of the column. */
export const SMALL_FILE_SHARE = 0.75

/** Running state for one column. */
export class ColumnInference {
  private present = 0
  private numbers = 0
  private leadingZero = false
  private booleans = 0
  private dates = 0
  private nonText = 0
  private readonly distinct = new Set<string>()
  private distinctOverflow = false

  /** Feeds one raw value (a CSV string or a JSON value). */
  observe(value: unknown): void {
    if (isMissing(value)) return
    this.present++
    if (typeof value === 'number') {
      this.numbers++
      return
    }
    if (typeof value === 'boolean') {
      this.booleans++
      return
    }
    if (typeof value !== 'string') {
      this.nonText++
      return
    }
    const text = trimIfNeeded(value)
    if (parseNumber(text) !== undefined) {
      this.numbers++
      if (hasLeadingZero(text)) this.leadingZero = true
    } else if (parseBoolean(text) !== undefined) this.booleans++
    else if (parseIsoDate(text) !== undefined) this.dates++
    if (!this.distinctOverflow) {
      this.distinct.add(text)
      if (this.distinct.size > ENUM_MAX_DISTINCT) {
        this.distinctOverflow = true
        this.distinct.clear()
      }
    }
  }

  /** Distinct text values seen (sorted), or `undefined` when there were more than ENUM_MAX_DISTINCT. */
  distinctValues(): string[] | undefined {
    return this.distinctOverflow ? undefined : [...this.distinct].sort()
  }

  /** The inferred type; `undefined` when the column had no value at all (nothing to infer from). */
  infer(): Pick<AttributeDef, 'type' | 'values'> | undefined {
    if (this.present === 0 || this.nonText > 0) return this.present === 0 ? undefined : { type: 'string' }
    const dominant = (count: number) =>
      count >= this.present * DOMINANT_SHARE || (this.present - count <= FEW_OUTLIERS && count >= this.present * SMALL_FILE_SHARE)
    if (dominant(this.numbers) && !this.leadingZero) return { type: 'number' }
    if (this.booleans === this.present) return { type: 'boolean' }
    if (dominant(this.dates)) return { type: 'date' }
    const repeats = this.present >= 2 * this.distinct.size
    if (!this.distinctOverflow && repeats) {
      return { type: 'enum', values: [...this.distinct].sort() }
    }
    return { type: 'string' }
  }
}

/** Infers types for many columns at once, by column name. */
export class RecordInference {
  private readonly columns = new Map<string, ColumnInference>()

  /** Feeds one value of `column`. */
  observe(column: string, value: unknown): void {
    this.column(column).observe(value)
  }

  /** The state of `column`, created on first use (hot loops keep it instead of looking it up per cell). */
  column(name: string): ColumnInference {
    let state = this.columns.get(name)
    if (!state) {
      state = new ColumnInference()
      this.columns.set(name, state)
    }
    return state
  }

  /** Inferred defs for every column that held at least one value, in first-seen order. */
  infer(): AttributeDef[] {
    const defs: AttributeDef[] = []
    for (const [name, state] of this.columns) {
      const inferred = state.infer()
      if (inferred) defs.push({ name, ...inferred, source: 'inferred' })
    }
    return defs
  }

  /** Distinct text values of `column` (sorted), or `undefined` when it had more than ENUM_MAX_DISTINCT. */
  distinctValues(column: string): string[] | undefined {
    const state = this.columns.get(column)
    return state ? state.distinctValues() : []
  }

  /** Columns seen with no value in any row. */
  emptyColumns(): string[] {
    return [...this.columns].filter(([, state]) => state.infer() === undefined).map(([name]) => name)
  }
}

/**
 * Combines what the catalogue already says with what this file shows. A declared def always
 * wins. An inferred def keeps its type (stored values were written with it), except that an
 * inferred enum absorbs the new values this file brings while it stays within
 * ENUM_MAX_DISTINCT, and widens to string beyond that. Returns the defs to validate with and
 * the subset to (re)register.
 */
export function mergeWithCatalogue(
  catalogue: AttributeDef[],
  inference: RecordInference,
): { types: Map<string, AttributeDef>; toRegister: AttributeDef[] } {
  const types = new Map(catalogue.map((def) => [def.name, def]))
  const toRegister: AttributeDef[] = []
  for (const def of inference.infer()) {
    const known = types.get(def.name)
    if (!known) {
      types.set(def.name, def)
      toRegister.push(def)
      continue
    }
    if (known.source === 'declared' || known.type !== 'enum') continue
    const merged = widenEnum(known, inference.distinctValues(def.name))
    if (merged) {
      types.set(def.name, merged)
      toRegister.push(merged)
    }
  }
  return { types, toRegister }
}

/** The inferred enum `known` grown by `seen` (undefined = too many to count), or `undefined` if unchanged. */
function widenEnum(known: AttributeDef, seen: string[] | undefined): AttributeDef | undefined {
  const values = new Set(known.values ?? [])
  const before = values.size
  for (const value of seen ?? []) values.add(value)
  if (seen && values.size === before) return undefined
  if (seen && values.size <= ENUM_MAX_DISTINCT) return { ...known, values: [...values].sort() }
  const { values: _dropped, ...rest } = known
  return { ...rest, type: 'string' }
}
