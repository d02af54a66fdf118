import { describe, expect, it } from 'vitest'
import { SimulatedClock } from './simulated-clock.ts'
import { startOfLocalDay, zonedParts, zonedToEpoch } from './zoned-time.ts'

describe('zoned time', () => {
  it('converts local times both ways, in a zone with and without DST', () => {
    const at = zonedToEpoch({ year: 2025, month: 7, day: 1, hour: 9, minute: 0 }, 'America/New_York')
    expect(new Date(at).toISOString()).toBe('2025-07-01T13:00:00.000Z')
    expect(zonedParts(at, 'Asia/Shanghai')).toMatchObject({ day: 1, hour: 21, weekday: 2 })
    expect(new Date(startOfLocalDay(at, 'Asia/Shanghai', 1)).toISOString()).toBe('2025-07-01T16:00:00.000Z')
  })

  it('maps a time in the spring-forward gap past the jump, and a repeated time to its first occurrence', () => {
    expect(new Date(zonedToEpoch({ year: 2025, month: 3, day: 9, hour: 2, minute: 30 }, 'America/New_York')).toISOString()).toBe('2025-03-09T07:30:00.000Z')
    expect(new Date(zonedToEpoch({ year: 2025, month: 11, day: 2, hour: 1, minute: 30 }, 'America/New_York')).toISOString()).toBe('2025-11-02T05:30:00.000Z')
  })
})

describe('SimulatedClock', () => {
  it('jumps to the time it sleeps until and never goes back', async () => {
    const clock = new SimulatedClock(1000)
    await clock.sleepUntil(5000)
    expect(clock.now()).toBe(5000)
    clock.advanceTo(10)
    expect(clock.now()).toBe(5000)
    const aborted = new AbortController()
    aborted.abort()
    await clock.sleepUntil(9000, aborted.signal)
    expect(clock.now()).toBe(5000)
  })
})
