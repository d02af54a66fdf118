/**
 * `sluice replay RUN` (issue 15): a run replays identical from its recorded inputs; a custom
 * node whose logic changed since the run makes the replay exit 1 naming the node, the customer,
 * the recorded and replayed output and "code"; a node asking what the run never read is an
 * "input" divergence; a customer's attribute changed after the run and an operator's move do
 * not change the replay. The node types come from folders (`--nodes`), as a project's would
 * (test/fixtures/replay-nodes).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { formatReplay, register } from '../cli/commands/replay.ts'
import { runCommand } from '../cli/run-command.ts'
import { isUserError } from '../engine/errors.ts'
import { moveCustomers } from '../engine/executor/operator-actions.ts'
import type { RunRow } from '../engine/ports/engine-store.ts'
import { loadNodeFolder } from '../engine/registry/load-nodes.ts'
import { decodeBatchInputs } from '../engine/replay/batch-inputs.ts'
import { replayRun, type ReplayResult } from '../engine/replay/replay-run.ts'
import { NodeRegistry } from '../engine/registry/registry.ts'
import { DAY, engineHarness, flowOf, T0, type EngineHarness } from './engine-harness.ts'
import { createTestSchema } from './support/postgres.ts'

const temp = mkdtempSync(path.join(tmpdir(), 'sluice-replay-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** The test-only node type `replay-cut` as it was at the run (v1), with its logic changed (v2), asking one more read (v3). */
const v1 = 'test/fixtures/replay-nodes/v1'
const v2 = 'test/fixtures/replay-nodes/v2'
const asksMore = 'test/fixtures/replay-nodes/v3'
const version2 = 'test/fixtures/replay-nodes/v4'

const flow = flowOf(
  'replayed',
  [
    { id: 'start', type: 'trigger', config: { audience: {} } },
    { id: 'pause', type: 'wait', config: { for: { amount: 1, unit: 'days' } } },
    { id: 'cut', type: 'replay-cut', config: {} },
    { id: 'after', type: 'wait', config: { for: { amount: 2, unit: 'days' } } },
  ],
  [
    { from: 'start', output: 'entered', to: 'pause' },
    { from: 'pause', output: 'done', to: 'cut' },
    { from: 'cut', output: 'high', to: 'after' },
  ],
)

async function replay(db: string, nodes: string, json = true): Promise<{ result: ReplayResult; stdout: string; error: unknown }> {
  const text = await runCommand(register, ['replay', runId, '--db', db, '--nodes', nodes, ...(json ? ['--json'] : [])])
  return { result: json ? (JSON.parse(text.stdout) as ReplayResult) : (undefined as unknown as ReplayResult), stdout: text.stdout, error: text.error }
}

let runId = ''

