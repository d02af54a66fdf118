import { describe, expect, it } from 'vitest'
import { journeyStyles, journeyTime, type JourneyRun } from './journey.ts'

const run = (position: JourneyRun['position']): JourneyRun => ({
  runId: 'r', flowId: 'f', flowVersion: 1, runState: 'running', position, messages: [],
  steps: [
    { at: '2025-06-01T09:00:00.000Z', batch: 1, nodeId: 'in', nodeType: 'trigger', nodeTitle: 'Trigger', kind: 'passed', output: 'entered', reason: 'entered' },
    { at: '2025-06-01T09:00:00.000Z', batch: 1, nodeId: 'goal', nodeType: 'measure', nodeTitle: 'Measure', kind: 'waiting', output: null, reason: 'waiting' },
  ],
  edges: [{ from: 'in', output: 'not "quite" \\ done', to: 'goal' }],
})

describe('journeyStyles', () => {
  it('marks the steps passed, the step the customer waits at, and the edges taken with their labels', () => {
    const css = journeyStyles(run({ nodeId: 'goal', state: 'active', holdout: false, dueAt: null, lastOutput: null, error: null }))
    expect(css).toContain('.react-flow__node[data-id="in"] .step { --journey: passed;')
    expect(css).toContain('.react-flow__node[data-id="goal"] .step { --journey: current;')
    expect(css).not.toContain('[data-id="goal"] .step { --journey: passed')
    // Output names are free text: quotes and backslashes are escaped inside the selector.
    expect(css).toContain('.react-flow__edge[data-id="in|not \\"quite\\" \\\\ done|goal"] { --journey: taken; }')
    expect(css).toContain('.edge-label[data-edge="in|not \\"quite\\" \\\\ done|goal"]')
  })

  it('marks no current step once the customer is done', () => {
    const css = journeyStyles(run({ nodeId: 'goal', state: 'done', holdout: false, dueAt: null, lastOutput: 'converted', error: null }))
    expect(css).toContain('.react-flow__node[data-id="goal"] .step { --journey: passed;')
    expect(css).not.toContain('current')
  })

  it('shows instants in UTC to the second', () => {
    expect(journeyTime('2025-06-01T09:05:07.123Z')).toBe('2025-06-01 09:05:07 UTC')
  })
})
