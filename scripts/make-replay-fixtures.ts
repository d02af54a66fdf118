/**
 * Regenerates the replay fixtures (test/fixtures/replay/<flow>.json, read by
 * test/replay-fixtures.test.ts): each reference campaign of flows/ run on the demo data of the
 * first N customers (default 100) over its last eight weeks, kept as the rows replay reads.
 *
 *   npx tsx scripts/make-replay-fixtures.ts [--customers 100] [--out test/fixtures/replay]
 *
 * Regenerate only when the journal or record format changes on purpose: the point of the files
 * is that runs made by an earlier engine still replay identical.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import { makeReplayFixture } from '../test/support/replay-fixtures.ts'

const { values } = parseArgs({ options: { customers: { type: 'string', default: '100' }, out: { type: 'string', default: 'test/fixtures/replay' } } })
const customers = Number(values.customers)
if (!Number.isInteger(customers) || customers < 1) throw new Error(`--customers: expected a whole number, got "${values.customers}"`)
const registry = await loadRegistry({ root: false })
mkdirSync(values.out, { recursive: true })
for (const file of readdirSync('flows').filter((f) => f.endsWith('.flow.json')).sort()) {
  const fixture = await makeReplayFixture(path.join('flows', file), registry, customers)
  const out = path.join(values.out, file.replace(/\.flow\.json$/, '.json'))
  writeFileSync(out, `${JSON.stringify(fixture)}\n`)
  const n = (rows: unknown[]) => rows.length.toLocaleString('en-US')
  process.stdout.write(`${out}: ${statSync(out).size.toLocaleString('en-US')} bytes — ${n(fixture.journal)} journal rows, ${n(fixture.inputs)} recorded batches, ${n(fixture.outbox)} sends\n`)
}
