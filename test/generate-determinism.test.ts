/**
 * `sluice generate` is a pure function of its arguments: the same arguments into two fresh
 * SQLite files give the same content (hash of a canonical dump read back through the port),
 * and another seed gives other content.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { openStore } from '../store/open-store.ts'

const BIN = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sluice-generate-'))
const CUSTOMERS = 2000

/** JSON with object keys sorted at every level, so equal content serialises identically. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Hash of customers (minus store-clock times and internal keys), addresses, consents and events. */
async function contentHash(db: string): Promise<{ hash: string; customers: number; events: number; eventTypes: string[] }> {
  const store = await openStore({ db, migrate: false })
  try {
    const hash = createHash('sha256')
    let customers = 0
    let events = 0
    const eventTypes = new Set<string>()
    let afterKey: number | undefined
    for (;;) {
      const page = await store.listCustomers({ ...(afterKey === undefined ? {} : { afterKey }), limit: 500 })
      if (page.length === 0) break
      const ids = page.map((customer) => customer.id)
      for (const customer of page) {
        const { key: _key, createdAt: _created, updatedAt: _updated, ...content } = customer
        hash.update(canonical(content))
        const customerEvents = await store.listEvents(customer.id)
        for (const event of customerEvents) eventTypes.add(event.type)
        hash.update(canonical(customerEvents.map(({ customerKey: _k, ...event }) => event)))
        events += customerEvents.length
      }
      const consents = await store.getConsents(ids)
      consents.sort((a, b) => (a.customerId + a.channel < b.customerId + b.channel ? -1 : 1))
      hash.update(canonical(consents))
      customers += page.length
      afterKey = page.at(-1)!.key
    }
    return { hash: hash.digest('hex'), customers, events, eventTypes: [...eventTypes].sort() }
  } finally {
    await store.close()
  }
}

async function generate(db: string, seed: string): Promise<void> {
  const env = { ...process.env }
  delete env.DATABASE_URL
  await promisify(execFile)(process.execPath, [BIN, 'generate', '--customers', String(CUSTOMERS), '--seed', seed, '--as-of', '2025-06-30', '--db', db], { env })
}

describe('sluice generate', () => {
  it('gives identical content for the same arguments and different content for another seed', async () => {
    const [a, b, c] = [join(dir, 'a.db'), join(dir, 'b.db'), join(dir, 'c.db')]
    await Promise.all([generate(a, '1'), generate(b, '1'), generate(c, '2')])
    const [first, second, other] = await Promise.all([contentHash(a), contentHash(b), contentHash(c)])

    expect(first.customers).toBe(CUSTOMERS)
    expect(first.events / CUSTOMERS).toBeGreaterThan(20)
    expect(first.events / CUSTOMERS).toBeLessThan(40)
    expect(first.eventTypes).toEqual(['app_login', 'cart_add', 'email_click', 'email_open', 'page_view', 'purchase', 'tier_change', 'unsubscribe'])
    expect(second).toEqual(first)
    expect(other.customers).toBe(CUSTOMERS)
    expect(other.hash).not.toBe(first.hash)
    // Three generator processes at once: a minute was not enough on a 2-core machine at load 18.
  }, 240_000)
})
