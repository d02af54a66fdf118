/**
 * How a capability runs its statements: `use(work)` hands it the driver inside the current
 * transaction. Outside one, SQLite's work takes a short transaction of its own, because the
 * store serialises transactions on its one connection and a call must never read another
 * caller's uncommitted rows; Postgres' statements run on the pool as they are.
 */
import type { SqlDriver } from './driver.ts'

export interface StoreSession {
  readonly driver: SqlDriver
  use<T>(work: (sql: SqlDriver) => Promise<T>): Promise<T>
}

/** A session on `driver`; `isolate` wraps work done outside a transaction (null: run it as it is). */
export function storeSession(driver: SqlDriver, isolate: (<T>(work: () => Promise<T>) => Promise<T>) | null): StoreSession {
  return {
    driver,
    use: isolate ? (work) => isolate(() => work(driver)) : (work) => work(driver),
  }
}
