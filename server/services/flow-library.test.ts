/**
 * nodeOutputs: what the canvas draws as a step's handles. Fixed outputs hold whatever the
 * config (a measure step just added, its settings empty, keeps converted / not converted);
 * outputs computed from a config that does not parse fall back to those its edges use.
 */
import { describe, expect, it } from 'vitest'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import { nodeOutputs } from './flow-library.ts'

describe('nodeOutputs', async () => {
  const registry = await loadRegistry({ root: false, nodeDirs: ['examples/custom-node'] })

  it('gives a fixed-output type its outputs while its config is still empty', () => {
    expect(nodeOutputs({ nodes: [{ id: 'goal', type: 'measure', config: {} }], edges: [] }, registry)).toEqual({ goal: ['converted', 'not converted'] })
  })

  it('computes outputs from a config that parses, and keeps the used ones when it does not', () => {
    const split = (config: Record<string, unknown>) => nodeOutputs({ nodes: [{ id: 's', type: 'ab-split', config }], edges: [{ from: 's', output: 'A', to: 'x' }] }, registry)
    expect(split({ variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }] })).toEqual({ s: ['A', 'B'] })
    expect(split({ variants: [] })).toEqual({ s: ['A'] })
  })

  it('keeps the used outputs of an unknown type', () => {
    expect(nodeOutputs({ nodes: [{ id: 'n', type: 'nope', config: {} }], edges: [{ from: 'n', output: 'out', to: 'x' }] }, registry)).toEqual({ n: ['out'] })
  })
})
