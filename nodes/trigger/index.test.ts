import { describe, expect, it } from 'vitest'
import { validateNodeConfig } from '../../engine/sdk/index.ts'
import { testNode } from '../../testing/index.ts'
import trigger from './index.ts'

const issuesOf = (config: unknown) => validateNodeConfig(trigger, config).issues.map((i) => `${i.path}: ${i.message}`)

describe('trigger', () => {
  it('declares each kind of entry for the engine', () => {
    const entry = trigger.entry as NonNullable<typeof trigger.entry>
    const parse = (config: unknown) => validateNodeConfig(trigger, config).config as Parameters<typeof entry>[0]
    expect(entry(parse({ event: { type: 'add_to_cart', where: { channel: 'app' } } }))).toEqual({ type: 'event', eventType: 'add_to_cart', where: { channel: 'app' } })
    expect(entry(parse({ schedule: { cron: '0 9 1 * *', timeZone: 'Europe/Paris', audience: { customers: ['c-1'] } } }))).toEqual({
      type: 'schedule', cron: '0 9 1 * *', timeZone: 'Europe/Paris', audience: { customers: ['c-1'] },
    })
    expect(entry(parse({ schedule: { cron: '0 9 * * 1' } }))).toEqual({ type: 'schedule', cron: '0 9 * * 1', timeZone: 'UTC', audience: {} })
    expect(entry(parse({ audience: { at: '2025-06-01T09:00:00Z' } }))).toEqual({ type: 'audience', audience: {}, at: Date.UTC(2025, 5, 1, 9) })
    const segment = { type: 'attribute', name: 'tier', op: 'eq', value: 'gold' }
    expect(entry(parse({ audience: { segment } }))).toEqual({ type: 'audience', audience: { segment } })
  })

  it('reports a config that is not exactly one kind, a bad cron, a bad zone and a bad time, each with its path', () => {
    expect(issuesOf({})).toEqual(['config: give exactly one of "event", "schedule", "audience"'])
    expect(issuesOf({ event: { type: 'a' }, audience: {} })[0]).toMatch(/got event and audience/)
    expect(issuesOf({ schedule: { cron: '61 * * * *' } }).join()).toMatch(/config\.schedule\.cron: cron minute/)
    expect(issuesOf({ schedule: { cron: '0 9 * * *', timeZone: 'Mars/Base' } }).join()).toMatch(/config\.schedule\.timeZone: .*not an IANA time zone/)
    expect(issuesOf({ audience: { at: 'next tuesday' } }).join()).toMatch(/config\.audience\.at: expected an ISO 8601 instant/)
    expect(issuesOf({ audience: { customers: ['a'], segment: { type: 'attribute', name: 'x', op: 'eq', value: 1 } } }).join()).toMatch(/either a segment or a list/)
  })

  it('lets every customer it is given through, and explains the entry', async () => {
    const result = await testNode(trigger, { customers: ['c-1', 'c-2'], config: { event: { type: 'signup' } } })
    expect(result.routes.entered).toEqual(['c-1', 'c-2'])
    expect(result.decisions[0]?.explanation).toBe('entered on a "signup" event')
  })
})
