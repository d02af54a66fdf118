import { describe, expect, it } from 'vitest'
import type { NodeDataPort } from '../ports/node-data.ts'
import { createNodeContext } from './context.ts'
import type { LogEntry } from './types.ts'

const data: NodeDataPort = {
  customers: async () => [],
  events: async () => [],
  matchSegment: async () => new Set(),
  rfm: async () => ({ population: 0, scores: [] }),
  channelFacts: async () => ({ customers: new Map(), pooled: {}, used: {} }),
  contactPolicy: async () => ({ contacts: [], suppressed: [], consents: [], capacityUsed: 0, competitors: [], higherPriorityDemand: 0 }),
  passedAt: async () => new Map(),
}

function context(overrides: { seed?: string; nodeId?: string; onLog?: (e: LogEntry) => void; now?: () => number } = {}) {
  return createNodeContext({
    clock: { now: overrides.now ?? (() => 1_700_000_000_000) },
    seed: overrides.seed ?? 'seed-1',
    runId: 'run-1',
    flow: { id: 'welcome', version: 3 },
    node: { id: overrides.nodeId ?? 'split-1', type: 'ab-split', version: 2 },
    data,
    ...(overrides.onLog ? { onLog: overrides.onLog } : {}),
  })
}

describe('createNodeContext', () => {
  it('reads time from the injected clock', () => {
    let now = 10
    const ctx = context({ now: () => now })
    expect(ctx.now()).toBe(10)
    now = 20
    expect(ctx.now()).toBe(20)
  })

  it('draws the same number for a customer whatever context (batch) it is drawn in, and by member or id alike', () => {
    const first = context()
    const second = context()
    const member = { key: 1, id: 'c-1', enteredAt: 0 }
    expect(first.random(member)).toBe(second.random('c-1'))
    expect(first.random(member, 'salt')).not.toBe(first.random(member))
    expect(context({ nodeId: 'split-2' }).random(member)).not.toBe(first.random(member))
    expect(context({ seed: 'seed-2' }).random(member)).not.toBe(first.random(member))
  })

  it('sends structured log entries, stamped with ctx time and node id, to onLog', () => {
    const entries: LogEntry[] = []
    const ctx = context({ onLog: (e) => entries.push(e) })
    ctx.log.info('split cohort', { A: 3 })
    ctx.log.warn('odd')
    expect(entries).toEqual([
      { level: 'info', message: 'split cohort', data: { A: 3 }, at: 1_700_000_000_000, nodeId: 'split-1' },
      { level: 'warn', message: 'odd', at: 1_700_000_000_000, nodeId: 'split-1' },
    ])
  })

  it('exposes flow, node and run identity read-only', () => {
    const ctx = context()
    expect(ctx.flow).toEqual({ id: 'welcome', version: 3, priority: 0 })
    expect(ctx.node).toEqual({ id: 'split-1', type: 'ab-split', version: 2 })
    expect(ctx.runId).toBe('run-1')
    expect(Object.isFrozen(ctx.node)).toBe(true)
  })
})
