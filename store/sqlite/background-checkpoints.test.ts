import { existsSync, statSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { BackgroundCheckpoints } from './background-checkpoints.ts'
import { openSqliteDatabase } from './connection.ts'
import { SqliteStore } from './sqlite-store.ts'

const folder = createTempFolder('sluice-checkpoints-')
afterAll(() => folder.remove())

/** Waits until `done()` holds, checking every 20 ms for at most 10 s. */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (done()) return true
    await sleep(20)
  }
  return done()
}

describe('background checkpoints', () => {
  it('copies committed WAL pages into the database file from the worker while the connection only appends', async () => {
    const path = folder.db()
    const db = openSqliteDatabase({ path })
    db.exec('CREATE TABLE t (x BLOB)')
    db.pragma('wal_checkpoint(TRUNCATE)')
    const checkpoints = BackgroundCheckpoints.start(db, { busyTimeoutMs: 1_000, everyMs: 20 })
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
      const before = statSync(path).size
      // ~2 MB in the WAL: nothing on this connection copies it into the file any more.
      const insert = db.prepare('INSERT INTO t VALUES (randomblob(4000))')
      db.transaction(() => {
        for (let i = 0; i < 500; i++) insert.run()
      })()
      expect(await eventually(() => statSync(path).size > before + 1_000_000)).toBe(true)
    } finally {
      await checkpoints.stop()
    }
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000)
    db.close()
  })

  it('starts with the store for a file, stops when the store closes, and does nothing for :memory:', async () => {
    const path = folder.db()
    const store = SqliteStore.open({ path })
    await store.migrate()
    store.checkpointInBackground()
    store.checkpointInBackground()
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    await store.upsertCustomers([{ id: 'c-1' }])
    await store.close()
    // The last connection to close removes the WAL: the worker's had closed first.
    expect(existsSync(`${path}-wal`)).toBe(false)

    const memory = SqliteStore.open({ path: ':memory:' })
    memory.checkpointInBackground()
    expect(memory.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000)
    await memory.close()
  })
})
