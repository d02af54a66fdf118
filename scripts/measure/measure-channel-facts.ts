/**
 * Measures channelFacts on a generated store (not a test: timings depend on the machine).
 *
 *   node cli/bin.mjs generate --customers 100000 --seed 1 --as-of 2025-06-01 --db /tmp/gen.db
 *   npx tsx scripts/measure/measure-channel-facts.ts /tmp/gen.db [contacts]
 *
 * Adds `contacts` synthetic contacts (default 300,000) over the 90 days before the as-of date
 * once, then times one call per cohort of 5,000 customers in several shapes.
 */
import { performance } from 'node:perf_hooks'
import type { ChannelFactsQuery } from '../../engine/ports/channel-facts.ts'
import { CHANNELS, type ContactInput } from '../../engine/ports/store.ts'
import { openStore } from '../../store/open-store.ts'

const DAY = 86_400_000
const NOW = Date.UTC(2025, 5, 1)
const path = process.argv[2]
if (!path) throw new Error('usage: measure-channel-facts.ts DB [contacts]')
const wanted = Number(process.argv[3] ?? 300_000)

const store = await openStore({ db: path })
try {
  const stats = await store.stats()
  const all = []
  for (let afterKey = 0; ; ) {
    const page = await store.listCustomers({ afterKey, limit: 10_000 })
    if (page.length === 0) break
    all.push(...page)
    afterKey = page[page.length - 1]!.key
  }
  if (stats.contacts < wanted) {
    const rows: ContactInput[] = []
    for (let i = stats.contacts; i < wanted; i++) {
      const customer = all[(i * 7919) % all.length]!
      rows.push({ customerId: customer.id, flowId: `bench-${i % 5}`, nodeId: 'send', channel: CHANNELS[i % 3]!, at: NOW - 1 - ((i * 104_729) % (90 * DAY)) })
      if (rows.length === 20_000) await store.transaction((tx) => tx.recordContacts(rows.splice(0)))
    }
    if (rows.length > 0) await store.transaction((tx) => tx.recordContacts(rows))
  }
  const after = await store.stats()
  console.log(`store: ${after.customers} customers, ${after.events} events, ${after.contacts} contacts`)
  const base: ChannelFactsQuery = {
    channels: ['email', 'sms', 'call', 'push'],
    history: { from: NOW - 90 * DAY, to: NOW },
    responses: [{ event: 'email_open', channel: 'email' }, { event: 'email_click', channel: 'email' }],
    capacityFrom: NOW - DAY,
  }
  const shapes: [string, ChannelFactsQuery][] = [
    ['customer + everyone', base],
    ['+ segment (region)', { ...base, segmentBy: 'region' }],
    ['+ conversion (purchase, 7 days)', { ...base, conversion: { event: 'purchase', withinMs: 7 * DAY } }],
  ]
  for (const [name, query] of shapes) {
    const times: number[] = []
    for (let round = 0; round < 3; round++) {
      const keys = all.slice(round * 5_000, round * 5_000 + 5_000).map((c) => c.key)
      const start = performance.now()
      await store.channelFacts(keys, query)
      times.push(performance.now() - start)
    }
    console.log(`${name}: cohort 5,000 → ${times.map((t) => `${Math.round(t)} ms`).join(', ')}`)
  }
} finally {
  await store.close()
}
