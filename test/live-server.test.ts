/**
 * Sluice live, end to end, as a user runs it: `sluice serve` as a child process on a temp
 * database, a local SMTP server (smtp-server) as the e-mail provider. A flow is published
 * through the API, an event is POSTed, the e-mail arrives; the server is killed with SIGKILL
 * while customers wait and started again, and each waiting customer's message arrives exactly
 * once; the one-click unsubscribe link in the e-mail stops every later send to that customer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../', import.meta.url))
const bin = path.join(repo, 'cli/bin.mjs')
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-live-'))
const db = path.join(temp, 'live.db')
const SECRET = 'live-test-unsubscribe-secret-0123456789'

interface Mail {
  to: string
  raw: string
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('sluice serve live, end to end', () => {
  const mails: Mail[] = []
  let smtp: SMTPServer
  let smtpPort: number
  let port: number
  let base: string
  let server: ChildProcess | undefined
  let output = ''

  function start(): Promise<void> {
    output = ''
    server = spawn(process.execPath, [bin, 'serve', '--db', db, '--port', String(port), '--no-demo', '--local'], {
      cwd: temp,
      env: { ...process.env, SLUICE_UNSUBSCRIBE_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    server.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    server.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    return until(`the server to listen (output so far: ${output})`, () => (output.includes('is serving') ? true : undefined), 60_000).then(() => undefined)
  }

  async function kill(): Promise<void> {
    const child = server
    if (!child || child.exitCode !== null) return
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGKILL')
    })
  }

  const api = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${base}/api${route}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) }
  }

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = ''
        stream.on('data', (chunk: Buffer) => { raw += chunk.toString() })
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw })
          callback()
        })
      },
    })
    smtpPort = await freePort()
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', () => resolve()))
    port = await freePort()
    base = `http://127.0.0.1:${port}`
    writeFileSync(path.join(temp, 'sluice.config.ts'), `export default {
  channels: {
    adapters: { mail: { kind: 'smtp', host: '127.0.0.1', port: ${smtpPort}, from: 'Shop <news@shop.example>' } },
    email: 'mail',
  },
  secrets: { unsubscribe: { env: 'SLUICE_UNSUBSCRIBE_SECRET' } },
  server: { publicUrl: '${base}' },
}
`)
    writeFileSync(path.join(temp, 'customers.csv'), 'customer_id,email,time_zone,consent_email,first_name\nana,ana@example.com,UTC,true,Ana\nbo,bo@example.com,UTC,true,Bo\ncy,cy@example.com,UTC,true,Cy\n')
    expect(spawnSync(process.execPath, [bin, 'db', 'migrate', '--db', db], { cwd: temp, encoding: 'utf8' }).status).toBe(0)
    const imported = spawnSync(process.execPath, [bin, 'import', 'customers', path.join(temp, 'customers.csv'), '--db', db], { cwd: temp, encoding: 'utf8' })
    expect(imported.status, imported.stderr).toBe(0)
    await start()
  }, 120_000)

  afterAll(async () => {
    await kill()
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
    rmSync(temp, { recursive: true, force: true })
  })

  it('publishes through the API, sends on a live event, survives SIGKILL while customers wait, and honours one-click unsubscribe', async () => {
    const waitUntil = new Date(Date.now() + 12_000).toISOString()
    const flow = {
      id: 'live-welcome', name: 'Live welcome', version: 1,
      nodes: [
        { id: 'signed-up', type: 'trigger', config: { event: { type: 'signup' } } },
        { id: 'later', type: 'wait', config: { until: waitUntil } },
        { id: 'hello', type: 'choose-channel', config: {
          candidates: [{ channel: 'email', subject: 'Welcome {{customer.first_name}}', body: '<p>Hello {{customer.first_name}}</p><a href="{{unsubscribe_url}}">unsubscribe</a>' }],
          unsubscribe: {},
        } },
      ],
      edges: [{ from: 'signed-up', output: 'entered', to: 'later' }, { from: 'later', output: 'done', to: 'hello' }],
      settings: { priority: 1, entry: { policy: 'always' }, holdout: { percent: 0 } },
      layout: {},
    }
    expect((await api('POST', '/flows', { flow })).status).toBe(201)
    const published = await api('POST', '/flows/live-welcome/publish', { policy: 'pin' })
    expect(published.status, JSON.stringify(published.body)).toBe(200)

    // Three customers sign up; the engine takes them in at once and parks them until `waitUntil`.
    const events = ['ana', 'bo', 'cy'].map((id) => ({ id: `signup-${id}`, customerId: id, type: 'signup' }))
    expect((await api('POST', '/events', { events })).status).toBe(202)
    const runId = String(published.body?.runId)
    await until('three customers waiting', async () => {
      const at = await api('GET', `/runs/${runId}/customers?node=hello&state=active`)
      return (at.body?.customers as unknown[] | undefined)?.length === 3 ? true : undefined
    })
    expect(mails).toEqual([])

    // Kill the server while they wait, start it again: each message arrives once, after the wait.
    await kill()
    await start()
    await until('three e-mails', () => (mails.length >= 3 ? true : undefined), 40_000)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(mails.map((m) => m.to).sort()).toEqual(['ana@example.com', 'bo@example.com', 'cy@example.com'])
    const ana = mails.find((m) => m.to === 'ana@example.com') as Mail
    expect(ana.raw).toContain('Subject: Welcome Ana')
    expect(ana.raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/i)

    // One-click unsubscribe (RFC 8058: a POST to the List-Unsubscribe URL) stops later sends.
    const header = /List-Unsubscribe:\s*<([^>]+)>/i.exec(ana.raw.replace(/\r\n\s+/g, ''))?.[1]
    expect(header, 'the e-mail carries a List-Unsubscribe URL').toBeDefined()
    const url = new URL(String(header))
    expect(url.origin).toBe(base)
    const unsubscribed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' })
    expect(unsubscribed.status).toBe(200)

    const before = mails.length
    const again = ['ana', 'bo'].map((id) => ({ id: `signup-again-${id}`, customerId: id, type: 'signup' }))
    expect((await api('POST', '/events', { events: again })).status).toBe(202)
    // The wait's date is past now: both go straight through; only bo may get a message.
    await until('bo’s second e-mail', () => (mails.slice(before).some((m) => m.to === 'bo@example.com') ? true : undefined), 30_000)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    expect(mails.slice(before).map((m) => m.to)).toEqual(['bo@example.com'])
  }, 180_000)
})
