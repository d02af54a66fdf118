import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ValidationError } from '../errors.ts'
import type { Flow } from '../flow/schema.ts'
import { NodeRegistry } from '../registry/registry.ts'
import { defineNode } from '../sdk/define-node.ts'
import { compileFlow } from './compile-flow.ts'

const trigger = defineNode({
  type: 'on-event', version: 1, title: 'On event', category: 'trigger', icon: 'bolt', description: 'Enters on an event.',
  config: z.object({ event: z.string() }),
  outputs: ['entered'],
  entry: (config) => ({ type: 'event', eventType: config.event }),
  async run({ customers }) { return { routes: { entered: customers } } },
})
const filter = defineNode({
  type: 'even-key', version: 1, title: 'Even key', category: 'audience', icon: 'filter', description: 'Even keys match.',
  config: z.object({}),
  outputs: ['match', 'no match'],
  async run({ customers }) { return { routes: { match: customers.filter((c) => c.key % 2 === 0), 'no match': customers.filter((c) => c.key % 2 === 1) } } },
})

function registry(...types: Parameters<NodeRegistry['register']>[0][]): NodeRegistry {
  const r = new NodeRegistry()
  for (const t of types) r.register(t)
  return r
}

const flow: Flow = {
  id: 'demo', name: 'Demo', version: 3,
  nodes: [
    { id: 'start', type: 'on-event', config: { event: 'login' } },
    { id: 'check', type: 'even-key', config: {} },
    { id: 'again', type: 'even-key', config: {} },
  ],
  edges: [
    { from: 'start', output: 'entered', to: 'check' },
    { from: 'check', output: 'match', to: 'again' },
  ],
  settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
  layout: {},
}

describe('compileFlow', () => {
  it('resolves every (node, output) through the machine, with unconnected outputs ending the journey', () => {
    const compiled = compileFlow(flow, registry(trigger, filter))
    expect(compiled.triggerId).toBe('start')
    expect(compiled.entry).toEqual({ type: 'event', eventType: 'login' })
    expect(compiled.next('start', 'entered')).toEqual({ kind: 'node', nodeId: 'check' })
    expect(compiled.next('check', 'match')).toEqual({ kind: 'node', nodeId: 'again' })
    expect(compiled.next('check', 'no match')).toEqual({ kind: 'end' })
    expect(compiled.next('again', 'match')).toEqual({ kind: 'end' })
    expect(() => compiled.next('check', 'maybe')).toThrow(/no transition for output "maybe" of node "check"/)
    expect(compiled.machine.id).toBe('flow:demo@3')
  })

  it('refuses an invalid flow with every error and its path', () => {
    const broken = { ...flow, edges: [...flow.edges, { from: 'check', output: 'nope', to: 'again' }] }
    const error = (() => {
      try {
        compileFlow(broken, registry(trigger, filter))
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((i) => i.path)).toContain('edges[2].output')
  })

  it('refuses a trigger whose declaration cannot say how customers enter', () => {
    const silent = defineNode({ ...trigger, type: 'silent-trigger', entry: undefined })
    const f = { ...flow, nodes: [{ id: 'start', type: 'silent-trigger', config: { event: 'x' } }, ...flow.nodes.slice(1)] }
    expect(() => compileFlow(f, registry(silent, filter))).toThrow(/"start" \(silent-trigger\) is a trigger but its declaration has no entry/)
  })
})
