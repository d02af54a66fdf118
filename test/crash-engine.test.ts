/**
 * Crash test: a child process runs a flow of 10,000 customers across a wait on a SQLite file and
 * is killed with SIGKILL inside a batch transaction. A new process resumes from the file. Every
 * customer finishes exactly once; the outbox has one intent per customer (no duplicate key, no
 * missing send), all delivered, and contact history has one entry per customer.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { createTempFolder } from './support/sqlite.ts'

const WORKER = fileURLToPath(new URL('./crash-worker.ts', import.meta.url))
const CUSTOMERS = 10_000
const folder = createTempFolder('sluice-crash-')
afterAll(() => folder.remove())

/** Runs the worker; with `killOn`, SIGKILLs it as soon as it prints that line. */
function worker(db: string, mode: 'start' | 'resume', killOn?: string): Promise<{ stdout: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, db, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (killOn && stdout.includes(killOn)) child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`worker ${mode} exited with ${code}: ${stderr}`))
      else resolve({ stdout, signal, code })
    })
  })
}

describe('a SIGKILL in the middle of a batch', () => {
  it('loses and repeats nothing: every customer finishes once, one send each', async () => {
    const db = folder.db('crash')
    const killed = await worker(db, 'start', 'IN-BATCH')
    expect(killed.signal).toBe('SIGKILL')

    // What the killed process left: the batches it committed, none of the one in flight.
    const mid = new Database(db, { readonly: true })
    const midDone = mid.prepare("SELECT count(*) FROM positions WHERE state = 'done'").pluck().get() as number
    const midIntents = mid.prepare('SELECT count(*) FROM outbox').pluck().get() as number
    mid.close()
    expect(midIntents).toBe(3_000)
    expect(midDone).toBe(3_000)

    const resumed = await worker(db, 'resume')
    const summary = JSON.parse(resumed.stdout.trim().split('\n').at(-1) as string)
    expect(summary.nodes.mail).toMatchObject({ entered: CUSTOMERS, outputs: { sent: CUSTOMERS } })
    expect(summary.positions).toEqual({ active: 0, done: CUSTOMERS, error: 0, cancelled: 0 })

    const after = new Database(db, { readonly: true })
    const one = (sql: string) => after.prepare(sql).pluck().get() as number
    expect(one('SELECT count(*) FROM outbox')).toBe(CUSTOMERS)
    expect(one('SELECT count(DISTINCT key) FROM outbox')).toBe(CUSTOMERS)
    expect(one('SELECT count(DISTINCT customer_key) FROM outbox')).toBe(CUSTOMERS)
    expect(one("SELECT count(*) FROM outbox WHERE state <> 'sent'")).toBe(0)
    expect(one('SELECT count(*) FROM contacts')).toBe(CUSTOMERS)
    expect(one('SELECT count(DISTINCT customer_key) FROM contacts')).toBe(CUSTOMERS)
    // The journal saw each customer leave the send node once.
    expect(one("SELECT sum(count) FROM journal WHERE node_id = 'mail' AND kind = 'route'")).toBe(CUSTOMERS)
    expect(one("SELECT sum(count) FROM journal WHERE node_id = 'start' AND kind = 'arrive'")).toBe(CUSTOMERS)
    after.close()
  })
})
