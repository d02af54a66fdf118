/**
 * `sluice forecast` on a store file with known answers: a flow file and a library flow id, text
 * and --json, checked against SQL counts; the store's tables keep every row count; bad input named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isUserError } from '../../engine/errors.ts'
import type { ForecastReport } from '../../engine/simulation/forecast-flow.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { CAPACITY, contactedInLastWeek, CUSTOMERS, eventsBetween, OFFER_FLOW, seedForecastStore, SIGNUPS_FLOW, tableRowCounts } from '../../test/support/forecast-store.ts'
import { runCommand } from '../run-command.ts'
import { register } from './forecast.ts'

const DAY = 86_400_000
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-forecast-'))
const db = path.join(temp, 'store.db')
const offerFile = path.join(temp, 'offer.flow.json')
const seededAt = Date.now()
afterAll(() => rmSync(temp, { recursive: true, force: true }))

beforeAll(async () => {
  const store = await openStore({ db, now: () => seededAt })
  await seedForecastStore(store, seededAt)
  // The signups flow lives in the library only (its draft).
  await openEngineStore(store).saveFlowDraft({ flowId: 'signups', name: 'Signups', definition: JSON.stringify(SIGNUPS_FLOW), revision: 1, createdAt: seededAt, updatedAt: seededAt, updatedBy: 'test', archivedAt: null }, null)
  await store.close()
  writeFileSync(offerFile, JSON.stringify(OFFER_FLOW))
})

async function counts<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ db })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

describe('sluice forecast', () => {
  it('forecasts a flow file as JSON: edges, sends per day, binding limits, holdout; the store keeps every row count', async () => {
    const before = await counts(tableRowCounts)
    const { stdout, error } = await runCommand(register, ['forecast', offerFile, '--db', db, '--days', '3', '--json'])
    expect(error).toBeUndefined()
    expect(await counts(tableRowCounts)).toEqual(before)
    const report = JSON.parse(stdout) as ForecastReport
    const contacted = await counts((store) => contactedInLastWeek(store, Date.now()))
    const passed = CAPACITY + (report.held.email ?? 0)
    expect(report.days).toBe(3)
    expect(report.sends).toEqual({ email: CAPACITY })
    expect(report.edges.map((e) => e.customers)).toEqual([CUSTOMERS, passed])
    expect(report.sendsPerDay).toEqual([{ day: new Date(Date.now()).toISOString().slice(0, 10), channel: 'email', sends: CAPACITY }])
    expect(report.limits.map((l) => [l.limit, l.customers])).toEqual([['capacity:email', CUSTOMERS - contacted - passed], ['cap:all:week', contacted]])
    expect(report.holdout.entered).toBe(CUSTOMERS)
  })

  it('forecasts a library flow by id, as text', async () => {
    const before = await counts(tableRowCounts)
    const { stdout: colored, error } = await runCommand(register, ['forecast', 'signups', '--db', db, '--days', '7'])
    expect(error).toBeUndefined()
    const stdout = stripVTControlCharacters(colored)
    expect(await counts(tableRowCounts)).toEqual(before)
    const now = Date.now()
    const signups = await counts((store) => eventsBetween(store, 'signup', now - 7 * DAY, now))
    expect(signups).toBe(10)
    expect(stdout).toContain(`Forecast of signups v1 on SQLite ${db}`)
    expect(stdout).toContain(`${signups} events of the last 7 days replayed as arrivals; rolled back, nothing sent`)
    expect(stdout).toMatch(new RegExp(`signed-up\\s*│ ${signups}\\s`))
    expect(stdout).toContain('Sends: none')
    expect(stdout).toContain('No cap or capacity binds.')
  })

  it('names a flow that is neither a file nor in the library, and a bad --days', async () => {
    const missing = await runCommand(register, ['forecast', 'nope', '--db', db])
    expect(String(missing.error)).toContain('nope')
    const days = await runCommand(register, ['forecast', offerFile, '--db', db, '--days', '0'])
    expect(isUserError(days.error)).toBe(true)
    expect(String(days.error)).toContain('--days: expected a whole number from 1 to 90, got "0"')
  })
})
