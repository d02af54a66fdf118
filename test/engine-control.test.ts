/**
 * Run control and failure handling: pause / resume / cancel; republish with pin, migrate and
 * drain; a node that throws is retried by policy and its customers end in the error state with
 * the error kept, while the engine (and other runs) carry on; failing deliveries retry with
 * backoff and are dead-lettered with their error.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { ChannelAdapter } from '../engine/channels/channel-port.ts'
import { Engine } from '../engine/executor/engine.ts'
import { UserError, ValidationError } from '../engine/errors.ts'
import { defineNode } from '../engine/sdk/index.ts'
import { DAY, engineHarness, flowOf, HOUR, sendNode, T0, type EngineHarness } from './engine-harness.ts'

const waitThenMail = (waitDays: number, version = 1, mailId = 'mail') =>
  flowOf(
    'nurture',
    [
      { id: 'start', type: 'trigger', config: { event: { type: 'signup' } } },
      { id: 'wait', type: 'wait', config: { for: { amount: waitDays, unit: 'days' } } },
      { id: mailId, type: 'send', config: { channel: 'email', template: `v${version}` } },
    ],
    [
      { from: 'start', output: 'entered', to: 'wait' },
      { from: 'wait', output: 'done', to: mailId },
    ],
    {},
    version,
  )

async function signups(h: EngineHarness, entries: [string, number][]): Promise<void> {
  await h.store.upsertCustomers(entries.map(([id]) => ({ id })))
  await h.store.insertEvents(entries.map(([id, at]) => ({ id: `signup-${id}`, customerId: id, type: 'signup', at })))
}

const sentBy = async (h: EngineHarness) =>
  (await h.engineStore.listOutbox()).map((o) => [o.customerId, JSON.parse(o.message).template, (o.createdAt - T0) / DAY])

describe('run control', () => {
  let h: EngineHarness
  afterEach(() => h?.close())

  it('pauses (nothing enters or moves) and resumes (what became due is picked up), then cancels', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await signups(h, [['a', T0 + HOUR], ['b', T0 + 4 * DAY]])
    const run = await h.engine.publish(waitThenMail(2))
    await h.scheduler.runUntil(T0 + DAY)
    await h.engine.pause(run.id)
    await h.scheduler.runUntil(T0 + 5 * DAY)
    expect(await sentBy(h)).toEqual([])
    h.clock.advanceTo(T0 + 5 * DAY)
    await h.engine.resume(run.id)
    await h.scheduler.runUntil(T0 + 5 * DAY + HOUR)
    // a was due at day 2: it moves at day 5. b's day-4 signup waited for the resume and enters
    // as of its own time, so its 2-day wait ends at day 6.
    expect(await sentBy(h)).toEqual([['a', 'v1', 5]])
    expect(await h.engineStore.nextDueAt([run.id])).toBe(T0 + 6 * DAY)
    expect((await h.engine.summary(run.id)).positions.active).toBe(1)
    await h.engine.cancel(run.id)
    expect((await h.engine.summary(run.id)).positions).toEqual({ active: 0, done: 1, error: 0, cancelled: 1 })
    await expect(h.engine.resume(run.id)).rejects.toThrow(/is cancelled: it cannot resume/)
  })

  it('pin: customers in flight finish on the old version, new entries go to the new one', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await signups(h, [['old', T0 + HOUR], ['new', T0 + 2 * DAY]])
    const v1 = await h.engine.publish(waitThenMail(3))
    await h.scheduler.runUntil(T0 + DAY)
    const v2 = await h.engine.publish(waitThenMail(1, 2), { policy: 'pin' })
    await h.scheduler.runUntil(T0 + 10 * DAY)
    expect((await sentBy(h)).sort()).toEqual([['new', 'v2', 3], ['old', 'v1', 3 + HOUR / DAY]])
    expect((await h.engineStore.getRun(v1.id))?.state).toBe('completed')
    expect((await h.engineStore.getRun(v2.id))?.state).toBe('running')
  })

  it('migrate: customers move to the same node ids now; a removed node needs a mapping', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await signups(h, [['a', T0 + HOUR]])
    const v1 = await h.engine.publish(waitThenMail(3))
    await h.scheduler.runUntil(T0 + DAY)
    // A customer in a wait is already on its way to the wait's next node ("mail"), due at day 3.
    const renamed = waitThenMail(3, 2, 'notify')
    const refused = await h.engine.publish(renamed, { policy: 'migrate' }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ValidationError)
    expect((refused as ValidationError).issues).toEqual([
      { code: 'publish.mapping-missing', path: 'mapping.mail', message: 'node "mail" holds customers but is not in the new version: map it to a node of the new version' },
    ])
    await expect(h.engine.publish(renamed, { policy: 'migrate', mapping: { mail: 'nowhere' } })).rejects.toThrow(/mapping\.mail: maps to "nowhere", which is not a node/)
    // Nothing of the refused publish remains: the flow can be published again.
    expect((await h.engineStore.listRuns()).map((r) => r.id)).toEqual([v1.id])
    const v2 = await h.engine.publish(renamed, { policy: 'migrate', mapping: { mail: 'notify' } })
    expect((await h.engineStore.getRun(v1.id))?.state).toBe('completed')
    await h.scheduler.runUntil(T0 + 10 * DAY)
    // Migrated with its due time (day 3 + 1 h) and finishing on v2's send.
    expect(await sentBy(h)).toEqual([['a', 'v2', 3 + HOUR / DAY]])
    expect((await h.engine.summary(v2.id)).positions.done).toBe(1)
  })

  it('drain: the new version takes entries only once the old run is empty', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    await signups(h, [['first', T0 + HOUR], ['second', T0 + 2 * DAY]])
    const v1 = await h.engine.publish(waitThenMail(3))
    await h.scheduler.runUntil(T0 + DAY)
    const v2 = await h.engine.publish(waitThenMail(1, 2), { policy: 'drain' })
    expect(v2.state).toBe('scheduled')
    await h.scheduler.runUntil(T0 + 10 * DAY)
    // first finishes on v1 at day 3 + 1 h; v2 then starts and takes second's signup (day 2), whose wait of 1 day is over.
    expect(await sentBy(h)).toEqual([['first', 'v1', 3 + HOUR / DAY], ['second', 'v2', 3 + HOUR / DAY]])
    expect((await h.engineStore.getRun(v1.id))?.state).toBe('completed')
  })

  it('refuses a changed flow under a version number already published', async () => {
    h = await engineHarness({ nodes: [sendNode()] })
    const run = await h.engine.publish(waitThenMail(3))
    expect((await h.engine.publish(waitThenMail(3))).id).toBe(run.id)
    await expect(h.engine.publish({ ...waitThenMail(4) })).rejects.toThrow(UserError)
    await expect(h.engine.publish({ ...waitThenMail(4) })).rejects.toThrow(/version 1 is already published with different content; bump "version"/)
  })
})

describe('failures', () => {
  let h: EngineHarness
  afterEach(() => h?.close())

  it('retries a node that throws, then moves its customers to the error state with the error, while other runs go on', async () => {
    let calls = 0
    const flaky = defineNode({
      type: 'flaky', version: 1, title: 'Flaky', category: 'flow', icon: 'code', description: 'Always fails.',
      config: z.object({}), outputs: ['ok'],
      async run() {
        calls++
        throw new Error('scoring service unavailable')
      },
    })
    h = await engineHarness({ nodes: [flaky, sendNode()] })
    await h.store.upsertCustomers([{ id: 'a' }, { id: 'b' }])
    const broken = await h.engine.publish(
      flowOf('broken', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'score', type: 'flaky', config: {} }], [{ from: 'start', output: 'entered', to: 'score' }]),
      { options: { nodeAttempts: 3, nodeRetryMs: HOUR } },
    )
    const healthy = await h.engine.publish(
      flowOf('healthy', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'mail', type: 'send', config: { channel: 'email', template: 'x' } }], [{ from: 'start', output: 'entered', to: 'mail' }]),
    )
    await h.scheduler.runUntil(T0 + DAY)
    expect(calls).toBe(3)
    const positions = await h.engineStore.getPositions(broken.id, (await h.engineStore.customersPage(0, 10)).map((c) => c.key))
    expect(positions.map((p) => [p.state, p.nodeId, p.attempt])).toEqual([['error', 'score', 3], ['error', 'score', 3]])
    expect(positions[0]?.error).toBe("node 'score' failed in run '" + broken.id + "': scoring service unavailable")
    expect((await h.engine.summary(broken.id)).nodes.score?.failed).toBe(2)
    expect((await h.engine.summary(healthy.id)).delivery.sent).toBe(2)
  })

  it('pauses a run whose entry fails, with the error in its journal, and keeps the other runs going', async () => {
    const broken = defineNode({
      type: 'broken-trigger', version: 1, title: 'Broken trigger', category: 'trigger', icon: 'bolt', description: 'Declares a schedule that does not parse.',
      config: z.object({}), outputs: ['entered'],
      entry: () => ({ type: 'schedule', cron: '0 25 * * *', timeZone: 'UTC', audience: {} }),
      async run({ customers }) {
        return { routes: { entered: customers } }
      },
    })
    h = await engineHarness({ nodes: [broken, sendNode()] })
    await h.store.upsertCustomers([{ id: 'a' }])
    const bad = await h.engine.publish(flowOf('bad', [{ id: 'start', type: 'broken-trigger', config: {} }], []))
    const good = await h.engine.publish(
      flowOf('good', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'mail', type: 'send', config: { channel: 'email', template: 'x' } }], [{ from: 'start', output: 'entered', to: 'mail' }]),
    )
    const tick = await h.engine.tick()
    expect(tick.paused).toEqual([bad.id])
    expect((await h.engineStore.getRun(bad.id))?.state).toBe('paused')
    const [note] = (await h.engineStore.readJournal(bad.id)).map((r) => JSON.parse(r.data as string))
    expect(note).toMatchObject({ level: 'error', message: expect.stringMatching(/^entry failed, run paused: invalid schedule "0 25 \* \* \*"/) })
    await h.scheduler.runUntil(T0 + DAY)
    expect((await h.engine.summary(good.id)).delivery.sent).toBe(1)
  })

  it('fails a node whose result loses a customer, naming who', async () => {
    const lossy = defineNode({
      type: 'lossy', version: 1, title: 'Lossy', category: 'flow', icon: 'code', description: 'Forgets the last customer.',
      config: z.object({}), outputs: ['ok'],
      async run({ customers }) {
        return { routes: { ok: customers.slice(0, -1) } }
      },
    })
    h = await engineHarness({ nodes: [lossy] })
    await h.store.upsertCustomers([{ id: 'a' }, { id: 'b' }])
    const run = await h.engine.publish(
      flowOf('lossy', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'l', type: 'lossy', config: {} }], [{ from: 'start', output: 'entered', to: 'l' }]),
      { options: { nodeAttempts: 1 } },
    )
    await h.scheduler.runUntil(T0 + DAY)
    const [position] = await h.engineStore.getPositions(run.id, [(await h.engineStore.customersByIds(['a']))[0]?.key as number])
    expect(position?.error).toMatch(/1 customer\(s\) neither routed nor parked: b/)
  })

  it('retries failed deliveries with exponential backoff, then dead-letters them with the error', async () => {
    const attempts: number[] = []
    const failing: ChannelAdapter = {
      name: 'broken-smtp',
      async deliver(messages) {
        attempts.push(...messages.map((m) => m.attempts))
        return messages.map(() => ({ status: 'failed' as const, error: '421 try again later' }))
      },
    }
    h = await engineHarness({ nodes: [sendNode()] })
    const engine = new Engine({ store: h.engineStore, registry: h.registry, clock: h.clock, channels: () => failing })
    await h.store.upsertCustomers([{ id: 'a' }])
    await engine.publish(
      flowOf('mail', [{ id: 'start', type: 'trigger', config: { audience: {} } }, { id: 'mail', type: 'send', config: { channel: 'email', template: 'x' } }], [{ from: 'start', output: 'entered', to: 'mail' }]),
      { options: { sendAttempts: 4, sendRetryMs: 60_000 } },
    )
    const times: number[] = []
    for (let i = 0; i < 10; i++) {
      const tick = await engine.tick()
      if (tick.retried + tick.dead > 0) times.push(tick.now - T0)
      const next = await engine.nextWakeAt()
      if (next === null) break
      h.clock.advanceTo(next)
    }
    expect(attempts).toEqual([0, 1, 2, 3])
    expect(times).toEqual([0, 60_000, 180_000, 420_000])
    const [row] = await h.engineStore.listOutbox()
    expect(row).toMatchObject({ state: 'dead', attempts: 4, lastError: '421 try again later' })
    expect(await h.store.listContacts('a')).toEqual([])
  })
})
