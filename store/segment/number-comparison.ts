/**
 * Small numeric helpers of the compiler: evaluating a number comparison in TypeScript (for
 * "does a customer without events pass?" and "could a boolean, read as 0 or 1, pass?"), and
 * the next double above a value (so `x > v` can become the single-evaluation `x BETWEEN …`).
 */
import type { Comparison } from '../../engine/segment/schema.ts'

/** Whether a number comparison holds for `value`. */
export function numberComparisonHolds(value: number, c: Partial<Comparison<string>>): boolean {
  const v = Number(c.value)
  switch (c.op) {
    case 'eq':
      return value === v
    case 'neq':
      return value !== v
    case 'lt':
      return value < v
    case 'lte':
      return value <= v
    case 'gt':
      return value > v
    case 'gte':
      return value >= v
    case 'between':
      return value >= Number(c.from) && value <= Number(c.to)
    case 'in':
      return (c.values ?? []).includes(value)
    default:
      throw new Error(`operator ${String(c.op)} is not a number comparison`)
  }
}

/** The smallest double greater than `v` (for finite `v`): `x > v` ⟺ `x ≥ nextUp(v)` for any double or 64-bit integer x. */
export function nextUp(v: number): number {
  if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) return v
  if (v === 0) return Number.MIN_VALUE
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, v)
  const bits = view.getBigUint64(0)
  view.setBigUint64(0, v > 0 ? bits + 1n : bits - 1n)
  return view.getFloat64(0)
}
