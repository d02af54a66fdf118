/**
 * Smoke run of the benchmark suite (issue #7) on 10,000 customers, so its code cannot rot. It
 * asserts counts, never time: everyone entered and finished, the sends per channel are the
 * flow's pass counts, the naive engine's per-node counts equal ours on the same customers, 20
 * segment previews ran, and ingest wrote and delivered what it says.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { silentProgress } from '../bench/progress.ts'
import { formatReport } from '../bench/report.ts'
import { runBench, type BenchResults } from '../bench/run-bench.ts'

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sluice bench --customers 10000 (smoke)', () => {
  let results: BenchResults
  // The editor part (Chromium) has its own test beside it: bench/editor.test.ts.
  it('runs every engine part', { timeout: 180_000 }, async () => {
    results = await runBench({ customers: 10_000, sample: 150, naiveSeconds: 20, ingestEvents: 5_000, ingestSeconds: 1, dir, progress: silentProgress, parts: ['reference', 'naive', 'segments', 'ingest'] })
    expect(results.dataset.counts.customers).toBe(10_000)
    expect(results.dataset.counts.purchases).toBeGreaterThan(10_000)
    // Each part's wall time is reported (their values are not asserted).
    expect(Object.keys(results.partSeconds).sort()).toEqual(['dataset', 'ingest', 'naive', 'reference', 'segments'])
    expect(results.totalSeconds).toBeGreaterThan(0)
  })

  it('the reference campaign let everyone in and finished everyone, every send delivered', () => {
    const r = results.reference!
    expect(r.entered).toBe(10_000)
    expect(r.positions).toEqual({ active: 0, done: 10_000, error: 0, cancelled: 0 })
    expect(r.finished).toBe(true)
    // Each node passes on what it received: entered = sum of its outputs.
    for (const node of Object.values(r.nodes)) expect(Object.values(node.outputs).reduce((a, b) => a + b, 0)).toBe(node.entered)
    expect(r.nodes['active-reachable']!.entered).toBe(10_000)
    expect(r.nodes.rfm!.entered).toBe(r.nodes['active-reachable']!.outputs.match)
    expect(r.nodes.settle!.entered).toBe(r.nodes.send!.entered - r.nodes.send!.outputs.none!)
    // Sends by channel are the choose-channel node's pass counts, less the holdout's.
    for (const channel of ['push', 'email', 'sms'] as const) {
      expect((r.sends[channel] ?? 0) + (r.held[channel] ?? 0)).toBe(r.nodes.send!.outputs[channel])
      expect(r.sends[channel]).toBeGreaterThan(0)
    }
    expect(r.delivery).toEqual({ sent: Object.values(r.sends).reduce((a, b) => a + (b ?? 0), 0), pending: 0, dead: 0 })
    // The run replays identical from its recorded inputs, every batch of it, and its journal and record are weighed.
    expect(r.replay).toMatchObject({ identical: true })
    expect(r.replay!.batches).toBeGreaterThan(0)
    expect(r.replay!.decisions).toBeGreaterThan(10_000)
    expect(r.replay!.journalBytesPerCustomer).toBeGreaterThan(0)
    expect(r.replay!.inputsBytesPerCustomer).toBeGreaterThan(0)
  })

  it('the naive engine did the same work as ours on the same customers', () => {
    const naive = results.naive!
    expect(naive.customers).toBeGreaterThan(0)
    expect(naive.check.customers).toBe(naive.customers)
    expect(naive.check.equal).toBe(true)
    expect(naive.nodes).toEqual(naive.check.ours.nodes)
    expect(naive.sends).toEqual(naive.check.ours.sends)
    expect(naive.positions.active).toBe(0)
    expect(naive.entered).toBe(naive.customers)
    expect(results.ratio).toBeGreaterThan(0)
  })

  it('the naive engine ranked the RFM population once, as a one-off, and projects its rate to the whole population', () => {
    const naive = results.naive!
    expect(naive.sharedSeconds).toBeGreaterThan(0)
    expect(naive.sharedSeconds).toBeLessThan(naive.seconds)
    expect(naive.sampled).toBe(true)
    expect(naive.projectedSeconds).toBeGreaterThan(naive.seconds)
    // Both figures are rounded (projectedSeconds to whole seconds): compare them relatively.
    expect((naive.customersPerSecond * naive.projectedSeconds) / naive.population).toBeCloseTo(1, 1)
    expect(results.ratio).toBeCloseTo(results.reference!.customersPerSecond / naive.customersPerSecond, 0)
  })

  it('previews 20 segments, each matching some customers but not all', () => {
    const seg = results.segmentPreviewMs!
    expect(seg.segments).toHaveLength(20)
    for (const s of seg.segments) {
      expect(s.count, s.name).toBeGreaterThan(0)
      expect(s.count, s.name).toBeLessThan(10_000)
    }
    expect(seg.p95).toBeGreaterThanOrEqual(seg.p50)
  })

  it('ingest wrote its events and delivered a send per event with a channel', () => {
    const ingest = results.ingest!
    expect(ingest.events).toBe(5_000)
    expect(ingest.latency.events).toBe(1_000)
    expect(ingest.latency.sends + ingest.latency.withoutSend).toBe(1_000)
    expect(ingest.latency.sends).toBeGreaterThan(800)
  })

  it('formats the table with every part', () => {
    const text = formatReport(results)
    for (const row of ['reference campaign', 'replay (reference run)', 'journal / recorded inputs', 'naive engine', 'ours / naive', 'segment preview p95', 'event ingest', 'trigger → send p99', 'whole run', 'part time']) expect(text).toContain(row)
    expect(text).toContain('Naive engine: one xstate actor per customer')
  })
})
