import { OpenAPIHono } from '@hono/zod-openapi'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findInTables, rowsNamingKey } from '../../test/support/table-scan.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { respondToError } from '../http/errors.ts'
import { testServer, type TestServer } from '../testing.ts'
import { customerRoutes } from './customers.ts'

const ENGINEER = { 'x-test-role': 'engineer' }
const MARKETER = { 'x-test-role': 'marketer' }
const ADMIN = { 'x-test-role': 'admin' }

const CUSTOMERS_CSV = [
  'customer_id,email,phone,first_name,tenure,plan,consent_email',
  'ana,ana.quintero@example.org,+34 600 111 222,Anaïs-Quintero,12,gold,yes',
  'bo,bo@example.org,,Bo,3,basic,yes',
  'cy,cy@example.org,,Cy,40,gold,yes',
  'di,di@example.org,,Di,7,basic,no',
  '',
].join('\n')

/** A bad tenure on line 5 and a bad consent on line 3: every bad row is named, nothing is written. */
const BAD_CSV = [
  'customer_id,tenure,consent_email',
  'x-1,12,yes',
  'x-2,4,maybe',
  'x-3,7,yes',
  'x-4,twelve,yes',
  'x-5,9,yes',
  'x-6,1,no',
  '',
].join('\n')

/** Signup → e-mail "Hello {{first_name}}", live. */
const GREETING_FLOW = {
  id: 'greeting', name: 'Greeting', version: 1,
  nodes: [
    { id: 'signed-up', type: 'trigger', config: { event: { type: 'signup' } } },
    { id: 'hello', type: 'choose-channel', config: { candidates: [{ channel: 'email', subject: 'Welcome', body: 'Hello {{customer.first_name}}' }] } },
  ],
  edges: [{ from: 'signed-up', output: 'entered', to: 'hello' }],
  settings: { priority: 1, entry: { policy: 'always' }, holdout: { percent: 0 } },
  layout: {},
}

