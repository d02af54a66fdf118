import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { OpenAPIHono } from '@hono/zod-openapi'
import { compileErrors, validate } from '@readme/openapi-parser'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { channelsConfigSchema } from '../../engine/channels/config.ts'
import { channelRouterFromConfig } from '../../channels/from-config.ts'
import { contactPolicySchema } from '../../engine/policy/contact-policy.ts'
import throttle from '../../nodes/throttle/index.ts'
import { engineHarness, flowOf, T0, type EngineHarness } from '../../test/engine-harness.ts'
import type { Role } from '../auth/roles.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { ContactPolicyFile, CONTACT_POLICY_FILE } from '../services/contact-policy-file.ts'
import { channelRoutes } from './channels.ts'
import { policyRoutes } from './policy.ts'
import { unsubscribeRoutes } from './unsubscribe.ts'

const folder = mkdtempSync(path.join(tmpdir(), 'sluice-policy-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** A bare app whose caller is whoever the X-Test-Role header names. */
function appWith(mount: (app: OpenAPIHono<ApiEnv>) => void): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>()
  app.use('*', async (c, next) => {
    const role = c.req.header('x-test-role') as Role | undefined
    c.set('principal', role ? { kind: 'token', id: `t-${role}`, name: `test ${role}`, role } : null)
    await next()
  })
  mount(app)
  return app
}

const CONFIG_POLICY = contactPolicySchema.parse({ caps: [{ channel: 'sms', max: 2, per: 'week' }] })
const NO_EMAIL_TODAY = { caps: [{ channel: 'all', max: 0, per: 'day' }], quietHours: [{ from: '21:00', to: '08:00' }] }

let h: EngineHarness
let dir: string
let app: OpenAPIHono<ApiEnv>
beforeEach(async () => {
  h = await engineHarness({ nodes: [throttle] })
  dir = mkdtempSync(path.join(folder, 'project-'))
  const policies = ContactPolicyFile.beside(dir, path.join(dir, 'sluice.config.ts'), CONFIG_POLICY)
  app = appWith((a) => a.route('/policy', policyRoutes({ policies, engine: h.engine, clock: h.clock })))
})
afterEach(() => h.close())

const put = (body: unknown, role: Role | null = 'engineer') =>
  app.request('/policy', { method: 'PUT', headers: { 'content-type': 'application/json', ...(role ? { 'x-test-role': role } : {}) }, body: JSON.stringify(body) })

describe('GET/PUT /policy', () => {
  it('reads the config\'s policy until one is saved; viewers read, only engineers change it', async () => {
    const response = await app.request('/policy', { headers: { 'x-test-role': 'viewer' } })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ policy: CONFIG_POLICY, source: 'config' })
    expect((await app.request('/policy')).status).toBe(401)
    expect((await put(NO_EMAIL_TODAY, 'marketer')).status).toBe(403)
    expect((await put(NO_EMAIL_TODAY, 'operator')).status).toBe(403)
  })

  it('refuses an invalid policy with the field path and changes nothing', async () => {
    const response = await put({ quietHours: [{ from: '25:00', to: '08:00' }], caps: [{ channel: 'fax', max: 1, per: 'day' }] })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; details: { path: string; message: string }[] } }
    expect(body.error.code).toBe('validation')
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['json.caps[0].channel', 'json.quietHours[0].from'])
    expect(h.engine.contactPolicy()).toBeUndefined()
    expect(((await (await app.request('/policy', { headers: { 'x-test-role': 'viewer' } })).json()) as { source: string }).source).toBe('config')
  })

  it('persists a change, hands it to the running engine at once, and keeps it across a restart', async () => {
    // One customer passes the gate before the change, the next one is held by it.
    const run = await h.engine.publish(flowOf('promo', [
      { id: 'in', type: 'trigger', config: { event: { type: 'visit' } } },
      { id: 'gate', type: 'throttle', config: { channel: 'email', onCap: 'drop', onQuietHours: 'drop' } },
      { id: 'later', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    ], [{ from: 'in', output: 'entered', to: 'gate' }, { from: 'gate', output: 'pass', to: 'later' }]))
    await h.store.upsertCustomers([{ id: 'before' }, { id: 'after' }])
    h.clock.advanceTo(T0 + 12 * 3_600_000) // noon UTC: outside the quiet hours
    await h.engine.tick()
    await h.store.insertEvents([{ id: 'v1', customerId: 'before', type: 'visit', at: h.clock.now() }])
    await h.engine.tick()

    const response = await put(NO_EMAIL_TODAY)
    expect(response.status).toBe(200)
    const saved = contactPolicySchema.parse(NO_EMAIL_TODAY)
    expect(await response.json()).toEqual({ policy: saved, source: 'api', updatedAt: new Date(h.clock.now()).toISOString(), updatedBy: 'test engineer' })
    expect(h.engine.contactPolicy()).toEqual(saved)
    expect(JSON.parse(readFileSync(path.join(dir, CONTACT_POLICY_FILE), 'utf8'))).toMatchObject({ policy: saved, updatedBy: 'test engineer' })

    h.clock.advanceBy(60_000)
    await h.store.insertEvents([{ id: 'v2', customerId: 'after', type: 'visit', at: h.clock.now() }])
    await h.engine.tick()
    const summary = await h.engine.summary(run.id)
    expect(summary.nodes.gate?.outputs).toEqual({ pass: 1, held: 1 })

    // What a restarted server reads.
    expect(await ContactPolicyFile.beside(dir, path.join(dir, 'sluice.config.ts'), CONFIG_POLICY).load()).toMatchObject({ policy: saved, source: 'api', updatedBy: 'test engineer' })
  })

  it('names the file and the field of a policy file edited into an invalid one', async () => {
    writeFileSync(path.join(dir, CONTACT_POLICY_FILE), JSON.stringify({ policy: { consent: 'maybe' } }))
    const response = await app.request('/policy', { headers: { 'x-test-role': 'viewer' } })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { message: string; details: { path: string }[] } }
    expect(body.error.message).toContain(`${path.join(dir, CONTACT_POLICY_FILE)}: invalid contact policy`)
    expect(body.error.details[0]?.path).toBe('policy.consent')
  })
})

describe('configuration route modules in the OpenAPI document', () => {
  it('give a valid OpenAPI 3.1 document with the access of each operation', async () => {
    const config = channelsConfigSchema.parse({ email: 'log' })
    const api = appWith((a) => {
      a.route('/policy', policyRoutes({ policies: new ContactPolicyFile(path.join(folder, 'none.json')), engine: h.engine, clock: h.clock }))
      a.route('/channels', channelRoutes({ channels: channelRouterFromConfig(config, {}), config, env: {}, clock: h.clock }))
      a.route('/unsubscribe', unsubscribeRoutes({ store: h.store, clock: h.clock, secret: undefined }))
    })
    const document = api.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'test', version: '1' } })
    const result = await validate(structuredClone(document) as never)
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true)
    const access = Object.entries(document.paths ?? {}).flatMap(([p, ops]) => Object.entries(ops as Record<string, { 'x-sluice-access'?: string }>).map(([m, op]) => `${m.toUpperCase()} ${p} ${op['x-sluice-access']}`))
    expect(access.sort()).toEqual([
      'GET /channels engineer', 'GET /policy viewer', 'GET /unsubscribe public', 'POST /channels/{name}/test engineer', 'POST /unsubscribe public', 'PUT /policy engineer',
    ])
  })
})
