/**
 * The benchmark's final table: each figure with its target (issue #7), how far from it it is and
 * the wall time of the part that measured it, the whole run against its 10-minute budget; then
 * what the naive engine is and did, and the reference campaign's counts (the proof that the
 * work measured was done).
 */
import Table from 'cli-table3'
import type { BenchResults } from './run-bench.ts'

/** The goals of issue #7: reported, never asserted in tests. */
export const TARGETS = {
  customersPerSecond: 100_000,
  ratio: 5,
  peakRssMb: 1024,
  segmentP95Ms: 500,
  ingestEventsPerSecond: 20_000,
  latencyP99Ms: 100,
  /** Issue #13: a 300-node flow interactive within a second, dragging a node at 20+ frames a second. */
  editorInteractiveMs: 1000,
  editorDragFrameP95Ms: 50,
  /** Issue #15: the exact replay of the reference run within 1.5× the run's time. */
  replayRatio: 1.5,
  /** `npm run bench` on 1M customers, from nothing (the data set built in the run). */
  totalSeconds: 600,
} as const

/** The size the targets are set for: the whole-run budget is judged only on a full run of it. */
const TARGET_CUSTOMERS = 1_000_000

const n = (value: number) => value.toLocaleString('en-US')

/** "met" or how far off: higher-is-better figures as result / target, lower-is-better as target / result. */
function versus(value: number, target: number, higherIsBetter: boolean): string {
  const met = higherIsBetter ? value >= target : value <= target
  const factor = higherIsBetter ? value / target : target / value
  return `${met ? 'met' : 'MISSED'} (${factor >= 10 ? Math.round(factor) : factor.toFixed(2)}×)`
}

