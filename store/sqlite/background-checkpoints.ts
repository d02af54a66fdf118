/**
 * WAL checkpoints off the event loop. SQLite checkpoints on the connection whose commit pushed the
 * WAL past `wal_autocheckpoint` pages: that commit then also copies the pages into the database
 * file at random offsets and syncs it. better-sqlite3 is synchronous, so the whole process waits —
 * for an event batch of 1,000 random customers on 1M customers (~1,500 pages) that was ~45 ms on
 * top of the commit's own ~40 ms, and in the latency phase a stall of up to ~100 ms on a tick
 * (docs/engine.md, "Ingest and latency").
 *
 * A worker thread with its own connection runs `wal_checkpoint(PASSIVE)` every `everyMs` instead,
 * and the store's connection stops checkpointing. PASSIVE never blocks the writer or readers (it
 * copies what no reader still needs; the next pass takes the rest), so writes only append to the
 * WAL. The worker's connection syncs at the store's level, as the store's own checkpoints did.
 *
 * The worker is plain JavaScript evaluated from a string: the `sluice` command registers tsx in
 * the main thread only, so a worker file in TypeScript would not load there.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type Database from 'better-sqlite3'

/** How often the worker checkpoints. At 1,000 events/s the WAL grows by a few hundred pages between passes. */
export const CHECKPOINT_EVERY_MS = 200

/** SQLite's default, put back when the worker stops or fails. */
const AUTOCHECKPOINT_PAGES = 1_000

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs })
db.pragma('synchronous = ' + workerData.synchronous)
const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.everyMs)
parentPort.on('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/** A running checkpoint worker for one database file. */
export class BackgroundCheckpoints {
  readonly #db: Database.Database
  readonly #worker: Worker
  readonly #exited: Promise<void>

  private constructor(db: Database.Database, worker: Worker) {
    this.#db = db
    this.#worker = worker
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()))
    // A worker that fails (the file went away, a driver error) hands checkpoints back to the
    // store's connection instead of taking the process down.
    worker.once('error', () => this.#handBack())
    // An open store must not keep a finished process alive.
    worker.unref()
  }

  /** Starts checkpointing `db`'s file from a worker; its own commits stop checkpointing. */
  static start(db: Database.Database, options: { busyTimeoutMs: number; everyMs?: number }): BackgroundCheckpoints {
    const synchronous = db.pragma('synchronous', { simple: true }) as number
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: db.name,
        busyTimeoutMs: options.busyTimeoutMs,
        // At least NORMAL: a checkpoint at OFF would not sync the database file it wrote.
        synchronous: Math.max(1, synchronous),
        everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      },
    })
    db.pragma('wal_autocheckpoint = 0')
    return new BackgroundCheckpoints(db, worker)
  }

  /** Stops the worker (its connection closes first) and gives checkpoints back to the store's connection. */
  async stop(): Promise<void> {
    // Waiting for the exit must keep the process alive, which the unref'd worker does not.
    this.#worker.ref()
    this.#worker.postMessage('stop')
    await this.#exited
    this.#handBack()
  }

  #handBack(): void {
    if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`)
  }
}
