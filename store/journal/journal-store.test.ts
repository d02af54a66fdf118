import { expect, it } from 'vitest'
import type { JournalRow } from '../../engine/ports/engine-store.ts'
import { describeEngineStore, T0 } from '../../test/support/engine-store-dialects.ts'

const row: JournalRow = { runId: 'r1', batch: 1, nodeId: 'filter', kind: 'route', output: 'match', at: T0, count: 2, keys: 'AQI', customerKey: null, data: null }

describeEngineStore('journal', (ctx) => {
  it('appends and totals the journal', async () => {
    const { engine } = ctx
    await engine.appendJournal([row, { ...row, output: 'no match', count: 1 }, { ...row, batch: 2, count: 3 }, { ...row, kind: 'detail', output: 'match', count: 1, keys: null, customerKey: 5, data: '{"reason":"x"}' }])
    expect(await engine.journalTotals('r1')).toEqual([
      { nodeId: 'filter', kind: 'route', output: 'match', count: 5 },
      { nodeId: 'filter', kind: 'route', output: 'no match', count: 1 },
    ])
    expect(await engine.lastBatch('r1')).toBe(2)
    const rows = await engine.readJournal('r1', { afterId: 0 })
    expect(rows).toHaveLength(4)
    expect(rows[3]).toMatchObject({ kind: 'detail', customerKey: 5, data: '{"reason":"x"}' })
    expect(await engine.readJournal('r1', { afterId: rows[2]?.id as number })).toHaveLength(1)
    // Only some kinds (the measure report reads group rows, not per-customer details).
    expect((await engine.readJournal('r1', { kinds: ['route'] })).map((r) => r.count)).toEqual([2, 1, 3])
    expect((await engine.readJournal('r1', { kinds: ['detail', 'held'], nodeId: 'filter' })).map((r) => r.customerKey)).toEqual([5])
    expect(await engine.readJournal('r1', { kinds: ['arrive'] })).toEqual([])
  })

  it('keeps the batch order in the ids across more rows than one multi-row statement holds, and pages by id', async () => {
    const { engine } = ctx
    const rows = Array.from({ length: 140 }, (_, i): JournalRow => ({ ...row, output: `out-${i}`, count: i }))
    await engine.appendJournal(rows)
    await engine.appendJournal([])
    const stored = await engine.readJournal('r1')
    expect(stored.map((r) => r.output)).toEqual(rows.map((r) => r.output))
    expect(stored.map((r) => r.id)).toEqual([...stored.map((r) => r.id)].sort((a, b) => a - b))
    const page = await engine.readJournal('r1', { afterId: stored[63]!.id, limit: 10 })
    expect(page.map((r) => r.count)).toEqual([64, 65, 66, 67, 68, 69, 70, 71, 72, 73])
    expect(await engine.readJournal('r1', { nodeId: 'other' })).toEqual([])
    expect(await engine.lastBatch('nowhere')).toBe(0)
    expect(await engine.journalTotals('nowhere')).toEqual([])
  })

  it('reads the park details of a node journalled at given times, either form, and nothing else', async () => {
    const { engine } = ctx
    const park = { ...row, nodeId: 'gate', kind: 'detail' as const, output: null }
    await engine.appendJournal([
      { ...park, count: 1, keys: null, customerKey: 5, data: '{"reason":"quiet-hours"}' },
      { ...park, at: T0 + 1, count: 1, keys: null, customerKey: 6, data: '{"reason":"cap:sms:week"}' },
      { ...park, at: T0 + 2, count: 1, keys: null, customerKey: 7, data: '{"reason":"later"}' },
      // A route's detail and another node's park detail at the same time are not park details of `gate`.
      { ...park, output: 'held', count: 1, keys: null, customerKey: 5, data: '{"reason":"suppressed"}' },
      { ...park, nodeId: 'wait', count: 1, keys: null, customerKey: 5, data: '{"reason":"other"}' },
    ])
    const rows = await engine.parkDetails('r1', 'gate', [T0 + 1, T0, T0])
    expect(rows.map((r) => [r.customerKey, r.at, r.data])).toEqual([[5, T0, '{"reason":"quiet-hours"}'], [6, T0 + 1, '{"reason":"cap:sms:week"}']])
    expect(await engine.parkDetails('r1', 'gate', [])).toEqual([])
    expect(await engine.parkDetails('r2', 'gate', [T0])).toEqual([])
  })
})
