import { describe, expect, it } from 'vitest'
import { counterfactualCsv, counterfactualStyles, edgeCounts, enteredOf, nodeChanged, pathWords, signed, type CounterfactualReport } from './counterfactual.ts'

const summary = (entered: number, outputs: Record<string, number>) => ({ entered, outputs, parked: 0, failed: 0 })
const report = {
  nodes: [
    { nodeId: 'rfm', in: 'both', original: summary(40, { pass: 20, fail: 20 }), counterfactual: summary(40, { pass: 12, fail: 28 }), delta: { entered: 0, outputs: { pass: -8, fail: 8 } } },
    { nodeId: 'policy', in: 'both', original: summary(20, { email: 20 }), counterfactual: summary(12, { email: 12 }), delta: { entered: -8, outputs: { email: -8 } } },
    { nodeId: 'monthly', in: 'both', original: summary(40, { entered: 40 }), counterfactual: summary(40, { entered: 40 }), delta: { entered: 0, outputs: { entered: 0 } } },
    { nodeId: 'extra', in: 'counterfactual', original: null, counterfactual: summary(3, { done: 3 }), delta: { entered: 3, outputs: { done: 3 } } },
  ],
  changed: [{
    customerId: 'w-"1"', customerKey: 1, original: [{ nodeId: 'rfm', output: 'pass' }, { nodeId: 'policy', output: 'email' }], counterfactual: [{ nodeId: 'rfm', output: 'fail' }],
    originalSends: ['email'], counterfactualSends: [], originalHeld: [], counterfactualHeld: [],
  }],
} as unknown as CounterfactualReport

describe('the counterfactual on the canvas', () => {
  it('counts each step and edge in the run and with the draft, signed', () => {
    expect(report.nodes.map((n) => [n.nodeId, enteredOf(n), nodeChanged(n)])).toEqual([
      ['rfm', { original: 40, counterfactual: 40, delta: 0 }, true],
      ['policy', { original: 20, counterfactual: 12, delta: -8 }, true],
      ['monthly', { original: 40, counterfactual: 40, delta: 0 }, false],
      ['extra', { original: 0, counterfactual: 3, delta: 3 }, true],
    ])
    expect([signed(-24), signed(3), signed(0)]).toEqual(['−24', '+3', '0'])
    expect(edgeCounts(report, 'rfm', 'pass')).toEqual({ original: 20, counterfactual: 12 })
    expect(edgeCounts(report, 'rfm', 'other')).toEqual({ original: 0, counterfactual: 0 })
    expect(edgeCounts(report, 'nowhere', 'pass')).toBeNull()
  })

  it('outlines the changed steps and edges only, keyed on data-id', () => {
    const css = counterfactualStyles(report, [{ from: 'monthly', output: 'entered', to: 'rfm' }, { from: 'rfm', output: 'pass', to: 'policy' }])
    expect(css).toContain('.react-flow__node[data-id="rfm"] .step')
    expect(css).toContain('.react-flow__node[data-id="policy"] .step')
    expect(css).not.toContain('data-id="monthly"]')
    expect(css).toContain('.react-flow__edge[data-id="rfm|pass|policy"]')
    expect(css).not.toContain('monthly|entered|rfm')
  })

  it('writes paths with titles and the CSV with the CLI columns', () => {
    expect(pathWords(report.changed[0]!.original, (id) => id.toUpperCase(), '—')).toBe('RFM (pass) › POLICY (email)')
    expect(pathWords([], (id) => id, '—')).toBe('—')
    expect(counterfactualCsv(report).split('\r\n')).toEqual([
      'customer_id,change,run_path,counterfactual_path,run_sends,counterfactual_sends,run_held,counterfactual_held',
      '"w-""1""",no longer sent,"rfm → pass, policy → email",rfm → fail,email,,,',
      '',
    ])
  })
})
