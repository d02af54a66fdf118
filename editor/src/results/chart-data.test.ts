import { describe, expect, it } from 'vitest'
import { conversionRows, funnelRows, points, sendSeries, upliftRows } from './chart-data.ts'
import type { ComparisonFigures, FlowReport } from './reports-api.ts'

const arm = (customers: number, converted: number, extra: Record<string, number> = {}) => ({ customers, converted, rate: customers === 0 ? 0 : converted / customers, revenue: 0, opened: 0, clicked: 0, ...extra })
const enough = (uplift: number, low: number, high: number): ComparisonFigures['uplift'] => ({ enough: true, uplift, ci95: [low, high], z: 2, pValue: 0.02 })

function report(overrides: Partial<FlowReport> = {}): FlowReport {
  return {
    runId: 'run-1', flow: { id: 'f', version: 1 }, run: { id: 'run-1', version: 1, state: 'running', createdAt: '2025-06-01T00:00:00.000Z' }, runs: [],
    asOf: '2025-06-09T00:00:00.000Z', goal: { event: 'purchase', withinDays: 7 }, method: { uplift: '', ci95: '', pValue: '', minimum: '' },
    overall: { treated: arm(100, 40, { sent: 100 }), holdout: arm(100, 20), uplift: enough(0.2, 0.07, 0.32) },
    nodes: {
      start: { treated: arm(100, 40, { entered: 120 }), holdout: arm(100, 20, { entered: 110 }), uplift: enough(0.2, 0.07, 0.32) },
      mail: { treated: arm(80, 30, { entered: 90 }), holdout: arm(0, 0), uplift: { enough: false, reason: 'not enough data: holdout group has 0 customers (minimum 50)' } },
    },
    channels: {
      email: { treated: arm(60, 20), holdout: arm(55, 15), uplift: enough(0.06, -0.1, 0.22) },
      sms: { treated: arm(10, 1), holdout: arm(3, 0), uplift: { enough: false, reason: 'not enough data: holdout group has 3 customers (minimum 50)' } },
    },
    sends: [
      { day: '2025-06-03', channel: 'sms', sent: 4, delivered: 4 },
      { day: '2025-06-01', channel: 'email', sent: 50, delivered: 48 },
      { day: '2025-06-03', channel: 'email', sent: 10, delivered: 10 },
    ],
    ...overrides,
  }
}

describe('results chart data', () => {
  it('draws the funnel from every customer of each step, in flow order, with the titles given', () => {
    expect(funnelRows(report(), (id) => (id === 'mail' ? 'Reminder' : id))).toEqual([
      { node: 'start', label: 'start', treated: 120, holdout: 110, total: 230 },
      // No `entered` on a row: the measured customers stand in.
      { node: 'mail', label: 'Reminder', treated: 90, holdout: 0, total: 90 },
    ])
  })

  it('compares conversion for the whole flow and each channel', () => {
    expect(conversionRows(report(), 'All', (c) => c.toUpperCase()).map((r) => [r.key, r.label, r.treated, r.holdout])).toEqual([
      ['overall', 'All', 0.4, 0.2], ['channel:email', 'EMAIL', 20 / 60, 15 / 55], ['channel:sms', 'SMS', 0.1, 0],
    ])
  })

  it('keeps the interval of each uplift, says whether it leaves out 0, and passes the reason when there is no figure', () => {
    expect(upliftRows(report(), 'All')).toEqual([
      { key: 'overall', label: 'All', enough: true, uplift: 0.2, low: 0.07, high: 0.32, pValue: 0.02, significant: true },
      { key: 'channel:email', label: 'email', enough: true, uplift: 0.06, low: -0.1, high: 0.22, pValue: 0.02, significant: false },
      { key: 'channel:sms', label: 'sms', enough: false, reason: 'not enough data: holdout group has 3 customers (minimum 50)' },
    ])
    expect(upliftRows(report({ overall: { ...report().overall, uplift: enough(-0.05, -0.09, -0.01) } }), 'All')[0]).toMatchObject({ significant: true })
  })

  it('lays sends out per day from the first to the last, quiet days as 0, one column per channel', () => {
    expect(sendSeries(report())).toEqual({
      channels: ['sms', 'email'],
      rows: [
        { day: '2025-06-01', sms: 0, email: 50 },
        { day: '2025-06-02', sms: 0, email: 0 },
        { day: '2025-06-03', sms: 4, email: 10 },
      ],
    })
    expect(sendSeries(report({ sends: [] }))).toEqual({ channels: [], rows: [] })
  })

  it('writes fractions as points', () => {
    expect([points(0.0734), points(0.0734, true), points(-0.012, true), points(0, true)]).toEqual(['7.3', '+7.3', '-1.2', '0.0'])
  })
})