/** The whole report as text. */
export function formatReport(results: BenchResults): string {
  const m = results.machine
  const d = results.dataset
  const lines = [
    `Sluice benchmark, ${results.date.slice(0, 16).replace('T', ' ')} UTC — ${m.cpus} cores (${m.cpuModel}), ${m.memGb} GB, Node ${m.node}, load ${m.loadAverage.start.join(' ')} → ${m.loadAverage.end.join(' ')}`,
    `Data set: ${n(d.counts.customers)} customers, ${n(d.counts.events)} events (${n(d.counts.purchases)} purchases), ${n(d.counts.contacts)} past contacts, ${d.megabytes} MB; ` +
      `${d.cached ? `cached (checked in ${d.buildSeconds} s)` : `built in ${d.buildSeconds} s`}; campaign time ${d.now}`,
  ]
  const table = new Table({ head: ['measure', 'result', 'target', 'vs target', 'part time'], style: { head: [], border: [], compact: true } })
  const time = (part: keyof BenchResults['partSeconds']) => {
    const seconds = results.partSeconds[part]
    return seconds === undefined ? '' : `${seconds} s`
  }
  table.push(['data set', `${n(d.counts.customers)} customers, ${n(d.counts.events)} events, ${d.cached ? 'cached' : 'built in this run'}`, '', '', time('dataset')])
  const r = results.reference
  if (r) {
    table.push(
      ['reference campaign', `${n(r.customersPerSecond)} customers/s (${n(r.customers)} in ${r.seconds} s)`, `≥ ${n(TARGETS.customersPerSecond)}/s`, versus(r.customersPerSecond, TARGETS.customersPerSecond, true), time('reference')],
      ['peak RSS (reference)', `${r.peakRssMb} MB`, `≤ ${n(TARGETS.peakRssMb)} MB`, versus(r.peakRssMb, TARGETS.peakRssMb, false), ''],
    )
    const replay = r.replay
    if (replay) {
      table.push(
        ['replay (reference run)', `${replay.ratio}× the run (${replay.seconds} s, ${n(replay.batches)} batches, ${replay.identical ? 'identical' : 'DIVERGES'})`, `≤ ${TARGETS.replayRatio}×`, versus(replay.ratio, TARGETS.replayRatio, false), ''],
        ['journal / recorded inputs', `${n(replay.journalBytesPerCustomer)} / ${n(replay.inputsBytesPerCustomer)} bytes per customer`, '', '', ''],
      )
    }
  }
  const naive = results.naive
  if (naive) {
    const scope = naive.sampled ? `projected to ${n(naive.population)} from ${n(naive.customers)} sampled` : `${n(naive.customers)} customers`
    table.push(['naive engine (actor per customer)', `${n(naive.customersPerSecond)} customers/s (${scope}; see below)`, '', '', time('naive')])
    if (results.ratio !== null) table.push(['ours / naive', `${n(results.ratio)}×`, `≥ ${TARGETS.ratio}×`, versus(results.ratio, TARGETS.ratio, true), ''])
  }
  const seg = results.segmentPreviewMs
  if (seg) {
    table.push(
      ['segment preview p50', `${seg.p50} ms (${seg.segments.length} segments)`, '', '', time('segments')],
      ['segment preview p95', `${seg.p95} ms (max ${seg.max} ms)`, `≤ ${TARGETS.segmentP95Ms} ms`, versus(seg.p95, TARGETS.segmentP95Ms, false), ''],
    )
  }
  const ingest = results.ingest
  if (ingest) {
    table.push(
      ['event ingest (HTTP, 1,000/request)', `${n(ingest.eventsPerSecond)} events/s (${n(ingest.events)} in ${ingest.seconds} s)`, `≥ ${n(TARGETS.ingestEventsPerSecond)}/s`, versus(ingest.eventsPerSecond, TARGETS.ingestEventsPerSecond, true), time('ingest')],
      ['trigger → send p50', `${ingest.latencyMs.p50} ms (at ${n(ingest.latency.achievedRate)} events/s for ${ingest.latency.seconds} s)`, '', '', ''],
      ['trigger → send p99', `${ingest.latencyMs.p99} ms (max ${ingest.latency.max} ms, ${n(ingest.latency.sends)} sends)`, `≤ ${TARGETS.latencyP99Ms} ms`, versus(ingest.latencyMs.p99, TARGETS.latencyP99Ms, false), ''],
    )
  }
  const editor = results.editor
  if (editor) {
    table.push(
      [`editor: ${n(editor.nodes)}-node flow interactive`, `${n(editor.interactiveMs)} ms (median of ${editor.interactiveRunsMs.join(', ')})`, `< ${n(TARGETS.editorInteractiveMs)} ms`, versus(editor.interactiveMs, TARGETS.editorInteractiveMs, false), time('editor')],
      ['editor: drag frame p95', `${editor.dragFrameMs.p95} ms (p50 ${editor.dragFrameMs.p50}, max ${editor.dragFrameMs.max}, ${n(editor.dragFrameMs.frames)} frames)`, `< ${TARGETS.editorDragFrameP95Ms} ms`, versus(editor.dragFrameMs.p95, TARGETS.editorDragFrameP95Ms, false), ''],
    )
  }
  // The 10-minute budget is for a full run on 1M customers; a smaller or partial run only reports its time.
  const full = d.counts.customers >= TARGET_CUSTOMERS && r !== null && naive !== null && seg !== null && ingest !== null
  table.push([
    'whole run', `${results.totalSeconds} s${d.cached ? ' (data set cached)' : ''}`, full ? `≤ ${TARGETS.totalSeconds} s` : '',
    full ? versus(results.totalSeconds, TARGETS.totalSeconds, false) : '', `${results.totalSeconds} s`,
  ])
  lines.push(table.toString())
  if (seg) lines.push(formatSegments(seg))
  if (r) lines.push(formatCounts(r))
  if (naive) lines.push(formatNaive(naive))
  for (const note of results.notes) lines.push(`Note: ${note}`)
  return `${lines.join('\n')}\n`
}

