/**
 * An isolated copy of the store for a counterfactual replay (engine/replay/counterfactual.ts):
 * work runs on it, nothing of it reaches the store, and the live engine keeps writing meanwhile.
 *
 * - SQLite: `backup()` to a temporary file (docs/decisions.md §21: 0.33 s per 100 MB) through a
 *   read-only connection of its own, so it copies committed state only and the live engine's
 *   writers are never blocked (WAL: readers and the writer do not wait for each other). The work
 *   runs on its own store over the file (synchronous OFF: nothing of it needs to survive a
 *   crash); the file goes after.
 * - Postgres: one transaction that is rolled back; MVCC gives it its own view while live
 *   sessions keep writing (the run rows it sets aside stay locked until the rollback).
 *
 * Before the work, the copy forgets what the replayed run itself did to shared state, so the
 * other version meets its customers as the run did: the run's contact history and outbox (else a
 * duplicate-offer or frequency rule would hold everyone the run contacted), its customers' entry
 * history of the flow since the run began (else the entry policy would refuse them), and its
 * active positions (else they would count as "already in the flow").
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { ForgetRun, IsolatedCopies } from '../../engine/replay/counterfactual.ts'
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import type { SqlDriver } from '../core/driver.ts'
import { pgDriver } from '../dialects/pg/driver.ts'
import { sqliteDriver } from '../dialects/sqlite/driver.ts'
import { openEngineStore } from '../open-engine-store.ts'
import { PgStore } from '../pg/pg-store.ts'
import { SqliteStore } from '../sqlite/sqlite-store.ts'

/** Thrown inside the Postgres copy's transaction to roll it back once the work is done. */
class RollBack extends Error {}

/** Isolated copies of `store` (from openStore). */
export function isolatedCopies(store: StorePort): IsolatedCopies {
  if (store instanceof SqliteStore) return { kind: 'snapshot', withCopy: (forget, work) => onSqliteSnapshot(store, forget, work) }
  if (store instanceof PgStore) return { kind: 'transaction', withCopy: (forget, work) => inPgRollback(store, forget, work) }
  throw new Error(`no isolated copy for a ${store.dialect} store of class ${store.constructor.name}`)
}

async function onSqliteSnapshot<T>(store: SqliteStore, forget: ForgetRun, work: (copy: EngineStore) => Promise<T>): Promise<T> {
  const folder = mkdtempSync(path.join(tmpdir(), 'sluice-replay-'))
  const file = path.join(folder, 'copy.db')
  try {
    await snapshot(store.database, file)
    const copy = SqliteStore.open({ path: file })
    try {
      const engineStore = openEngineStore(copy)
      copy.database.pragma('synchronous = OFF')
      await copy.transaction(() => forgetRun(sqliteDriver(copy.database), engineStore, forget))
      return await work(engineStore)
    } finally {
      await copy.close()
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/**
 * Copies the database to `file`. A file database is copied through a connection of its own,
 * which sees committed data only (never the half-written batch of a transaction the store holds
 * open meanwhile); an in-memory one (tests) only its own connection can read. A backup taken
 * inside a transaction of the source connection comes out empty, so none is used.
 */
async function snapshot(database: Database.Database, file: string): Promise<void> {
  if (database.memory) {
    await database.backup(file)
    return
  }
  const reader = new Database(database.name, { readonly: true, fileMustExist: true })
  try {
    await reader.backup(file)
  } finally {
    reader.close()
  }
}

async function inPgRollback<T>(store: PgStore, forget: ForgetRun, work: (copy: EngineStore) => Promise<T>): Promise<T> {
  let result: T | undefined
  try {
    await store.transaction(async (tx) => {
      const engineStore = openEngineStore(store)
      await forgetRun(pgDriver((text, params) => (tx as PgStore).connection.query(text, params)), engineStore, forget)
      result = await work(engineStore)
      throw new RollBack('counterfactual copy rolled back')
    })
  } catch (error) {
    if (!(error instanceof RollBack)) throw error
  }
  return result as T
}

/** Removes from the copy what the replayed run did to shared state (see the file comment). */
async function forgetRun(sql: SqlDriver, engineStore: EngineStore, forget: ForgetRun): Promise<void> {
  await sql.run('DELETE FROM contacts WHERE run_id = ?', [forget.runId])
  // Its pending sends too: the copy's engine would deliver them (through log) as contacts the caps count.
  await sql.run('DELETE FROM outbox WHERE run_id = ?', [forget.runId])
  await sql.run('DELETE FROM entries WHERE flow_id = ? AND last_entry_at >= ?', [forget.flowId, forget.since])
  await engineStore.cancelPositions(forget.runId, forget.since)
}
