/**
 * The engine store across its concerns: engine rows and customer-store rows commit together,
 * and erasing a customer removes every trace of them from every table. Each concern's own
 * contract sits beside it (store/runs, store/triggers, store/entries, store/positions,
 * store/journal, store/outbox); all run on SQLite and Postgres (required: when it cannot be
 * reached every Postgres test fails saying so).
 */
import { expect, it } from 'vitest'
import { encodeDetails, decodeDetails } from '../engine/journal/detail-codec.ts'
import { packKeys, unpackKeys } from '../engine/journal/packed-keys.ts'
import { encodeBatchInputs } from '../engine/replay/batch-inputs.ts'
import { describeEngineStore, HOUR, intent, position, run, T0 } from './support/engine-store-dialects.ts'
import { findInTables, rowsNamingKey } from './support/table-scan.ts'

describeEngineStore('engine store', (ctx) => {
  it('commits engine rows and customer-store rows together, or neither', async () => {
    await expect(
      ctx.engine.transaction(async (tx) => {
        await tx.writePositions([position('r1', ctx.key('c-1'))])
        await tx.customers.setTags([{ customerId: 'c-1', tag: { name: 'seen', layer: 'fact', value: true, at: T0 } }])
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await ctx.engine.getPositions('r1', [ctx.key('c-1')])).toEqual([])
    expect((await ctx.store.getCustomers(['c-1']))[0]?.tags).toEqual([])

    await ctx.engine.transaction(async (tx) => {
      await tx.writePositions([position('r1', ctx.key('c-1'))])
      await tx.customers.setTags([{ customerId: 'c-1', tag: { name: 'seen', layer: 'fact', value: true, at: T0 } }])
    })
    expect(await ctx.engine.getPositions('r1', [ctx.key('c-1')])).toHaveLength(1)
    expect((await ctx.store.getCustomers(['c-1']))[0]?.tags.map((t) => t.name)).toEqual(['seen'])
  })

  it('erases a customer: no trace of their data or key in any table, others untouched, the id suppressed', async () => {
    const ana = { id: 'erase-me-7f3', email: 'ana.quintero@example.org', phone: '+34600111222', name: 'Ana Quintero-Marlowe', note: 'prefers calls after 7pm' }
    await ctx.store.upsertCustomers([
      { id: ana.id, attributes: { full_name: ana.name, note: ana.note, plan: 'gold' }, addresses: { email: ana.email, phone: ana.phone, push: 'shared-token-1' }, tags: [{ name: 'churn_risk', layer: 'predictive', value: 0.81, at: T0 }] },
      { id: 'keeper', attributes: { full_name: 'Bo Keeper', plan: 'gold' }, addresses: { email: 'bo@example.org', push: 'shared-token-1' } },
    ])
    const [anaRow, boRow] = await ctx.store.getCustomers([ana.id, 'keeper'])
    const a = anaRow!.key
    const b = boRow!.key
    await ctx.store.insertEvents([{ id: 'ev-bo-1', customerId: 'keeper', type: 'purchase', at: T0 }, { id: 'ev-ana-1', customerId: ana.id, type: 'purchase', at: T0, properties: { card_holder: ana.name } }])
    const [boEvent, anaEvent] = await ctx.engine.eventsAfter(['purchase'], null, T0, 10)
    await ctx.store.setConsents([{ customerId: ana.id, channel: 'email', status: 'granted', at: T0 }])
    await ctx.store.recordContacts([{ customerId: ana.id, flowId: 'welcome', runId: 'r1', nodeId: 'send', channel: 'email', at: T0 }])
    await ctx.store.addSuppressions([
      { scope: 'email', value: ana.email, reason: 'unsubscribed', at: T0 },
      { scope: 'push', value: 'shared-token-1', reason: 'complaint', at: T0 },
    ])
    await ctx.store.createList({ name: 'vip' })
    await ctx.store.appendListMembers('vip', [ana.id, 'keeper'])
    await ctx.engine.insertRun(run('r1'))
    // The run has handled every event so far: her purchase, the newest, is its cursor.
    await ctx.engine.setTriggerState({ runId: 'r1', eventCursor: { at: T0, key: anaEvent!.key }, lastFireAt: null, audienceFireAt: T0, audienceAfterKey: a, audienceDone: false })
    await ctx.engine.recordEntries('welcome', [{ customerKey: a, at: T0 }, { customerKey: b, at: T0 }])
    await ctx.engine.writePositions([position('r1', a), position('r1', b)])
    const detail = (customer: string) => ({ reason: `score for ${customer}`, values: { name: customer } })
    await ctx.engine.appendJournal([
      { runId: 'r1', batch: 1, nodeId: 'start', kind: 'arrive', output: null, at: T0, count: 2, keys: packKeys([a, b]), customerKey: null, data: null },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'detail', output: 'pass', at: T0, count: 2, keys: packKeys([a, b]), customerKey: null, data: encodeDetails([a, b].sort((x, y) => x - y).map((k) => detail(k === a ? ana.name : 'Bo Keeper'))) },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'route', output: 'pass', at: T0, count: 1, keys: packKeys([a]), customerKey: null, data: null },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'detail', output: 'fail', at: T0, count: 1, keys: null, customerKey: a, data: JSON.stringify(detail(ana.name)) },
      { runId: 'r1', batch: 1, nodeId: 'score', kind: 'note', output: null, at: T0, count: 0, keys: null, customerKey: a, data: JSON.stringify({ message: `looked up ${ana.email}` }) },
    ])
    // Recorded inputs: a batch of both (its profile read holds her e-mail, deflated) and one of Bo alone.
    const recorded = (batch: number, keys: number[]) => encodeBatchInputs({
      runId: 'r1', batch, nodeId: 'start', at: T0, flowVersion: 1, travellers: '[]', keys, settings: {}, positions: [],
      reads: [{ nodeId: 'score', method: 'customers', args: JSON.stringify([keys]), answer: JSON.stringify(keys.map((k) => ({ key: k, addresses: { email: k === a ? ana.email : 'bo@example.org' } }))) }],
    })
    await ctx.engine.appendRunInputs([recorded(1, [a, b]), recorded(2, [b])])
    await ctx.engine.enqueueOutbox([
      intent('r1:send:a:1', a, { message: JSON.stringify({ to: ana.email, body: `Hello ${ana.name}` }) }),
      intent('r1:send:b:1', b, { message: JSON.stringify({ to: 'bo@example.org', body: 'Hello Bo' }) }),
    ])

    // The scan sees her data where it is (JSONB attributes and properties included) before erasure.
    const before = new Set((await findInTables(ctx.store, [ana.email, ana.phone, ana.name, ana.note])).map((hit) => hit.split(/[.:]/)[0]))
    expect([...before].sort()).toEqual(['customer_addresses', 'customers', 'events', 'journal', 'outbox', 'suppressions'])
    expect(await rowsNamingKey(ctx.store, a)).not.toEqual([])

    const report = await ctx.engine.eraseCustomer(ana.id, { at: T0 + HOUR, reason: 'erased on request' })
    expect(report).toEqual({
      customerId: ana.id,
      rows: {
        journal: 5, positions: 1, run_inputs: 1, entries: 1, suppressions: 1, outbox: 1, contacts: 1, consents: 1, events: 1, customer_tags: 1, customer_addresses: 3, static_list_members: 1, customers: 1,
      },
    })
    // The id is the one thing kept, on the suppression list; nothing else of hers is anywhere.
    expect(await findInTables(ctx.store, [ana.email, ana.phone, ana.name, ana.note, 'ana.quintero'])).toEqual([])
    expect((await findInTables(ctx.store, [ana.id])).map((hit) => hit.split(':')[0])).toEqual([ctx.store.dialect === 'sqlite' ? 'suppressions.value' : 'suppressions'])
    expect(await rowsNamingKey(ctx.store, a)).toEqual([])
    expect(await ctx.store.suppressedCustomers([ana.id, 'keeper'])).toEqual(new Set([ana.id, 'keeper']))

    // The other customer keeps everything, the shared push token stays suppressed for them.
    const journal = await ctx.engine.readJournal('r1')
    expect(journal.map((r) => [r.kind, r.count, r.keys === null ? null : unpackKeys(r.keys)])).toEqual([['arrive', 1, [b]], ['detail', 1, [b]]])
    expect(decodeDetails(journal[1]!.data!)).toEqual([detail('Bo Keeper')])
    expect((await ctx.engine.customerOutbox(b, 10)).map((o) => o.key)).toEqual(['r1:send:b:1'])
    expect((await ctx.engine.readRunInputs('r1')).map((r) => r.batch)).toEqual([2])
    expect((await ctx.engine.getEntries('welcome', [b])).get(b)?.count).toBe(1)
    expect((await ctx.store.listLists())[0]?.members).toBe(1)
    expect((await ctx.store.getCustomers(['keeper']))[0]?.attributes).toEqual({ full_name: 'Bo Keeper', plan: 'gold' })

    // A customer created later, whatever key the store gives them, inherits nothing; an event at
    // the cursor's instant is not skipped, though SQLite may give it the erased event's key.
    await ctx.store.upsertCustomers([{ id: 'newcomer' }])
    const newcomer = (await ctx.store.getCustomers(['newcomer']))[0]!.key
    expect(await ctx.engine.customerPositions(newcomer)).toEqual([])
    expect(await ctx.engine.customerOutbox(newcomer, 10)).toEqual([])
    const cursor = (await ctx.engine.getTriggerState('r1')).eventCursor!
    expect(cursor).toEqual({ at: T0, key: boEvent!.key })
    await ctx.store.insertEvents([{ id: 'ev-new-1', customerId: 'newcomer', type: 'purchase', at: T0 }])
    expect((await ctx.engine.eventsAfter(['purchase'], cursor, T0, 10)).map((e) => e.id)).toEqual(['ev-new-1'])
    expect((await ctx.engine.getTriggerState('r1')).audienceAfterKey).toBeLessThan(newcomer)
    expect(await ctx.engine.eraseCustomer('nobody', { at: T0, reason: 'x' })).toBeNull()
  })
})
