/** Small pieces both store implementations share. */
import { ValidationError } from '../../engine/errors.ts'
import type { Customer } from '../../engine/ports/store.ts'

/** Largest page `listCustomers` returns; callers page with `afterKey`. */
export const MAX_PAGE = 10_000
const DEFAULT_PAGE = 1_000

/** The page size to use for a requested `limit` (default 1,000, at most 10,000). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError(`limit must be a positive integer, got ${limit}`, [
      { code: 'limit', path: 'limit', message: `expected an integer from 1 to ${MAX_PAGE}, got ${limit}` },
    ])
  }
  return Math.min(limit, MAX_PAGE)
}

/** Customers in the order their ids were asked for (ids not found are left out). */
export function orderByIds(customers: Customer[], ids: string[]): Customer[] {
  const byId = new Map(customers.map((customer) => [customer.id, customer]))
  const ordered: Customer[] = []
  const seen = new Set<string>()
  for (const id of ids) {
    const customer = byId.get(id)
    if (customer && !seen.has(id)) {
      ordered.push(customer)
      seen.add(id)
    }
  }
  return ordered
}

/** The error for using a transaction's `tx` after `transaction()` has returned. */
export function transactionFinished(): Error {
  return new Error('this transaction has already finished: use the store (or a new transaction) instead of a stale tx')
}

/** Splits `rows` into slices of at most `size`, so one statement never carries an unbounded payload. */
export function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = []
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size))
  return out
}
