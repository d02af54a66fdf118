/**
 * The pure halves of the counterfactual: comparing two run traces (per node and output, per
 * channel, changed customers with both paths, who is no longer or newly sent) and serving the
 * run's recorded answers (the same question → the recorded answer; profiles of customers the
 * node read, in another cohort → the recorded profiles; anything else → the copy). The store
 * half is in test/replay-counterfactual.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../executor/run-summary.ts'
import type { RunInputRow } from '../ports/engine-store.ts'
import type { NodeDataPort } from '../ports/node-data.ts'
import type { Customer } from '../ports/store.ts'
import type { CohortMember } from '../sdk/types.ts'
import { encodeBatchInputs } from './batch-inputs.ts'
import { compareRuns, pathText, type RunTrace } from './counterfactual.ts'
import { recordedAnswers } from './recorded-answers.ts'
import { recordingNodeData, type RecordedRead } from './recorded-inputs.ts'

function summary(nodes: RunSummary['nodes'], sends: RunSummary['sends'], held: RunSummary['held'] = {}): RunSummary {
  return { runId: 'r', flow: { id: 'f', version: 1 }, state: 'completed', nodes, sends, held, delivery: { sent: 0, pending: 0, dead: 0 }, positions: { active: 0, done: 0, error: 0, cancelled: 0 }, errors: [] }
}
const node = (entered: number, outputs: Record<string, number>) => ({ entered, outputs, parked: 0, failed: 0 })
const path = (...steps: string[]) => steps.map((s) => ({ nodeId: s.split(':')[0] as string, output: s.split(':')[1] as string }))

describe('compareRuns', () => {
  const original: RunTrace = {
    summary: summary({ in: node(3, { entered: 3 }), score: node(3, { pass: 2, fail: 1 }), send: node(2, { email: 2 }) }, { email: 2 }),
    paths: new Map([[1, path('in:entered', 'score:pass', 'send:email')], [2, path('in:entered', 'score:pass', 'send:email')], [3, path('in:entered', 'score:fail')]]),
    sends: new Map([[1, ['email' as const]], [2, ['email' as const]]]),
    held: new Map(),
  }
  const counterfactual: RunTrace = {
    summary: summary({ in: node(3, { entered: 3 }), score: node(3, { pass: 1, fail: 2 }), extra: node(1, { match: 1, 'no match': 0 }), send: node(1, { email: 0, sms: 1 }) }, { sms: 1 }, { email: 1 }),
    paths: new Map([[1, path('in:entered', 'score:pass', 'extra:match', 'send:sms')], [2, path('in:entered', 'score:fail')], [3, path('in:entered', 'score:fail')]]),
    sends: new Map([[1, ['sms' as const]]]),
    held: new Map([[3, ['email' as const]]]),
  }

  it('compares every node of either version per output, and the sends and holds per channel', () => {
    const report = compareRuns(original, counterfactual)
    expect(report.nodes.map((n) => [n.nodeId, n.in, n.delta])).toEqual([
      ['in', 'both', { entered: 0, outputs: { entered: 0 } }],
      ['score', 'both', { entered: 0, outputs: { pass: -1, fail: 1 } }],
      ['send', 'both', { entered: -1, outputs: { email: -2, sms: 1 } }],
      ['extra', 'counterfactual', { entered: 1, outputs: { match: 1, 'no match': 0 } }],
    ])
    expect(report.sends).toEqual([{ channel: 'email', original: 2, counterfactual: 0, delta: -2 }, { channel: 'sms', original: 0, counterfactual: 1, delta: 1 }])
    expect(report.held).toEqual([{ channel: 'email', original: 0, counterfactual: 1, delta: 1 }])
  })

  it('lists the customers whose path, sends or holdout holds changed, with both, and counts who is no longer sent', () => {
    const report = compareRuns(original, counterfactual)
    expect(report.changed.map((c) => [c.customerKey, pathText(c.original), pathText(c.counterfactual), c.originalSends, c.counterfactualSends])).toEqual([
      [1, 'in → entered, score → pass, send → email', 'in → entered, score → pass, extra → match, send → sms', ['email'], ['sms']],
      [2, 'in → entered, score → pass, send → email', 'in → entered, score → fail', ['email'], []],
      [3, 'in → entered, score → fail', 'in → entered, score → fail', [], []],
    ])
    // The same path, a send held back for the holdout only in the counterfactual: a change too.
    expect(report.changed[2]?.counterfactualHeld).toEqual(['email'])
    expect(report.customers).toEqual({ original: 3, counterfactual: 3, changed: 3, noLongerSent: 1, newlySent: 0 })
    expect(compareRuns(original, original).changed).toEqual([])
  })
})

describe('recordedAnswers', () => {
  const member = (key: number): CohortMember => ({ key, id: `c-${key}`, enteredAt: 0 })
  const profile = (key: number, plan: string): Customer => ({ id: `c-${key}`, key, attributes: { plan }, timeZone: 'UTC', addresses: {}, preferredChannel: null, tags: [], createdAt: 0, updatedAt: 0 })

  /** A port answering as the store did at the run: plan "then"; what the copy says now: plan "now". */
  function port(plan: string, asked: string[]): NodeDataPort {
    return {
      customers: async (members: readonly CohortMember[]) => (asked.push('customers'), members.map((m) => profile(m.key, plan))),
      matchSegment: async (members: readonly CohortMember[]) => (asked.push('matchSegment'), new Set(members.slice(0, 1).map((m) => m.key))),
    } as unknown as NodeDataPort
  }

  async function recordedRun(): Promise<RunInputRow[]> {
    const reads: RecordedRead[] = []
    const recording = recordingNodeData(port('then', []), 'gate', (read) => reads.push(read))
    await recording.customers([member(1), member(2), member(3)])
    await recording.matchSegment([member(1), member(2)], { type: 'attribute', name: 'plan', op: 'eq', value: 'then' }, { now: 5 })
    return [encodeBatchInputs({ runId: 'r', batch: 1, nodeId: 'gate', at: 5, flowVersion: 1, travellers: '[]', keys: [1, 2, 3], reads, settings: {}, positions: [] })]
  }

  it('answers the same question from the recording, profiles of customers read in another cohort too, and the rest from the copy', async () => {
    const rows = await recordedRun()
    const answers = await recordedAnswers({ readRunInputs: async (_runId, options = {}) => rows.filter((r) => r.batch > (options.afterBatch ?? 0)) }, 'r')
    if (!answers) throw new Error('a run with recorded inputs gave no answers')
    const asked: string[] = []
    const gate = answers('gate', port('now', asked))
    expect(await gate.matchSegment([member(1), member(2)], { type: 'attribute', name: 'plan', op: 'eq', value: 'then' }, { now: 5 })).toEqual(new Set([1]))
    expect((await gate.customers([member(3), member(1)])).map((c) => [c.id, c.attributes.plan])).toEqual([['c-3', 'then'], ['c-1', 'then']])
    expect(asked).toEqual([])
    // Another question (a later time), a customer the node never read, a node that read nothing: the copy.
    await gate.matchSegment([member(1), member(2)], { type: 'attribute', name: 'plan', op: 'eq', value: 'then' }, { now: 6 })
    expect((await gate.customers([member(1), member(4)])).map((c) => c.attributes.plan)).toEqual(['now', 'now'])
    expect((await answers('other', port('now', asked)).customers([member(1)])).map((c) => c.attributes.plan)).toEqual(['now'])
    expect(asked).toEqual(['matchSegment', 'customers', 'customers'])
  })

  it('is undefined for a run that recorded nothing', async () => {
    expect(await recordedAnswers({ readRunInputs: async () => [] }, 'r')).toBeUndefined()
  })
})
