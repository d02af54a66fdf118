/**
 * The editor part of the benchmark in Debian's Chromium: the generated flow is a valid flow the
 * editor draws in full, and both figures come back with the frames they were taken from. The
 * figures' values are not asserted (a shared machine's load moves them).
 */
import { describe, expect, it } from 'vitest'
import { formatReport } from './report.ts'
import { generatedFlow, runEditorBench } from './editor.ts'
import type { BenchResults } from './run-bench.ts'

describe('bench editor part', () => {
  it('generates a chain of the asked size with a layout for every node', () => {
    const flow = generatedFlow(300) as { nodes: { id: string }[]; edges: { from: string; to: string }[]; layout: Record<string, unknown> }
    expect(flow.nodes).toHaveLength(300)
    expect(flow.edges).toHaveLength(299)
    expect(Object.keys(flow.layout).sort()).toEqual(flow.nodes.map((n) => n.id).sort())
    expect(new Set(flow.edges.map((e) => e.to)).size).toBe(299)
  })

  it('opens the flow in Chromium, measures time to interactive and drag frames, and reports them', { timeout: 300_000 }, async () => {
    const editor = await runEditorBench({ size: 300, runs: 1, dragSteps: 40 })
    expect(editor.nodes).toBe(300)
    expect(editor.interactiveRunsMs).toHaveLength(1)
    expect(editor.interactiveMs).toBeGreaterThan(0)
    expect(editor.dragFrameMs.frames).toBeGreaterThan(0)
    expect(editor.dragFrameMs.p95).toBeGreaterThanOrEqual(editor.dragFrameMs.p50)
    const text = formatReport({
      date: '2026-01-01T00:00:00.000Z',
      machine: { cpus: 2, cpuModel: 'test', memGb: 1, node: 'v20', platform: 'linux x64', loadAverage: { start: [0], end: [0] } },
      dataset: { customers: 0, seed: 's', version: 1, cached: true, buildSeconds: 0, megabytes: 0, counts: { customers: 0, events: 0, purchases: 0, addresses: 0, consents: 0, contacts: 0, tags: 0, suppressions: 0, listMembers: 0 }, now: '2026-01-01T00:00:00.000Z' },
      partSeconds: { editor: 1 }, totalSeconds: 1, reference: null, naive: null, ratio: null, segmentPreviewMs: null, ingest: null, editor, notes: [],
    } satisfies BenchResults)
    expect(text).toContain('editor: 300-node flow interactive')
    expect(text).toContain(`${editor.dragFrameMs.p95} ms (p50`)
  })
})
