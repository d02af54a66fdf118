// `npm start` end to end: a child process serves a fresh SQLite file, loads the demo on first
// start and answers /health with the demo's 7,043 customers; a second start does not reload.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createTempFolder } from './support/sqlite.ts'

const bin = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url))
const folder = createTempFolder()
afterAll(() => folder.remove())

/** Starts `sluice serve` and resolves with its URL and everything it printed before listening. */
function startServer(db: string): Promise<{ url: string; output: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const url = /at (http:\/\/\S+)/.exec(output)?.[1]
      if (url) {
        resolve({
          url,
          output,
          stop: () => new Promise((done) => { child.once('exit', (code) => done(code)); child.kill('SIGTERM') }),
        })
      }
    })
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)))
  })
}

describe('sluice serve', () => {
  it('creates the database, loads the demo on first start, and serves health', async () => {
    const db = folder.db('serve')
    const first = await startServer(db)
    expect(first.output).toContain('loading the demo data')
    const health = (await (await fetch(`${first.url}health`)).json()) as { status: string; store: { customers: number; events: number } }
    expect(health.status).toBe('ok')
    expect(health.store.customers).toBe(7043)
    expect(health.store.events).toBeGreaterThan(100_000)
    expect(await (await fetch(`${first.url}status`)).text()).toContain('What the store holds')
    // The editor at /: its page loads its script bundle.
    expect(await (await fetch(first.url)).text()).toMatch(/<script type="module"[^>]*src="\/assets\//)
    expect(await first.stop()).toBe(0)

    const second = await startServer(db)
    expect(second.output).not.toContain('loading the demo data')
    expect(((await (await fetch(`${second.url}health`)).json()) as { store: { customers: number } }).store.customers).toBe(7043)
    await second.stop()
  })
})
