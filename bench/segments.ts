/**
 * Segment count previews: 20 varied segments (attributes of every type, tags and scores,
 * behaviour with windows and aggregates, RFM cells, static lists, reachability, consent,
 * preferred channel, any / not) through `store.previewSegment`, the function `sluice segment
 * count` calls, each validated against the attribute catalogue first as the CLI does, at the
 * data set's "now". Each is timed once after one untimed warm-up preview that reads every
 * customer's row (a first query pays for reading the tables from disk, which a running server
 * has already done), by the wall clock and by this process's CPU time: SQLite runs
 * in-process, so on a shared machine the CPU time is the query's own cost, close to what an
 * idle machine would show.
 */
import { performance } from 'node:perf_hooks'
import { validateSegment, type Segment } from '../engine/segment/index.ts'
import { openStore } from '../store/open-store.ts'
import { BENCH_NOW } from './dataset.ts'
import { round } from './reference.ts'

/** The segments, by name. */
export const BENCH_SEGMENTS: { name: string; segment: Segment }[] = [
  { name: 'premium plan', segment: { type: 'attribute', name: 'plan', op: 'eq', value: 'premium' } },
  { name: 'tenure ≥ 24 months', segment: { type: 'attribute', name: 'tenure', op: 'gte', value: 24 } },
  {
    name: 'aged 25–40 in north or east',
    segment: { type: 'all', conditions: [{ type: 'attribute', name: 'age', op: 'between', from: 25, to: 40 }, { type: 'attribute', name: 'region', op: 'in', values: ['north', 'east'] }] },
  },
  { name: 'city starts with "Spring"', segment: { type: 'attribute', name: 'city', op: 'starts-with', value: 'spring', ignoreCase: true } },
  { name: 'signed up in the last 12 months', segment: { type: 'attribute', name: 'signup_date', op: 'within-last', amount: 12, unit: 'months' } },
  { name: 'churned', segment: { type: 'attribute', name: 'churned', op: 'eq', value: true } },
  { name: 'churn probability ≥ 0.7', segment: { type: 'tag', name: 'churn_probability', op: 'gte', value: 0.7 } },
  { name: 'has the vip tag', segment: { type: 'tag', name: 'vip' } },
  { name: '≥ 3 purchases in 90 days', segment: { type: 'event', event: 'purchase', within: { amount: 90, unit: 'days' }, aggregate: { op: 'gte', value: 3 } } },
  {
    name: 'spent ≥ 500 in a year',
    segment: { type: 'event', event: 'purchase', within: { amount: 365, unit: 'days' }, aggregate: { of: 'sum', property: 'amount', op: 'gte', value: 500 } },
  },
  { name: 'last purchase > 180 days ago', segment: { type: 'event', event: 'purchase', last: { op: 'older-than', amount: 180, unit: 'days' } } },
  { name: 'no e-mail open in 30 days', segment: { type: 'not', condition: { type: 'event', event: 'email_open', within: { amount: 30, unit: 'days' } } } },
  {
    name: 'iOS login in 14 days',
    segment: { type: 'event', event: 'app_login', where: [{ property: 'platform', op: 'eq', value: 'ios' }], within: { amount: 14, unit: 'days' } },
  },
  { name: 'RFM champions or loyal', segment: { type: 'rfm', cells: ['champions', 'loyal'] } },
  { name: 'on the vip-2025 list', segment: { type: 'list', list: 'vip-2025' } },
  { name: 'e-mail address and consent', segment: { type: 'all', conditions: [{ type: 'address', kind: 'email' }, { type: 'consent', channel: 'email' }] } },
  { name: 'SMS or push consent', segment: { type: 'any', conditions: [{ type: 'consent', channel: 'sms' }, { type: 'consent', channel: 'push' }] } },
  { name: 'prefers e-mail or push', segment: { type: 'preferred-channel', channels: ['email', 'push'] } },
  {
    name: 'gold+ buyers in 30 days, not do-not-market',
    segment: {
      type: 'all',
      conditions: [
        { type: 'attribute', name: 'member_tier', op: 'in', values: ['gold', 'platinum'] },
        { type: 'event', event: 'purchase', within: { amount: 30, unit: 'days' } },
        { type: 'not', condition: { type: 'list', list: 'do-not-market' } },
      ],
    },
  },
  {
    name: 'win-back (docs/segments.md)',
    segment: {
      type: 'all',
      conditions: [
        { type: 'any', conditions: [{ type: 'rfm', cells: ['at-risk', 'hibernating'] }, { type: 'tag', name: 'churn_probability', op: 'gt', value: 0.5 }] },
        { type: 'not', condition: { type: 'event', event: 'purchase', within: { amount: 30, unit: 'days' } } },
        { type: 'address', kind: 'email' },
        { type: 'consent', channel: 'email' },
      ],
    },
  },
]

/** One segment's preview. */
export interface SegmentTiming {
  name: string
  count: number
  /** Wall-clock milliseconds. */
  ms: number
  /** CPU milliseconds of this process (user + system) during the preview. */
  cpuMs: number
}

/** p50, p95 and max of the previews, and each one. */
export interface SegmentResult {
  p50: number
  p95: number
  max: number
  segments: SegmentTiming[]
}

/** The nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

/** Previews every segment on `file` (a copy of the data set, or the cached file: it only reads). */
export async function runSegments(options: { file: string; onProgress?: (done: number) => void }): Promise<SegmentResult> {
  const store = await openStore({ db: options.file, migrate: false })
  try {
    const attributes = await store.listAttributes()
    const timings: SegmentTiming[] = []
    await store.previewSegment({ type: 'attribute', name: 'plan', op: 'is-not-empty' }, { now: BENCH_NOW, sample: 1 })
    for (const { name, segment } of BENCH_SEGMENTS) {
      const { segment: parsed, issues } = validateSegment(segment, { attributes, path: 'segment' })
      const errors = issues.filter((issue) => issue.severity !== 'warning')
      if (!parsed || errors.length > 0) throw new Error(`bench segment "${name}" is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`)
      const started = performance.now()
      const cpuStarted = process.cpuUsage()
      const preview = await store.previewSegment(parsed, { now: BENCH_NOW, sample: 10 })
      const cpu = process.cpuUsage(cpuStarted)
      timings.push({ name, count: preview.count, ms: round(performance.now() - started, 1), cpuMs: round((cpu.user + cpu.system) / 1000, 1) })
      options.onProgress?.(timings.length)
    }
    const ms = timings.map((t) => t.ms)
    return { p50: percentile(ms, 50), p95: percentile(ms, 95), max: Math.max(...ms), segments: timings }
  } finally {
    await store.close()
  }
}