describe('customers API', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await testServer()
  })
  afterEach(async () => {
    await server.close()
  })

  const upload = (query: string, body: string | FormData, contentType?: string, headers: Record<string, string> = ENGINEER) =>
    server.app.request(`/api/customers/import?${query}`, { method: 'POST', body, headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) } })
  const importCustomers = async (csv = CUSTOMERS_CSV) => {
    const response = await upload('kind=customers', csv, 'text/csv')
    expect(response.status).toBe(200)
    return response.json() as Promise<Record<string, unknown>>
  }

  describe('POST /import', () => {
    it('imports a CSV body: the summary, the customers, their consents and inferred types', async () => {
      const summary = await importCustomers()
      expect(summary).toMatchObject({ kind: 'customers', file: 'upload.csv', format: 'csv', rows: 4, inserted: 4, updated: 0, rejected: 0, bytes: Buffer.byteLength(CUSTOMERS_CSV) })
      expect((summary.attributesDefined as { name: string; type: string }[]).map((d) => [d.name, d.type])).toEqual(expect.arrayContaining([['tenure', 'number']]))
      const [ana] = await server.ctx.store.getCustomers(['ana'])
      expect(ana).toMatchObject({ attributes: { first_name: 'Anaïs-Quintero', tenure: 12, plan: 'gold' }, addresses: { email: 'ana.quintero@example.org', phone: '+34600111222' } })
      expect((await server.ctx.store.getConsents(['di']))[0]).toMatchObject({ channel: 'email', status: 'revoked' })
    })

    it('imports a multipart file part under its own name, and JSONL events (application/x-ndjson), waking the scheduler', async () => {
      const form = new FormData()
      form.append('note', 'ignored')
      form.append('file', new File([CUSTOMERS_CSV], 'crm-export.csv', { type: 'text/csv' }))
      const multipart = await upload('kind=customers', form)
      expect(multipart.status).toBe(200)
      expect(await multipart.json()).toMatchObject({ file: 'crm-export.csv', inserted: 4 })

      const events = ['{"event_id":"e-1","customer_id":"ana","type":"signup","at":"2025-06-01T00:00:00Z"}', '{"event_id":"e-2","customer_id":"bo","type":"purchase","at":"2025-06-01T01:00:00Z","amount":20}', '']
      const response = await upload('kind=events', events.join('\n'), 'application/x-ndjson')
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ kind: 'events', format: 'jsonl', rows: 2, inserted: 2, duplicates: 0 })
      expect(server.nudges).toBe(1)
      expect((await server.ctx.store.listEvents('bo'))[0]).toMatchObject({ id: 'e-2', properties: { amount: 20 } })
    })

    it('refuses a bad file as a whole: 400 naming each bad row by line and column, nothing written', async () => {
      await importCustomers()
      const before = { count: await server.ctx.store.countCustomers(), attributes: await server.ctx.store.listAttributes(), stats: await server.ctx.store.stats() }
      const response = await upload('kind=customers', BAD_CSV, 'text/csv')
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: { code: string; message: string; details: { path: string; message: string }[] } }
      expect(body.error.code).toBe('validation')
      expect(body.error.details.map((d) => d.path)).toEqual(['line 3, column consent_email', 'line 5, column tenure'])
      expect(body.error.message).toMatch(/^upload\.csv: 2 bad rows, nothing was imported/)
      expect(body.error.message).toContain('skipInvalid=true')
      expect(body.error.message).not.toContain('sluice-upload-')
      expect(await server.ctx.store.countCustomers()).toBe(before.count)
      expect(await server.ctx.store.listAttributes()).toEqual(before.attributes)
      expect(await server.ctx.store.stats()).toEqual(before.stats)

      const unknown = await upload('kind=events', 'event_id,customer_id,type,at\ne-1,ana,login,2025-06-01T00:00:00Z\ne-2,nobody,login,2025-06-01T00:00:00Z\n', 'text/csv')
      expect(unknown.status).toBe(400)
      expect(((await unknown.json()) as { error: { details: { path: string }[] } }).error.details.map((d) => d.path)).toEqual(['line 3, column customer_id'])
      expect(await server.ctx.store.listEvents('ana')).toEqual([])
    })

    it('with skipInvalid=true imports the valid rows and answers the rejected ones with their reasons', async () => {
      const response = await upload('kind=customers&skipInvalid=true', BAD_CSV, 'text/csv')
      expect(response.status).toBe(200)
      const summary = (await response.json()) as { inserted: number; rejected: number; rejects: { line: number; reason: string }[] }
      expect(summary).toMatchObject({ inserted: 4, rejected: 2 })
      expect(summary.rejects.map((r) => r.line)).toEqual([3, 5])
      expect(summary.rejects[1]?.reason).toMatch(/^column tenure: /)
      expect((await server.ctx.store.getCustomers(['x-1', 'x-2', 'x-4'])).map((c) => c.id)).toEqual(['x-1'])
    })

    it('answers 415 for other media types, 400 for a missing kind or an unknown file format, 403 below engineer', async () => {
      expect((await upload('kind=customers', '{}', 'application/json')).status).toBe(415)
      const noKind = await upload('', CUSTOMERS_CSV, 'text/csv')
      expect(noKind.status).toBe(400)
      expect(((await noKind.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe('query.kind')
      const form = new FormData()
      form.append('file', new File(['a,b'], 'notes.txt', { type: 'text/plain' }))
      const unknownFormat = await upload('kind=customers', form)
      expect(unknownFormat.status).toBe(400)
      expect(await unknownFormat.json()).toMatchObject({ error: { code: 'upload.format' } })
      const noFile = new FormData()
      noFile.append('kind', 'customers')
      expect(await (await upload('kind=customers', noFile)).json()).toMatchObject({ error: { code: 'upload.no-file' } })
      expect((await upload('kind=customers', CUSTOMERS_CSV, 'text/csv', MARKETER)).status).toBe(403)
      expect(await server.ctx.store.countCustomers()).toBe(0)
    })

    it('stops an upload past its size limit with a 413, as the body or as a file part', async () => {
      const app = new OpenAPIHono<ApiEnv>()
      app.use('*', async (c, next) => {
        c.set('principal', { kind: 'token', id: 't', name: 't', role: 'engineer' })
        await next()
      })
      app.route('/', customerRoutes(server.ctx, { maxImportBytes: 64 }))
      app.onError(respondToError)
      const big = await app.request('/import?kind=customers', { method: 'POST', body: CUSTOMERS_CSV, headers: { 'content-type': 'text/csv' } })
      expect(big.status).toBe(413)
      expect(await big.json()).toMatchObject({ error: { code: 'too-large', message: 'uploads are limited to 64 bytes; split the file' } })
      // Streamed without a length (chunked): counted as it arrives.
      const stream = new Blob([CUSTOMERS_CSV]).stream()
      const chunked = await app.request('/import?kind=customers', { method: 'POST', body: stream, headers: { 'content-type': 'text/csv' }, duplex: 'half' } as RequestInit)
      expect(chunked.status).toBe(413)
      const form = new FormData()
      form.append('file', new File([CUSTOMERS_CSV], 'c.csv', { type: 'text/csv' }))
      // A FormData request carries no Content-Length: the part is counted as it streams.
      const part = await app.request(new Request('http://localhost/import?kind=customers', { method: 'POST', body: form }))
      expect(part.status).toBe(413)
      expect(await server.ctx.store.countCustomers()).toBe(0)
    })
  })

  describe('GET /', () => {
    it('pages the customers of a segment by key, with their attributes and the whole count', async () => {
      await importCustomers()
      const gold = encodeURIComponent(JSON.stringify({ type: 'attribute', name: 'plan', op: 'eq', value: 'gold' }))
      const first = (await (await server.request('GET', `/api/customers?segment=${gold}&limit=1`, undefined, MARKETER)).json()) as { count: number; customers: { id: string; attributes: Record<string, unknown> }[]; next: number | null }
      expect(first.count).toBe(2)
      expect(first.customers.map((c) => [c.id, c.attributes.plan])).toEqual([['ana', 'gold']])
      expect(first.next).not.toBeNull()
      const second = (await (await server.request('GET', `/api/customers?segment=${gold}&limit=1&after=${first.next}`, undefined, MARKETER)).json()) as typeof first
      expect(second.customers.map((c) => c.id)).toEqual(['cy'])
      const end = (await (await server.request('GET', `/api/customers?segment=${gold}&limit=1&after=${second.next}`, undefined, MARKETER)).json()) as typeof first
      expect(end).toMatchObject({ count: 2, customers: [], next: null })
      const everyone = (await (await server.request('GET', '/api/customers', undefined, MARKETER)).json()) as typeof first
      expect(everyone.customers.map((c) => c.id)).toEqual(['ana', 'bo', 'cy', 'di'])
      expect(everyone.next).toBeNull()
    })

    it('refuses an invalid segment with the field path and message, and JSON that does not parse', async () => {
      await importCustomers()
      const wrongType = encodeURIComponent(JSON.stringify({ type: 'all', conditions: [{ type: 'attribute', name: 'tenure', op: 'gt', value: 'long' }] }))
      const response = await server.request('GET', `/api/customers?segment=${wrongType}`, undefined, MARKETER)
      expect(response.status).toBe(400)
      expect(((await response.json()) as { error: { details: unknown[] } }).error.details).toEqual([{ path: 'query.segment.conditions[0].value', message: 'attribute "tenure" is a number: expected a number, got "long"' }])
      const broken = await server.request('GET', '/api/customers?segment=%7Bnope', undefined, MARKETER)
      expect(broken.status).toBe(400)
      expect(await broken.json()).toMatchObject({ error: { code: 'validation', details: [{ path: 'query.segment' }] } })
      const unknownList = (await (await server.request('GET', `/api/customers?segment=${encodeURIComponent('{"type":"list","list":"vip"}')}`, undefined, MARKETER)).json()) as { count: number; warnings: { code: string }[] }
      expect(unknownList).toMatchObject({ count: 0, warnings: [{ code: 'segment.unknown-list' }] })
      expect((await server.request('GET', '/api/customers', undefined, { 'x-test-role': 'viewer' })).status).toBe(403)
    })
  })

  describe('GET /{id} and DELETE /{id}', () => {
    /** Customers imported, the greeting flow live, ana signed up and greeted. */
    async function greeted() {
      await importCustomers()
      expect((await server.request('POST', '/api/flows', { flow: GREETING_FLOW }, MARKETER)).status).toBe(201)
      expect((await server.request('POST', '/api/flows/greeting/publish', {}, MARKETER)).status).toBe(200)
      expect((await server.request('POST', '/api/events', { id: 'su-ana', customerId: 'ana', type: 'signup', properties: { source: 'Anaïs-Quintero landing page' } }, ENGINEER)).status).toBe(202)
      await server.tick()
    }

    it('shows one customer: attributes, consents, recent events, sends with the rendered message, and where they are in each run', async () => {
      await greeted()
      await server.ctx.store.recordContacts([{ customerId: 'ana', flowId: 'older', nodeId: 'send', channel: 'sms', at: server.clock.now() - 1 }])
      const response = await server.request('GET', '/api/customers/ana', undefined, MARKETER)
      expect(response.status).toBe(200)
      const profile = (await response.json()) as {
        customer: unknown; consents: unknown[]; suppressed: boolean; events: unknown[]; runs: unknown[]
        sends: { outbox: unknown[]; contacts: { flowId: string }[] }
      }
      expect(profile.customer).toMatchObject({ id: 'ana', attributes: { first_name: 'Anaïs-Quintero', tenure: 12 }, addresses: { email: 'ana.quintero@example.org' }, timeZone: 'UTC' })
      expect(profile.consents).toEqual([expect.objectContaining({ channel: 'email', status: 'granted' })])
      expect(profile.suppressed).toBe(false)
      expect(profile.events).toEqual([expect.objectContaining({ id: 'su-ana', type: 'signup' })])
      expect(profile.sends.outbox).toEqual([expect.objectContaining({ flowId: 'greeting', nodeId: 'hello', channel: 'email', message: expect.objectContaining({ body: 'Hello Anaïs-Quintero' }) })])
      expect(profile.sends.contacts.map((k) => k.flowId)).toContain('older')
      expect(profile.runs).toEqual([expect.objectContaining({ flowId: 'greeting', flowVersion: 1, runState: 'running', nodeId: 'hello', state: 'done', lastOutput: 'email' })])
      expect((await server.request('GET', '/api/customers/nobody', undefined, MARKETER)).status).toBe(404)
    })

    it('erases a customer: nothing of theirs in any table, the id suppressed, and a later import and event for them lead to no send', async () => {
      await greeted()
      await server.ctx.store.createList({ name: 'vip' })
      await server.ctx.store.appendListMembers('vip', ['ana', 'bo'])
      const [ana] = await server.ctx.store.getCustomers(['ana'])
      const traces = ['ana.quintero@example.org', '+34600111222', 'Anaïs-Quintero']
      expect((await findInTables(server.ctx.store, traces)).length).toBeGreaterThan(4)

      expect((await server.request('DELETE', '/api/customers/ana', undefined, MARKETER)).status).toBe(403)
      const erased = await server.request('DELETE', '/api/customers/ana', undefined, ADMIN)
      expect(erased.status).toBe(200)
      expect(await erased.json()).toMatchObject({ erased: 'ana', suppressed: true, rows: { customers: 1, events: 1, outbox: 1, positions: 1, static_list_members: 1 } })
      expect(await findInTables(server.ctx.store, traces)).toEqual([])
      expect((await findInTables(server.ctx.store, ['ana'])).filter((hit) => !hit.startsWith('suppressions.value'))).toEqual([])
      expect(await rowsNamingKey(server.ctx.store, ana!.key)).toEqual([])
      expect((await server.request('GET', '/api/customers/ana', undefined, MARKETER)).status).toBe(404)
      expect((await server.request('DELETE', '/api/customers/ana', undefined, ADMIN)).status).toBe(404)

      // Back through a later import and a signup: the flow runs for both, only bo is sent to.
      expect((await upload('kind=customers', 'customer_id,email,first_name,consent_email\nana,ana.quintero@example.org,Anaïs,yes\n', 'text/csv')).status).toBe(200)
      await server.request('POST', '/api/events', { events: [{ id: 'su-ana-2', customerId: 'ana', type: 'signup' }, { id: 'su-bo', customerId: 'bo', type: 'signup' }] }, ENGINEER)
      await server.tick()
      const outbox = await server.ctx.engineStore.listOutbox()
      expect(outbox.map((o) => o.customerId)).toEqual(['bo'])
      const again = (await (await server.request('GET', '/api/customers/ana', undefined, MARKETER)).json()) as { suppressed: boolean; runs: { state: string; lastOutput: string }[] }
      expect(again.suppressed).toBe(true)
      expect(again.runs).toEqual([expect.objectContaining({ state: 'done', lastOutput: 'none' })])
    })
  })
})
