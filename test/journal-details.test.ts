import { afterEach, describe, expect, it } from 'vitest'
import { BatchJournal, readDetails } from '../engine/journal/batch-journal.ts'
import { customerTrail } from '../engine/journal/customer-trail.ts'
import { decodeDetails } from '../engine/journal/detail-codec.ts'
import { unpackKeys } from '../engine/journal/packed-keys.ts'
import type { StorePort } from '../engine/ports/store.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import { openStore } from '../store/open-store.ts'

describe('journal details', () => {
  let store: StorePort | undefined
  afterEach(async () => store?.close())

  it('packs the details of a (node, output) group into one row next to its route, one-customer groups in the single form', async () => {
    const journal = new BatchJournal('run-1', 7, 1_000)
    journal.group('score', 'route', 'pass', [30, 10, 20])
    journal.detail('score', 'pass', 30, { reason: 'score 9', values: { score: 9 } })
    journal.detail('score', 'pass', 10, { reason: 'score 7', values: { score: 7 } })
    journal.detail('score', 'pass', 20, { reason: 'score 8' })
    journal.detail('score', 'pass', 40, {})
    journal.group('score', 'route', 'fail', [50])
    journal.detail('score', 'fail', 50, { reason: 'score 3' })
    journal.group('send', 'arrive', null, [10, 20, 30])
    const rows = journal.rows()
    expect(rows.map((r) => [r.nodeId, r.kind, r.output, r.count])).toEqual([
      ['score', 'route', 'pass', 3],
      ['score', 'detail', 'pass', 3],
      ['score', 'route', 'fail', 1],
      ['score', 'detail', 'fail', 1],
      ['send', 'arrive', null, 3],
    ])
    expect(unpackKeys(rows[1]?.keys as string)).toEqual([10, 20, 30])
    expect(decodeDetails(rows[1]?.data as string)).toEqual([{ reason: 'score 7', values: { score: 7 } }, { reason: 'score 8' }, { reason: 'score 9', values: { score: 9 } }])
    expect(rows[3]).toMatchObject({ customerKey: 50, keys: null, data: '{"reason":"score 3"}' })
    expect(readDetails(rows).map((d) => [d.customerKey, d.output, d.detail.reason])).toEqual([
      [10, 'pass', 'score 7'],
      [20, 'pass', 'score 8'],
      [30, 'pass', 'score 9'],
      [50, 'fail', 'score 3'],
    ])

    const opened = await openStore({ db: ':memory:' })
    store = opened
    const engineStore = openEngineStore(opened)
    await engineStore.appendJournal(rows)
    const trail = await customerTrail(engineStore, 'run-1', 20)
    expect(trail).toEqual([
      { batch: 7, at: 1_000, nodeId: 'score', kind: 'route', output: 'pass' },
      { batch: 7, at: 1_000, nodeId: 'score', kind: 'detail', output: 'pass', data: { reason: 'score 8' } },
      { batch: 7, at: 1_000, nodeId: 'send', kind: 'arrive', output: null },
    ])
    expect((await customerTrail(engineStore, 'run-1', 50)).map((s) => s.data)).toEqual([undefined, { reason: 'score 3' }])
  })
})