/** What the naive engine is, how its figure was obtained, whether it did the same work, and where its time went. */
function formatNaive(naive: NonNullable<BenchResults['naive']>): string {
  const parts = Object.entries(naive.msPerCustomer).sort(([, a], [, b]) => b - a).map(([part, ms]) => `${part} ${ms} ms`)
  const perCustomerMs = ((naive.seconds - naive.sharedSeconds) * 1000) / Math.max(1, naive.customers)
  const check = naive.check.equal
    ? `Same per-node counts as our engine on the same ${n(naive.check.customers)} customers (ours ran them at ${n(naive.check.oursCustomersPerSecond)}/s, its fixed costs weighing on so few).`
    : `Its per-node counts DIFFER from our engine's on the same ${n(naive.check.customers)} customers: the ratio is not comparable.`
  return [
    'Naive engine: one xstate actor per customer, the same node declarations run on a cohort of one, one transaction per customer step;',
    'answers that do not depend on the customer (RFM population boundaries, pooled channel counts) computed once per simulated instant, as our engine does once per tick.',
    `It ran ${n(naive.customers)} customers${naive.sampled ? ` (an even sample of ${n(naive.population)}${naive.timeBoxed ? ', time-boxed' : ''})` : ''} in ${naive.seconds} s, ${naive.sharedSeconds} s of it one-offs: ${n(naive.measuredCustomersPerSecond)} customers/s measured;`,
    `for ${n(naive.population)} customers ${naive.sharedSeconds} s + ${n(naive.population)} × ${perCustomerMs.toFixed(2)} ms = ${n(naive.projectedSeconds)} s, ${n(naive.customersPerSecond)} customers/s (the ratio's figure).`,
    check,
    `Per customer: ${parts.join(', ')}.`,
  ].join('\n')
}

/** Each segment preview, so a slow shape shows: its count, wall time and CPU time. */
function formatSegments(seg: NonNullable<BenchResults['segmentPreviewMs']>): string {
  const table = new Table({ head: ['segment', 'matches', 'ms', 'CPU ms'], colAligns: ['left', 'right', 'right', 'right'], style: { head: [], border: [], compact: true } })
  for (const s of seg.segments) table.push([s.name, n(s.count), n(s.ms), n(s.cpuMs)])
  return `Segment previews (over ${TARGETS.segmentP95Ms} ms: ${seg.segments.filter((s) => s.ms > TARGETS.segmentP95Ms).length} of ${seg.segments.length})\n${table.toString()}`
}

/** Per-node counts of the reference run. */
function formatCounts(r: NonNullable<BenchResults['reference']>): string {
  const table = new Table({ head: ['node', 'entered', 'outputs'], style: { head: [], border: [], compact: true } })
  for (const [id, node] of Object.entries(r.nodes)) {
    const outputs = Object.entries(node.outputs).map(([output, count]) => `${output} ${n(count)}`)
    if (node.parked > 0) outputs.push(`(parked ${n(node.parked)})`)
    if (node.failed > 0) outputs.push(`(failed ${n(node.failed)})`)
    table.push([id, n(node.entered), outputs.join(', ')])
  }
  const sends = Object.entries(r.sends).map(([channel, count]) => `${channel} ${n(count ?? 0)}`).join(', ')
  const held = Object.entries(r.held).map(([channel, count]) => `${channel} ${n(count ?? 0)}`).join(', ')
  return [
    `Reference campaign (batch ${n(r.batchSize)}, ${r.ticks} ticks over ${r.simulatedDays} simulated days): ${r.finished ? 'every customer finished, every send delivered' : 'NOT FINISHED'}`,
    table.toString(),
    `Sends: ${sends || 'none'}; held back (holdout): ${held || 'none'}; delivered ${n(r.delivery.sent)}, pending ${n(r.delivery.pending)}, dead ${n(r.delivery.dead)}`,
  ].join('\n')
}
