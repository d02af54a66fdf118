/**
 * `sluice run` back-tests with the project's settings as the live server would use them: the
 * secrets of sluice.config.ts reach nodes (choose-channel signs unsubscribe links with the
 * `unsubscribe` secret, from the environment variable the config names), the links point at the
 * public URL, and the contact policy changed through the API (sluice.contact-policy.json) is the
 * one enforced. A declared secret whose variable is unset stops the command naming its path.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyUnsubscribeToken } from '../engine/channels/unsubscribe.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'

const bin = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url))
const project = mkdtempSync(path.join(tmpdir(), 'sluice-run-settings-'))
const db = path.join(project, 'store.db')
const START = Date.UTC(2025, 4, 1)
const SECRET = 'run-unsubscribe-secret-0123456789'
afterAll(() => rmSync(project, { recursive: true, force: true }))

beforeAll(async () => {
  const store = await openStore({ db, now: () => START })
  await store.upsertCustomers([{ id: 'a', addresses: { email: 'a@example.com' } }, { id: 'b', addresses: { email: 'b@example.com' } }])
  await store.setConsents(['a', 'b'].map((customerId) => ({ customerId, channel: 'email' as const, status: 'granted' as const, at: START - 1 })))
  await store.close()
  writeFileSync(path.join(project, 'sluice.config.mjs'), `export default ${JSON.stringify({
    secrets: { unsubscribe: { env: 'RUN_TEST_UNSUBSCRIBE' } },
    server: { publicUrl: 'https://sluice.example.com' },
    contactPolicy: { caps: [] },
  })}\n`)
  // The policy as changed through the API: no e-mail at all today (the config's has no caps).
  writeFileSync(path.join(project, 'sluice.contact-policy.json'), JSON.stringify({ policy: { caps: [{ channel: 'email', max: 0, per: 'day' }] }, updatedAt: '2025-04-30T00:00:00.000Z', updatedBy: 'ops' }))
  writeFileSync(path.join(project, 'news.flow.json'), JSON.stringify({
    id: 'news', name: 'News', version: 1,
    nodes: [
      { id: 'in', type: 'trigger', config: { audience: {} } },
      { id: 'gate', type: 'throttle', config: { channel: 'email', onCap: 'drop' } },
      { id: 'mail', type: 'choose-channel', config: { candidates: [{ channel: 'email', subject: 'News', body: '<a href="{{unsubscribe_url}}">stop</a>' }], unsubscribe: {} } },
    ],
    edges: [{ from: 'in', output: 'entered', to: 'gate' }, { from: 'gate', output: 'held', to: 'mail' }],
    settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
    layout: {},
  }))
})

const sluice = (env: Record<string, string>) =>
  spawnSync(process.execPath, [bin, 'run', 'news.flow.json', '--db', db, '--start', '2025-05-01T10:00:00Z', '--until', '2025-05-01T11:00:00Z', '--keep', '--json'], { cwd: project, encoding: 'utf8', env: { ...process.env, ...env } })

describe('sluice run with the project settings', () => {
  it('refuses to start when a declared secret is not in the environment, naming its path', () => {
    const child = sluice({})
    expect(child.status).toBe(1)
    expect(child.stderr).toContain('default.secrets.unsubscribe.env: the environment variable RUN_TEST_UNSUBSCRIBE is not set (it holds this secret)')
  })

  it('signs links with the configured secret, points them at the public URL, and enforces the policy file', async () => {
    const child = sluice({ RUN_TEST_UNSUBSCRIBE: SECRET })
    expect(child.stderr).toBe('')
    expect(child.status).toBe(0)
    // The file's cap (none allowed) holds everyone at the gate; the config's (no caps) would have let them pass.
    const report = JSON.parse(child.stdout) as { nodes: Record<string, { outputs: Record<string, number> }> }
    expect(report.nodes.gate?.outputs).toEqual({ pass: 0, held: 2 })
    const store = await openStore({ db })
    try {
      const outbox = await openEngineStore(store).listOutbox()
      expect(outbox).toHaveLength(2)
      for (const row of outbox) {
        const link = /^<(.*)>$/.exec((JSON.parse(row.message) as { headers: Record<string, string> }).headers['List-Unsubscribe'] ?? '')?.[1] ?? ''
        expect(link.startsWith('https://sluice.example.com/unsubscribe?token=')).toBe(true)
        expect(verifyUnsubscribeToken(SECRET, new URL(link).searchParams.get('token') ?? '')).toMatchObject({ customerId: row.customerId, channel: 'email', flowId: 'news' })
      }
    } finally {
      await store.close()
    }
  })
})
