import { describe, expect, it } from 'vitest'
import type { NextStep } from '../compiler/journey-machine.ts'
import { readDetails } from '../journal/batch-journal.ts'
import { unpackKeys } from '../journal/packed-keys.ts'
import type { JournalRow, PositionRow } from '../ports/engine-store.ts'
import { exitsOf } from '../sdk/check-result.ts'
import type { CohortMember, NodeResult } from '../sdk/types.ts'
import { planDeferral, planNodeFailure, planNodeResult, type StepAt } from './plan-step.ts'
import { memberOfPosition, type Traveller } from './traveller.ts'

const NOW = 1_700_000_000_000
const HOUR = 3_600_000

function position(key: number, overrides: Partial<PositionRow> = {}): PositionRow {
  return {
    runId: 'run-1', customerKey: key, nodeId: 'send', state: 'active', dueAt: NOW - HOUR, phase: 'arrive', wakeType: null, wakeWhere: null,
    attempt: 0, seq: 3, holdout: false, enteredAt: NOW - 2 * HOUR, arrivedAt: NOW - HOUR, triggerEventKey: null, lastOutput: null, error: null,
    updatedAt: NOW - HOUR, ...overrides,
  }
}

/** A traveller deep-frozen: the planner must build new objects, never change what it was given. */
function traveller(key: number, overrides: Partial<PositionRow> = {}, extra: Partial<CohortMember> = {}): Traveller {
  const p = position(key, overrides)
  return deepFreeze({ member: { ...memberOfPosition({ ...p, customerId: `c-${key}` }), ...extra }, position: p })
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

const at = (nodeId = 'send', now = NOW): StepAt => ({ runId: 'run-1', flowId: 'flow-1', batch: 7, nodeId, now })

/** A node whose outputs `sent` → `wait` and `skip` → end. */
const routing = (output: string): NextStep => (output === 'sent' ? { kind: 'node', nodeId: 'wait' } : { kind: 'end' })

function plan(travellers: readonly Traveller[], result: NodeResult, options: { nodeId?: string; now?: number; next?: (output: string) => NextStep } = {}) {
  return planNodeResult(at(options.nodeId, options.now), { travellers, result, exits: exitsOf(result), next: options.next ?? routing })
}

function groups(rows: readonly JournalRow[]): { kind: string; output: string | null; keys: number[] }[] {
  return rows.filter((r) => r.keys !== null && r.kind !== 'detail').map((r) => ({ kind: r.kind, output: r.output, keys: unpackKeys(r.keys as string) }))
}

describe('planNodeResult', () => {
  it('parks: the customer stays at the node, due at the park time (never before the next instant), waiting for its event', () => {
    const [a, b] = [traveller(1), traveller(2)]
    const step = plan([a, b], {
      park: [
        { customer: a.member, until: NOW + 4 * HOUR, wakeOn: { type: 'purchase', where: { cart: 'c-1' } }, reason: 'waiting for the purchase' },
        { customer: b.member, until: NOW - 1 },
      ],
    })
    expect(step.onward.size).toBe(0)
    expect(step.positions).toEqual([
      { ...a.position, state: 'active', dueAt: NOW + 4 * HOUR, phase: 'parked', wakeType: 'purchase', wakeWhere: '{"cart":"c-1"}', updatedAt: NOW },
      { ...b.position, dueAt: NOW + 1, phase: 'parked', updatedAt: NOW },
    ])
    expect(groups(step.journal)).toEqual([
      { kind: 'arrive', output: null, keys: [1, 2] },
      { kind: 'park', output: null, keys: [1, 2] },
    ])
    expect(readDetails(step.journal).map((d) => [d.customerKey, d.detail])).toEqual([[1, { reason: 'waiting for the purchase' }]])
    expect(step.journal.every((r) => r.batch === 7 && r.at === NOW && r.runId === 'run-1')).toBe(true)
  })

  it('routes to the end: the journey is done on that output', () => {
    const t = traveller(1, { phase: 'parked', wakeType: 'purchase', wakeWhere: '{}', attempt: 1 })
    const step = plan([t], { routes: { skip: [{ customer: t.member, reason: 'no channel' }] } })
    expect(step.positions).toEqual([{ ...t.position, state: 'done', dueAt: null, phase: 'arrive', wakeType: null, wakeWhere: null, attempt: 0, lastOutput: 'skip', updatedAt: NOW }])
    expect(step.onward.size).toBe(0)
    // A woken customer is no new arrival.
    expect(groups(step.journal)).toEqual([{ kind: 'route', output: 'skip', keys: [1] }])
  })

  it('routes on now: a new position and member at the next node, arriving when it was due here, its visit counted', () => {
    const trigger = { id: 'e-1', type: 'cart_add', at: NOW - 2 * HOUR, properties: {} }
    const t = traveller(1, { phase: 'parked', holdout: true }, { trigger })
    const step = plan([t], { routes: { sent: [t.member] } })
    expect(step.positions).toEqual([])
    const onward = step.onward.get('wait') as Traveller[]
    expect(onward).toHaveLength(1)
    const [next] = onward as [Traveller]
    expect(next.position).toEqual({ ...t.position, nodeId: 'wait', phase: 'arrive', seq: 4, arrivedAt: NOW - HOUR, dueAt: NOW - HOUR, updatedAt: NOW })
    // The wake reason stays behind; holdout and trigger travel on.
    expect(next.member).toEqual({ key: 1, id: 'c-1', enteredAt: NOW - HOUR, flowEnteredAt: NOW - 2 * HOUR, holdout: true, trigger })
    expect(t.member.wake).toBe('due')
  })

  it('routes on later (`at`): the customer waits at the next node, due and arrived then, and does not travel on in this batch', () => {
    const [a, b] = [traveller(1), traveller(2)]
    const step = plan([a, b], { routes: { sent: [{ customer: a.member, at: NOW + 3 * HOUR }, { customer: b.member, at: NOW - 5 }] } })
    expect(step.positions).toEqual([{ ...a.position, nodeId: 'wait', seq: 4, arrivedAt: NOW + 3 * HOUR, dueAt: NOW + 3 * HOUR, updatedAt: NOW }])
    // A time already past is no later: the customer goes on now.
    expect(step.onward.get('wait')?.map((t) => t.member.key)).toEqual([2])
  })

  it('holds a holdout customer’s send (journalled per channel, no outbox row) and keys the others by run, node, customer and visit', () => {
    const [a, b, c] = [traveller(1, { holdout: true }), traveller(2, { seq: 9 }), traveller(3, { holdout: true })]
    const step = plan([a, b, c], {
      routes: { sent: [a.member, b.member, c.member] },
      sends: [
        { customer: a.member, channel: 'email', message: { subject: 'Hi' } },
        { customer: b.member, channel: 'email', message: { subject: 'Hi' }, offer: 'spring' },
        { customer: b.member, channel: 'sms', message: { body: 'Hi' } },
        { customer: c.member, channel: 'sms', message: { body: 'Hi' } },
      ],
    })
    expect(step.outbox).toEqual([
      { key: 'run-1:send:2:v9', runId: 'run-1', flowId: 'flow-1', nodeId: 'send', customerKey: 2, channel: 'email', message: '{"subject":"Hi"}', offer: 'spring', createdAt: NOW, nextAttemptAt: NOW },
      { key: 'run-1:send:2:v9.2', runId: 'run-1', flowId: 'flow-1', nodeId: 'send', customerKey: 2, channel: 'sms', message: '{"body":"Hi"}', offer: null, createdAt: NOW, nextAttemptAt: NOW },
    ])
    const held = step.journal.filter((r) => r.kind === 'held')
    expect(held.map((r) => [r.output, unpackKeys(r.keys as string), JSON.parse(r.data as string)])).toEqual([
      ['email', [1], { reason: 'holdout' }],
      ['sms', [3], { reason: 'holdout' }],
    ])
    // Held customers still travel on, like everyone.
    expect(step.onward.get('wait')?.map((t) => t.member.key)).toEqual([1, 2, 3])
  })

  it('keys a send by the visit the customer arrived with, whatever it does next and however the cohort is split', () => {
    const send = (t: Traveller, output: 'sent' | 'skip' | 'park'): NodeResult => ({
      ...(output === 'park' ? { park: [{ customer: t.member, until: NOW + HOUR }] } : { routes: { [output]: [t.member] } }),
      sends: [{ customer: t.member, channel: 'email', message: {} }],
    })
    const keysOf = (output: 'sent' | 'skip' | 'park') => plan([traveller(1)], send(traveller(1), output)).outbox.map((o) => o.key)
    // Before, a customer routed on was keyed with seq after routing had bumped it (v4), one parked or finished with v3.
    expect([keysOf('sent'), keysOf('skip'), keysOf('park')]).toEqual([['run-1:send:1:v3'], ['run-1:send:1:v3'], ['run-1:send:1:v3']])

    const cohort = [1, 2, 3, 4, 5].map((key) => traveller(key, { seq: key }))
    const result = (members: readonly Traveller[]): NodeResult => ({ routes: { sent: members.map((t) => t.member) }, sends: members.map((t) => ({ customer: t.member, channel: 'sms', message: {} })) })
    const together = plan(cohort, result(cohort)).outbox.map((o) => o.key)
    const alone = cohort.flatMap((t) => plan([t], result([t])).outbox.map((o) => o.key))
    expect(together).toEqual(alone)
    expect(together).toEqual(['run-1:send:1:v1', 'run-1:send:2:v2', 'run-1:send:3:v3', 'run-1:send:4:v4', 'run-1:send:5:v5'])
  })

  it('gives each lap of a loop its own key: send → wait → send again is a new visit', () => {
    // send -sent-> wait -done-> send
    const next = (from: string) => (output: string): NextStep => (from === 'send' && output === 'sent' ? { kind: 'node', nodeId: 'wait' } : { kind: 'node', nodeId: 'send' })
    const keys: string[] = []
    let t = traveller(1, { seq: 1 })
    for (let lap = 0; lap < 3; lap++) {
      const sent = plan([t], { routes: { sent: [t.member] }, sends: [{ customer: t.member, channel: 'email', message: {} }] }, { next: next('send') })
      keys.push(...sent.outbox.map((o) => o.key))
      const atWait = (sent.onward.get('wait') as Traveller[])[0] as Traveller
      const waited = plan([atWait], { routes: { done: [atWait.member] } }, { nodeId: 'wait', next: next('wait') })
      t = (waited.onward.get('send') as Traveller[])[0] as Traveller
    }
    expect(keys).toEqual(['run-1:send:1:v1', 'run-1:send:1:v3', 'run-1:send:1:v5'])
    expect(new Set(keys).size).toBe(3)
  })

  it('keys a send on a run after a wake apart from one the same visit made when it parked', () => {
    const arriving = traveller(1)
    const parkedFirst = plan([arriving], { park: [{ customer: arriving.member, until: NOW + HOUR }], sends: [{ customer: arriving.member, channel: 'email', message: {} }] })
    const woken = deepFreeze({ member: memberOfPosition({ ...(parkedFirst.positions[0] as PositionRow), customerId: 'c-1' }), position: parkedFirst.positions[0] as PositionRow })
    const later = plan([woken], { routes: { skip: [woken.member] }, sends: [{ customer: woken.member, channel: 'email', message: {} }] }, { now: NOW + HOUR })
    expect([...parkedFirst.outbox, ...later.outbox].map((o) => o.key)).toEqual(['run-1:send:1:v3', `run-1:send:1:v3@${NOW + HOUR}`])
  })

  it('stamps tags with the time and the node, journals notes (with their customer) and the node’s log lines, and ignores strangers', () => {
    const t = traveller(1)
    const stranger = { key: 99, id: 'c-99', enteredAt: NOW }
    const step = planNodeResult(at(), {
      travellers: [t],
      result: {
        routes: { skip: [t.member] },
        tags: [{ customer: t.member, name: 'rfm_cell', layer: 'model', value: '5-5' }, { customer: stranger, name: 'x', layer: 'model', value: 1 }],
        notes: [{ message: 'scored', customer: t.member }],
        sends: [{ customer: stranger, channel: 'email', message: {} }],
      },
      exits: exitsOf({ routes: { skip: [t.member] } }),
      logs: [{ level: 'info', message: 'ranked 1', at: NOW, nodeId: 'send', data: { n: 1 } }],
      next: routing,
    })
    expect(step.tags).toEqual([{ customerId: 'c-1', tag: { name: 'rfm_cell', layer: 'model', value: '5-5', at: NOW, source: 'flow:flow-1/send' } }])
    expect(step.outbox).toEqual([])
    const notes = step.journal.filter((r) => r.kind === 'note').map((r) => ({ customerKey: r.customerKey, ...JSON.parse(r.data as string) }))
    expect(notes).toEqual([
      { customerKey: null, message: 'ranked 1', level: 'info', data: { n: 1 } },
      { customerKey: null, message: 'send for a customer not in the cohort was ignored: c-99', level: 'warn' },
      { customerKey: 1, message: 'scored', level: 'info' },
    ])
  })
})

describe('planNodeFailure', () => {
  it('retries with a doubling backoff until the attempts are spent, then fails naming the error', () => {
    const [fresh, second] = [traveller(1), traveller(2, { attempt: 1 })]
    const step = planNodeFailure(at(), { travellers: [fresh, second], message: 'node "send" failed: boom', retry: { nodeAttempts: 2, nodeRetryMs: 1_000 } })
    expect(step.positions).toEqual([
      { ...fresh.position, attempt: 1, error: 'node "send" failed: boom', dueAt: NOW + 1_000, updatedAt: NOW },
      { ...second.position, state: 'error', attempt: 2, error: 'node "send" failed: boom', dueAt: null, updatedAt: NOW },
    ])
    expect(groups(step.journal)).toEqual([
      { kind: 'arrive', output: null, keys: [1] },
      { kind: 'error', output: 'retry', keys: [1] },
      { kind: 'error', output: 'failed', keys: [2] },
    ])
    expect(step.outbox).toEqual([])
  })
})

describe('planDeferral', () => {
  it('leaves customers due now at the node for the next tick, and fails those the loop guard caught', () => {
    const [a, b] = [traveller(1, { dueAt: null }), traveller(2)]
    const step = planDeferral(at('wait'), { travellers: [a, b], looped: { keys: new Set([2]), message: 'loop send → wait' } })
    expect(step.positions).toEqual([
      { ...a.position, dueAt: NOW, updatedAt: NOW },
      { ...b.position, nodeId: 'wait', state: 'error', dueAt: null, error: 'loop send → wait', updatedAt: NOW },
    ])
    expect(groups(step.journal)).toEqual([{ kind: 'error', output: 'failed', keys: [2] }])
    expect(planDeferral(at('wait'), { travellers: [a] }).journal).toEqual([])
  })
})
