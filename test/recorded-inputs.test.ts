import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../store/open-store.ts'
import { createTempFolder } from './support/sqlite.ts'
import { nodeDataFromStore } from '../engine/sdk/store-node-data.ts'
import type { CohortMember } from '../engine/sdk/types.ts'
import { recordingNodeData, replayingNodeData, UnrecordedReadError, type RecordedRead } from '../engine/replay/recorded-inputs.ts'

const T0 = 1_767_225_600_000

describe('recorded inputs', () => {
  const folder = createTempFolder('sluice-recorded-inputs-')
  afterAll(() => folder.remove())


  it('a replay answers what the run read, not the store as it is now; an unasked question names the node', async () => {
    const store = await openStore({ db: folder.db(), now: () => T0 })
    try {
      await store.upsertCustomers([{ id: 'c-1', attributes: { tier: 'gold' } }, { id: 'c-2', attributes: { tier: 'silver' } }])
      const members: CohortMember[] = (await store.getCustomers(['c-1', 'c-2'])).map((c) => ({ key: c.key, id: c.id, enteredAt: T0 }))
      const reads: RecordedRead[] = []
      const live = recordingNodeData(nodeDataFromStore(store), 'split-1', (read) => reads.push(read))
      const seen = await live.customers(members)
      expect(seen.map((c) => c.attributes['tier'])).toEqual(['gold', 'silver'])
      expect(reads).toHaveLength(1)
      expect(reads[0]).toMatchObject({ nodeId: 'split-1', method: 'customers' })

      // The customer changes after the run: the replay still sees what the node saw.
      await store.upsertCustomers([{ id: 'c-1', attributes: { tier: 'bronze' } }])
      const replayed = await replayingNodeData(reads, 'split-1').customers(members)
      expect(replayed.map((c) => c.attributes['tier'])).toEqual(['gold', 'silver'])
      expect((await store.getCustomers(['c-1']))[0]?.attributes['tier']).toBe('bronze')

      // Another cohort, another method or another node was never asked.
      await expect(replayingNodeData(reads, 'split-1').customers(members.slice(0, 1))).rejects.toThrow(UnrecordedReadError)
      await expect(replayingNodeData(reads, 'split-1').events(members)).rejects.toThrow(/node split-1: ctx\.data\.events was not asked/)
      await expect(replayingNodeData(reads, 'other').customers(members)).rejects.toThrow(/node other: ctx\.data\.customers/)

      // A read that failed in the run fails the same way in the replay (not as an unrecorded question).
      const failing = recordingNodeData({ ...nodeDataFromStore(store), events: async () => { throw new Error('store unavailable: connection reset') } }, 'split-1', (read) => reads.push(read))
      await expect(failing.events(members, { type: 'purchase' })).rejects.toThrow('store unavailable: connection reset')
      const replayedFailure = replayingNodeData(reads, 'split-1').events(members, { type: 'purchase' })
      await expect(replayedFailure).rejects.toThrow('store unavailable: connection reset')
      await expect(replayedFailure).rejects.not.toThrow(UnrecordedReadError)
    } finally {
      await store.close()
    }
  })
})