describe('sluice replay', () => {
  let h: EngineHarness | undefined
  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('replays a run identical, then names the node, customer and values when the node code changed; an attribute changed after the run does not matter', async () => {
    const db = path.join(temp, 'code.db')
    h = await engineHarness({ store: { db } })
    await loadNodeFolder(h.registry, v1)
    await h.store.upsertCustomers([{ id: 'hi', attributes: { score: 80 } }, { id: 'mid', attributes: { score: 55 } }, { id: 'lo', attributes: { score: 20 } }])
    const run: RunRow = await h.engine.publish(flow)
    runId = run.id
    await h.scheduler.runUntil(T0 + 5 * DAY)
    // What was recorded: the cut node's profile read, in the batch that ran it, at its time.
    const inputs = (await h.engineStore.readRunInputs(run.id)).map(decodeBatchInputs)
    const cutBatch = inputs.find((b) => b.nodeId === 'cut' && b.reads.some((r) => r.nodeId === 'cut'))
    expect(cutBatch?.at).toBe(T0 + DAY)
    expect(cutBatch?.travellers.map((t) => t.member.id).sort()).toEqual(['hi', 'lo', 'mid'])
    // The customer changes after the run; the replay sees what the node saw.
    await h.store.upsertCustomers([{ id: 'mid', attributes: { score: 10 } }])
    await h.close()
    h = undefined

    const same = await replay(db, v1)
    expect(same.error).toBeUndefined()
    expect(same.result.identical).toBe(true)
    expect(same.result.summary).toMatchObject({ runId, batches: inputs.length, unrecordedBatches: 0, sends: 2 })
    expect(same.result.summary.decisions).toBeGreaterThanOrEqual(9)
    const text = await replay(db, v1, false)
    expect(text.stdout).toMatch(/replay IDENTICAL/)

    const changed = await replay(db, v2)
    expect(isUserError(changed.error)).toBe(true)
    expect(changed.result.identical).toBe(false)
    if (changed.result.identical) return
    const d = changed.result.divergence
    expect(d).toMatchObject({ kind: 'code', nodeId: 'cut', customerId: 'mid', field: 'decision', at: new Date(T0 + DAY).toISOString() })
    expect(d.recorded).toMatchObject({ outcome: 'high', reason: 'score 55' })
    expect(d.replayed).toMatchObject({ outcome: 'low', reason: 'score 55' })
    expect((changed.error as Error).message).toMatch(/node cut for customer mid: the output taken differs.*the code differs/)
    expect(formatReplay(changed.result)).toMatch(/CODE differs[\s\S]*node cut, customer mid/)

    // The command itself: exit 1, the divergence on stderr; exit 0 with the summary when identical.
    const bin = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url))
    const diverging = spawnSync(process.execPath, [bin, 'replay', runId, '--db', db, '--nodes', v2], { encoding: 'utf8' })
    expect(diverging.status).toBe(1)
    expect(diverging.stdout).toMatch(/replay DIVERGES/)
    expect(diverging.stderr).toMatch(/node cut for customer mid: the output taken differs/)
    const identical = spawnSync(process.execPath, [bin, 'replay', runId, '--db', db, '--nodes', v1], { encoding: 'utf8' })
    expect(identical.status).toBe(0)
    expect(identical.stdout).toMatch(/replay IDENTICAL/)

    // A new version of the node type: the divergence says which version ran and which runs now.
    const upgraded = await replay(db, version2)
    expect(isUserError(upgraded.error)).toBe(true)
    expect((upgraded.error as Error).message).toMatch(/customer mid: the output taken differs.*\(node type replay-cut@1 at the run, replay-cut@2 now\)/)
  }, 120_000)

  it('a node asking ctx.data what the run never read is an input divergence', async () => {
    const db = path.join(temp, 'input.db')
    h = await engineHarness({ store: { db } })
    await loadNodeFolder(h.registry, v1)
    await h.store.upsertCustomers([{ id: 'a', attributes: { score: 70 } }])
    runId = (await h.engine.publish(flow)).id
    await h.scheduler.runUntil(T0 + 5 * DAY)
    await h.close()
    h = undefined
    const { result, error } = await replay(db, asksMore)
    expect(isUserError(error)).toBe(true)
    if (result.identical) throw new Error('expected a divergence')
    expect(result.divergence).toMatchObject({ kind: 'input', nodeId: 'cut', customerId: 'a', field: 'read', replayed: expect.stringMatching(/^events /) })
    expect(result.divergence.message).toMatch(/the inputs differ: node cut: ctx\.data\.events was not asked/)
  }, 120_000)

  it("takes an operator's move as an input: the moved customer's later batches replay identical", async () => {
    const db = path.join(temp, 'move.db')
    h = await engineHarness({ store: { db } })
    await loadNodeFolder(h.registry, v1)
    await h.store.upsertCustomers([{ id: 'x', attributes: { score: 90 } }, { id: 'y', attributes: { score: 30 } }])
    const run = await h.engine.publish(flow)
    runId = run.id
    await h.scheduler.runUntil(T0 + DAY / 2)
    // y skips the pause: moved straight to the cut.
    await moveCustomers({ store: h.engineStore, registry: h.registry, now: () => h!.clock.now() }, run.id, { customers: ['y'] }, 'cut', { name: 'ops', role: 'operator' })
    await h.scheduler.runUntil(T0 + 5 * DAY)
    await h.close()
    h = undefined
    const { result, error } = await replay(db, v1)
    expect(error).toBeUndefined()
    expect(result).toMatchObject({ identical: true, summary: { operatorActions: 1, sends: 1 } })
  }, 120_000)

  it('drops the batches of an erased customer (their record went with her data) and replays the others identical', async () => {
    h = await engineHarness()
    await loadNodeFolder(h.registry, v1)
    await h.store.upsertCustomers([{ id: 'hi', attributes: { score: 80 } }, { id: 'mid', attributes: { score: 55 } }, { id: 'lo', attributes: { score: 20 } }])
    // One customer a batch, so erasing one leaves the others' batches recorded.
    const run = await h.engine.publish(flow, { options: { batchSize: 1 } })
    await h.scheduler.runUntil(T0 + 5 * DAY)
    const before = await replayRun({ source: h.engineStore, registry: h.registry }, run.id)
    expect(before).toMatchObject({ identical: true, summary: { unrecordedBatches: 0, sends: 2 } })
    await h.engineStore.eraseCustomer('mid', { at: T0 + 6 * DAY, reason: 'erased on request' })
    // Her two batches (entry, cut) leave neither a record nor journal rows (a row left without keys goes); the rest replays.
    expect((await h.engineStore.readRunInputs(run.id)).length).toBe(before.summary.batches - 2)
    const after = await replayRun({ source: h.engineStore, registry: h.registry }, run.id)
    expect(after).toMatchObject({ identical: true, summary: { batches: before.summary.batches - 2, unrecordedBatches: 0, sends: 1 } })
  }, 120_000)

  it('replays a run made on Postgres: the record round-trips the dialect, then the changed node diverges the same way', async () => {
    const pg = await createTestSchema('the replay suite')
    try {
      h = await engineHarness({ store: { databaseUrl: pg.url, pgSchema: pg.schema } })
      await loadNodeFolder(h.registry, v1)
      await h.store.upsertCustomers([{ id: 'hi', attributes: { score: 80 } }, { id: 'mid', attributes: { score: 55 } }])
      const run = await h.engine.publish(flow)
      await h.scheduler.runUntil(T0 + 5 * DAY)
      const same = await replayRun({ source: h.engineStore, registry: h.registry }, run.id)
      expect(same).toMatchObject({ identical: true, summary: { sends: 2, unrecordedBatches: 0 } })
      const changed = new NodeRegistry()
      for (const type of h.registry.list()) if (type.type !== 'replay-cut') changed.register(type)
      await loadNodeFolder(changed, v2)
      const result = await replayRun({ source: h.engineStore, registry: changed }, run.id)
      expect(result).toMatchObject({ identical: false, divergence: { kind: 'code', nodeId: 'cut', customerId: 'mid', recorded: { outcome: 'high' }, replayed: { outcome: 'low' } } })
    } finally {
      await h?.close()
      h = undefined
      await pg.drop()
    }
  }, 120_000)
})
