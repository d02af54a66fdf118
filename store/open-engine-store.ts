/**
 * The engine store of an open customer store: the same connection (SQLite) or pool (Postgres),
 * so the engine's writes and the customer store's join one transaction.
 */
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { PgEngineStore } from './pg/engine-store.ts'
import { PgStore } from './pg/pg-store.ts'
import { SqliteEngineStore } from './sqlite/engine-store.ts'
import { SqliteStore } from './sqlite/sqlite-store.ts'

/** Wraps `store` (from openStore) with the engine's tables. */
export function openEngineStore(store: StorePort): EngineStore {
  if (store instanceof SqliteStore) return SqliteEngineStore.open(store)
  if (store instanceof PgStore) return PgEngineStore.open(store)
  throw new Error(`no engine store for a ${store.dialect} store of class ${store.constructor.name}`)
}
