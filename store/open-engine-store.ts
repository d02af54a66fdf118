/**
 * The engine store of an open customer store: the same connection (SQLite) or pool (Postgres),
 * so the engine's writes and the customer store's join one transaction (a batch's positions,
 * journal, outbox intents, tags and contacts commit together). The port is composed of one
 * implementation per concern (store/runs, triggers, entries, positions, journal, inputs, outbox,
 * measure), each written once over the store driver (store/core) of the dialect.
 *
 * SQLite durability: opening the engine store sets `synchronous = FULL` on the connection. In
 * WAL mode NORMAL is already safe against a process crash, but a power loss may drop the last
 * commits; FULL syncs the WAL on every commit so a delivered send's ledger row survives that
 * too, at one fsync per batch transaction. Checkpoints run on a worker thread
 * (store/sqlite/background-checkpoints.ts), so no commit pays for copying the WAL.
 */
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { eraseCustomerWith } from './common/erase-customer.ts'
import type { SqlDriver } from './core/driver.ts'
import { storeSession, type StoreSession } from './core/session.ts'
import { pgDriver } from './dialects/pg/driver.ts'
import { sqliteDriver } from './dialects/sqlite/driver.ts'
import { entriesStore } from './entries/entries-store.ts'
import { inputsStore } from './inputs/inputs-store.ts'
import { journalStore } from './journal/journal-store.ts'
import { measureStore } from './measure/measure-store.ts'
import { outboxStore } from './outbox/outbox-store.ts'
import { PgStore } from './pg/pg-store.ts'
import { positionsStore } from './positions/positions-store.ts'
import { runsStore } from './runs/runs-store.ts'
import { SqliteStore } from './sqlite/sqlite-store.ts'
import { triggersStore } from './triggers/triggers-store.ts'

/** How the engine store reaches the database from a customer store or one of its transaction views. */
interface EngineConnection {
  driver(view: StorePort): SqlDriver
  /** Whether a call outside a transaction needs one of its own (SQLite's one shared connection). */
  isolateOutsideTransactions: boolean
}

/** Wraps `store` (from openStore) with the engine's tables. */
export function openEngineStore(store: StorePort): EngineStore {
  if (store instanceof SqliteStore) {
    store.database.pragma('synchronous = FULL')
    store.checkpointInBackground()
    const driver = sqliteDriver(store.database)
    return engineStore(store, { driver: () => driver, isolateOutsideTransactions: true }, false)
  }
  if (store instanceof PgStore) {
    return engineStore(store, { driver: (view) => pgDriver((text, params) => (view as PgStore).connection.query(text, params)), isolateOutsideTransactions: false }, false)
  }
  throw new Error(`no engine store for a ${store.dialect} store of class ${store.constructor.name}`)
}

function engineStore(customers: StorePort, connection: EngineConnection, inTransaction: boolean): EngineStore {
  const driver = connection.driver(customers)
  const isolate = connection.isolateOutsideTransactions && !inTransaction ? <T>(work: () => Promise<T>) => customers.transaction(work) : null
  const session: StoreSession = storeSession(driver, isolate)
  const self: EngineStore = {
    dialect: driver.dialect.name,
    customers,
    transaction: (fn) => customers.transaction((tx) => fn(engineStore(tx, connection, true))),
    ...runsStore(session),
    ...triggersStore(session),
    ...entriesStore(session),
    ...positionsStore(session),
    ...journalStore(session),
    ...inputsStore(session),
    ...outboxStore(session),
    ...measureStore(session),
    eraseCustomer: (customerId, erasure) =>
      self.transaction((tx) => {
        const sql = connection.driver(tx.customers)
        return eraseCustomerWith({ dialect: sql.dialect.name, rows: (text, params) => sql.rows(text, params), run: (text, params) => sql.run(text, params) }, tx.customers, customerId, erasure)
      }),
  }
  return self
}
