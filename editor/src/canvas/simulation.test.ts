import { describe, expect, it } from 'vitest'
import { simulationCounts, simulationWindow, windowDays } from './simulation.ts'

describe('simulate mode', () => {
  it('puts entered counts on nodes and customers on edges, keyed like live counts', () => {
    const counts = simulationCounts({
      nodes: { in: { entered: 12, outputs: { entered: 12 }, parked: 0, failed: 0 }, split: { entered: 12, outputs: { yes: 5, no: 7 }, parked: 0, failed: 0 } },
      edges: [{ from: 'in', output: 'entered', to: 'split', customers: 12 }, { from: 'split', output: 'no', to: 'wait', customers: 7 }],
    })
    expect(counts).toEqual({ nodes: { in: 12, split: 12 }, edges: { 'in|entered|split': 12, 'split|no|wait': 7 } })
  })

  it('sends the day after the last day as the exclusive until, and leaves empty days to the server', () => {
    expect(simulationWindow('2025-05-01', '2025-05-31')).toEqual({ start: '2025-05-01', until: '2025-06-01' })
    expect(simulationWindow('2024-02-28', '2024-02-29')).toEqual({ start: '2024-02-28', until: '2024-03-01' })
    expect(simulationWindow('', '')).toEqual({})
    expect(simulationWindow('2025-05-01', '')).toEqual({ start: '2025-05-01' })
    expect(simulationWindow('2025-05-10', '2025-05-01')).toEqual({ error: 'order' })
    expect(simulationWindow('2025-02-30', '')).toEqual({ error: 'first' })
    expect(simulationWindow('', 'May 5')).toEqual({ error: 'last' })
  })

  it('shows the window that ran as inclusive days', () => {
    expect(windowDays({ start: '2025-05-02', until: '2025-06-01' })).toEqual({ first: '2025-05-02', last: '2025-05-31' })
    expect(windowDays({ start: '2025-05-02T10:15:00.000Z', until: '2025-06-01T10:15:00.000Z' })).toEqual({ first: '2025-05-02', last: '2025-06-01' })
  })
})
