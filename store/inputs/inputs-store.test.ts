import { expect, it } from 'vitest'
import type { RunInputRow } from '../../engine/ports/engine-store.ts'
import { decodeBatchInputs, encodeBatchInputs, travellersText } from '../../engine/replay/batch-inputs.ts'
import { describeEngineStore, position, T0 } from '../../test/support/engine-store-dialects.ts'

describeEngineStore('inputs', (ctx) => {
  it('stores recorded batches and reads them back in batch order, paged, per run', async () => {
    const { engine } = ctx
    const key = ctx.key('c-2')
    const traveller = { member: { key, id: 'c-2', enteredAt: T0, flowEnteredAt: T0, holdout: false, trigger: { id: 'e-1', type: 'signup', at: T0, properties: { plan: 'pro' } } }, position: position('r1', key, { nodeId: 'trigger' }) }
    const encoded = encodeBatchInputs({
      runId: 'r1', batch: 2, nodeId: 'trigger', at: T0, flowVersion: 3, travellers: travellersText([traveller]), keys: [key],
      reads: [{ nodeId: 'segment', method: 'customers', args: `[[${key}]]`, answer: '[{"id":"c-2","attributes":{"city":"Lyon"}}]' }],
      settings: { publicUrl: 'https://sluice.example' },
      positions: [position('r1', key, { nodeId: 'wait', dueAt: T0 + 86_400_000, seq: 2 })],
    })
    const rows: RunInputRow[] = [encoded, { ...encoded, batch: 1 }, { ...encoded, batch: 7 }, { ...encoded, runId: 'r2', batch: 1 }]
    await engine.appendRunInputs(rows)
    await engine.appendRunInputs([])
    const stored = await engine.readRunInputs('r1')
    expect(stored.map((r) => r.batch)).toEqual([1, 2, 7])
    expect(stored[1]).toEqual(encoded)
    expect((await engine.readRunInputs('r1', { afterBatch: 1, limit: 1 })).map((r) => r.batch)).toEqual([2])
    expect(await engine.readRunInputs('nowhere')).toEqual([])
    // The record survives the round trip through either dialect's text column.
    const decoded = decodeBatchInputs(stored[1] as RunInputRow)
    expect(decoded.travellers).toEqual([traveller])
    expect(decoded.reads[0]?.answer).toBe('[{"id":"c-2","attributes":{"city":"Lyon"}}]')
    expect(decoded.positions[0]).toMatchObject({ customerKey: key, nodeId: 'wait', dueAt: T0 + 86_400_000, seq: 2 })
    expect(decoded).toMatchObject({ flowVersion: 3, settings: { publicUrl: 'https://sluice.example' } })
  })

  it('refuses a second record of the same run and batch', async () => {
    const row: RunInputRow = { runId: 'r1', batch: 1, nodeId: 'trigger', at: T0, count: 0, keys: '', data: 'AA' }
    await ctx.engine.appendRunInputs([row])
    await expect(ctx.engine.appendRunInputs([row])).rejects.toThrow()
  })
})
