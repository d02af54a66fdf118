/** `sluice generate` into a store: what the summary says when the store already holds the events. */
import { afterAll, describe, expect, it } from 'vitest'
import { createTempFolder } from '../../test/support/sqlite.ts'
import { runCommand } from '../run-command.ts'
import { register } from './generate.ts'

const folder = createTempFolder('sluice-generate-command-')
afterAll(() => folder.remove())

describe('sluice generate into a store that holds the events already', () => {
  it('is silent when they are the same, and says so when another --as-of changed them', async () => {
    const db = folder.db()
    const generate = (asOf: string) => runCommand(register, ['generate', '--customers', '3', '--seed', 's', '--as-of', asOf, '--db', db, '--json'])
    const first = await generate('2025-01-01')
    expect(first.error).toBeUndefined()
    const { eventsInserted } = JSON.parse(first.stdout) as { eventsInserted: number }
    expect(eventsInserted).toBeGreaterThan(0)

    expect(JSON.parse((await generate('2025-01-01')).stdout)).toMatchObject({ eventsInserted: 0, eventDuplicates: eventsInserted, eventConflicts: 0 })
    const moved = JSON.parse((await generate('2025-03-01')).stdout) as { eventDuplicates: number; eventConflicts: number }
    expect(moved.eventConflicts).toBeGreaterThan(0)
    expect(moved.eventConflicts).toBeLessThanOrEqual(moved.eventDuplicates)

    const text = await runCommand(register, ['generate', '--customers', '3', '--seed', 's', '--as-of', '2025-05-01', '--db', db])
    expect(text.stdout).toMatch(/\n {2}[\d,]+ of the events already present differ from the stored ones \(another --seed or --as-of\?\): the stored events were kept/)
  })
})
