import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { flowSchema, type Flow } from '../flow/schema.ts'
import { defineNode } from '../sdk/define-node.ts'
import { measuredGoals, measuresAGoal, policyGates, triggerNodeIds, writtenTags } from './node-facts.ts'
import { NodeRegistry } from './registry.ts'

const start = defineNode({
  type: 'start', version: 1, title: 'Start', category: 'trigger', icon: 'bolt', description: 'Lets everyone in.',
  config: z.object({}), outputs: ['out'],
  entry: () => ({ kind: 'audience', audience: { customers: [] } }) as never,
  async run({ customers }) { return { routes: { out: customers } } },
})

/** A gate whose v1 config named the channel `lane`; v2 calls it `channel` (the migration renames it). */
const gateV2 = defineNode({
  type: 'gate', version: 2, title: 'Gate', category: 'policy', icon: 'shield', description: 'Holds customers for the policy.',
  config: z.object({ channel: z.enum(['sms', 'call']), note: z.string().default('') }), outputs: ['pass'],
  migrate: { 1: ({ lane, ...rest }) => ({ ...rest, channel: lane }) },
  gatesChannel: (config) => config.channel,
  async run({ customers }) { return { routes: { pass: customers } } },
})

const goal = defineNode({
  type: 'goal', version: 1, title: 'Goal', category: 'measure', icon: 'target', description: 'Follows a goal.',
  config: z.object({ event: z.string(), withinDays: z.number().int().default(7) }), outputs: ['done'],
  measures: (config) => ({ event: config.event, withinDays: config.withinDays }),
  writesTags: () => [{ name: 'goal_seen', layer: 'fact', values: ['yes', 'no'] }],
  async run({ customers }) { return { routes: { done: customers } } },
})

function registry(): NodeRegistry {
  const r = new NodeRegistry()
  for (const definition of [start, gateV2, goal]) r.register(definition)
  return r
}

function flow(nodes: Flow['nodes']): Flow {
  return flowSchema.parse({ id: 'f', name: 'F', version: 1, nodes, edges: [], settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } } })
}

describe('node facts', () => {
  it('answers from declarations on configs upgraded by the type\'s migrations and parsed', () => {
    const f = flow([
      { id: 's', type: 'start', config: {} },
      { id: 'old-gate', type: 'gate', version: 1, config: { lane: 'call' } },
      { id: 'new-gate', type: 'gate', config: { channel: 'sms' } },
      { id: 'g', type: 'goal', config: { event: 'purchase' } },
    ])
    expect(policyGates(f, registry())).toEqual([{ nodeId: 'old-gate', channel: 'call' }, { nodeId: 'new-gate', channel: 'sms' }])
    // The schema's default fills withinDays before the declaration reads the config.
    expect(measuredGoals(f, registry())).toEqual([{ nodeId: 'g', fact: { event: 'purchase', withinDays: 7 } }])
    expect(writtenTags(f, registry())).toEqual([{ nodeId: 'g', fact: [{ name: 'goal_seen', layer: 'fact', values: ['yes', 'no'] }] }])
    expect(triggerNodeIds(f, registry())).toEqual(['s'])
    expect(measuresAGoal(f, registry())).toBe(true)
  })

  it('finds nothing where no node declares the fact', () => {
    const f = flow([{ id: 's', type: 'start', config: {} }])
    expect(policyGates(f, registry())).toEqual([])
    expect(measuredGoals(f, registry())).toEqual([])
    expect(measuresAGoal(f, registry())).toBe(false)
  })

  it('names the node whose type it cannot resolve, and the node whose config is invalid', () => {
    expect(() => policyGates(flow([{ id: 'x', type: 'gatekeeper', config: {} }]), registry())).toThrow('flow "f" node "x": unknown node type "gatekeeper"')
    expect(() => policyGates(flow([{ id: 'bad', type: 'gate', config: { channel: 'fax' } }]), registry())).toThrow(/gate/)
  })
})
