/**
 * Measures segment counts (`previewSegment` with no sample) on an existing store, e.g. one
 * filled by `sluice generate --customers 1000000`. Not a test (timings vary by machine); run:
 *
 *   npx tsx scripts/measure/measure-segments.ts --db data/1m.db [--now 2025-01-01] [--runs 5]
 *   npx tsx scripts/measure/measure-segments.ts --database-url postgres://… [--pg-schema s]
 *
 * Prints, per segment, its count and the best, median and worst of `runs` timed runs (after
 * one warm-up run), the median CPU time of this process (SQLite runs in-process, so on a busy
 * shared machine it is closer to the unloaded time than the wall clock), then the median over
 * all segments.
 */
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import type { Segment } from '../../engine/segment/index.ts'
import { parseIsoTime } from '../../engine/segment/index.ts'
import { openStore } from '../../store/open-store.ts'

const attr = (name: string, op: string, more: Record<string, unknown> = {}) => ({ type: 'attribute', name, op, ...more })

/** Varied segments over the generated data set's attributes, events, addresses and consents. */
export const MEASURED_SEGMENTS: [string, unknown][] = [
  ['tenure ≥ 24', attr('tenure', 'gte', { value: 24 })],
  ['contract in (one, two year) and monthly charges > 70', { type: 'all', conditions: [attr('contract', 'in', { values: ['One year', 'Two year'] }), attr('monthly_charges', 'gt', { value: 70 })] }],
  ['payment contains "automatic" (any case)', attr('payment_method', 'contains', { value: 'AUTOMATIC', ignoreCase: true })],
  ['signed up within 6 months', attr('signup_date', 'within-last', { amount: 6, unit: 'months' })],
  ['total charges empty or churned', { type: 'any', conditions: [attr('total_charges', 'is-empty'), attr('churn', 'eq', { value: true })] }],
  ['has e-mail and e-mail consent', { type: 'all', conditions: [{ type: 'address', kind: 'email' }, { type: 'consent', channel: 'email' }] }],
  ['prefers sms or push', { type: 'preferred-channel', channels: ['sms', 'push'] }],
  ['purchase in the last 30 days', { type: 'event', event: 'purchase', within: { amount: 30, unit: 'days' } }],
  ['≥ 2 purchases over 100 in 90 days', { type: 'event', event: 'purchase', where: [{ property: 'amount', op: 'gt', value: 100 }], within: { amount: 90, unit: 'days' }, aggregate: { op: 'gte', value: 2 } }],
  ['no app login in 30 days', { type: 'event', event: 'app_login', within: { amount: 30, unit: 'days' }, aggregate: { op: 'eq', value: 0 } }],
  ['spent ≥ 500 in a year', { type: 'event', event: 'purchase', within: { amount: 365, unit: 'days' }, aggregate: { of: 'sum', property: 'amount', op: 'gte', value: 500 } }],
  ['last purchase more than 90 days ago', { type: 'event', event: 'purchase', last: { op: 'older-than', amount: 90, unit: 'days' } }],
  [
    'fibre, month-to-month, tenure < 12, no purchase in 60 days',
    {
      type: 'all',
      conditions: [
        attr('internet_service', 'eq', { value: 'Fiber optic' }),
        attr('contract', 'eq', { value: 'Month-to-month' }),
        attr('tenure', 'lt', { value: 12 }),
        { type: 'not', condition: { type: 'event', event: 'purchase', within: { amount: 60, unit: 'days' } } },
      ],
    },
  ],
]

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      'database-url': { type: 'string' },
      'pg-schema': { type: 'string' },
      now: { type: 'string', default: '2025-01-01' },
      runs: { type: 'string', default: '5' },
    },
  })
  const now = parseIsoTime(values.now)?.ms
  if (now === undefined) throw new Error(`--now: not an ISO date: ${values.now}`)
  const runs = Number(values.runs)
  const store = await openStore({
    ...(values.db ? { db: values.db } : {}),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    ...(values['pg-schema'] ? { pgSchema: values['pg-schema'] } : {}),
  })
  try {
    console.log(`${store.dialect}: ${(await store.countCustomers()).toLocaleString('en-US')} customers, now ${values.now}, ${runs} runs each`)
    const medians: number[] = []
    for (const [name, segment] of MEASURED_SEGMENTS) {
      const times: number[] = []
      const cpu: number[] = []
      let count = 0
      for (let run = 0; run <= runs; run++) {
        const started = performance.now()
        const cpuStarted = process.cpuUsage()
        count = (await store.previewSegment(segment as Segment, { now, sample: 0 })).count
        const used = process.cpuUsage(cpuStarted)
        if (run > 0) times.push(performance.now() - started)
        if (run > 0) cpu.push((used.user + used.system) / 1000)
      }
      cpu.sort((a, b) => a - b)
      times.sort((a, b) => a - b)
      const median = times[Math.floor(times.length / 2)] as number
      medians.push(median)
      const ms = (value: number | undefined) => `${(value ?? 0).toFixed(0).padStart(5)} ms`
      console.log(`${name.padEnd(60)} ${count.toLocaleString('en-US').padStart(10)}  min ${ms(times[0])}  p50 ${ms(median)}  max ${ms(times.at(-1))}  cpu p50 ${ms(cpu[Math.floor(cpu.length / 2)])}`)
    }
    medians.sort((a, b) => a - b)
    console.log(`median of medians: ${(medians[Math.floor(medians.length / 2)] as number).toFixed(0)} ms; worst median: ${(medians.at(-1) as number).toFixed(0)} ms`)
  } finally {
    await store.close()
  }
}

await main()
