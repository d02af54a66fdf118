import { afterEach, describe, expect, it } from 'vitest'
import type { StorePort } from '../engine/ports/store.ts'
import { openStore } from '../store/open-store.ts'
import { createNodeDataMemo, nodeDataFromStore } from '../engine/sdk/store-node-data.ts'

const DAY = 86_400_000
const now = Date.UTC(2025, 0, 1)
const query = { event: 'purchase', amountProperty: 'amount', from: now - 30 * DAY, now }

describe('nodeDataFromStore', () => {
  let store: StorePort | undefined
  afterEach(async () => store?.close())

  async function storeWithBuyers(): Promise<{ store: StorePort; members: { key: number; id: string; enteredAt: number }[]; rankings: () => number }> {
    const opened = await openStore({ db: ':memory:', now: () => now })
    store = opened
    await opened.upsertCustomers(['a', 'b', 'c', 'd'].map((id) => ({ id })))
    await opened.insertEvents(['a', 'b', 'c'].map((id, i) => ({ id: `p-${id}`, customerId: id, type: 'purchase', at: now - (i + 1) * DAY, properties: { amount: 10 * (i + 1) } })))
    const members = (await opened.getCustomers(['a', 'b', 'c', 'd'])).map((c) => ({ key: c.key, id: c.id, enteredAt: now }))
    let rankings = 0
    const rank = opened.rfmPopulation.bind(opened)
    opened.rfmPopulation = (q) => {
      rankings++
      return rank(q)
    }
    return { store: opened, members, rankings: () => rankings }
  }

  it('with a memo, ranks the RFM population once for every batch asking the same question', async () => {
    const { store: opened, members, rankings } = await storeWithBuyers()
    const data = nodeDataFromStore(opened, undefined, createNodeDataMemo())
    const first = await data.rfm(members.slice(0, 2), query)
    const second = await data.rfm(members.slice(2), query)
    expect(rankings()).toBe(1)
    expect(first.scores.map((s) => s.r)).toEqual([4, 2])
    expect(second).toEqual({ population: 3, scores: [{ key: members[2]?.key, recencyDays: 3, frequency: 1, monetary: 30, r: 1, f: 1, m: 4 }] })
    await data.rfm(members, { ...query, now: now + 1 })
    expect(rankings()).toBe(2)
  })

  it('without a memo, ranks the population at every call', async () => {
    const { store: opened, members, rankings } = await storeWithBuyers()
    const data = nodeDataFromStore(opened)
    await data.rfm(members, query)
    await data.rfm(members, query)
    expect(rankings()).toBe(0)
  })
})
