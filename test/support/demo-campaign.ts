/**
 * The reference campaigns of flows/ back-tested on the demo data, as `sluice demo --as-of D`
 * then `sluice run FLOW --start <D − 55 days> --until D` do it: the demo loaded by the same
 * function the demo command calls (into an in-memory SQLite store, so nothing waits on fsync),
 * then the flow run by the same function `sluice run` calls, kept so the test can read the
 * outbox, contact history and journal back — through the store port and with plain SQL.
 */
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { simulateFlow, type RunReport } from '../../cli/commands/run.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'
import { readDetails } from '../../engine/journal/batch-journal.ts'
import { unpackKeys } from '../../engine/journal/packed-keys.ts'
import type { JournalKind } from '../../engine/ports/engine-store.ts'
import type { StorePort } from '../../engine/ports/store.ts'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import { loadDemo } from '../../demo/load-demo.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts'

export const DAY = 86_400_000
export const HOUR = 3_600_000
/** The demo's as-of date D of every campaign test: events fall in the 12 months before it. */
export const AS_OF = Date.UTC(2025, 5, 15)
/** The last eight weeks: D − 55 days (2025-04-21) until D (exclusive). */
export const START = AS_OF - 55 * DAY

/** A demo store with one campaign run over the last eight weeks, kept for inspection. */
export interface DemoCampaign {
  store: StorePort
  report: RunReport
  /** The store's SQLite connection, for independent checks in plain SQL. */
  db: Database.Database
  close(): Promise<void>
}

/** Loads the demo as of {@link AS_OF} and runs `flows/<flowId>.flow.json` from {@link START} to {@link AS_OF}. */
export async function runDemoCampaign(flowId: string): Promise<DemoCampaign> {
  const store = await openStore({ db: ':memory:', now: () => AS_OF })
  await loadDemo(store, { asOf: AS_OF })
  const registry = await loadRegistry({ root: false })
  const flow = await loadFlowFile(fileURLToPath(new URL(`../../flows/${flowId}.flow.json`, import.meta.url)), registry)
  const report = await simulateFlow(store, { flow, registry, start: START, until: AS_OF, keep: true })
  return { store, report, db: (store as SqliteStore).database, close: () => store.close() }
}

/** The journal's per-customer details of one node (reason, output — null for a deferral — and time), however they were packed. */
export async function journalDetails(campaign: DemoCampaign, nodeId: string): Promise<{ customerKey: number; output: string | null; at: number; reason?: string }[]> {
  const rows = await openEngineStore(campaign.store).readJournal(campaign.report.runId, { nodeId })
  return readDetails(rows).map((d) => ({ customerKey: d.customerKey, output: d.output, at: d.at, ...(d.detail.reason === undefined ? {} : { reason: d.detail.reason }) }))
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** Local date, hour and minute of an instant in an IANA zone (Intl's tz data, not the engine's code). */
export function localTime(at: number, timeZone: string): { hour: number; minute: number; date: string } {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    formats.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]))
  return { hour: Number(parts.hour), minute: Number(parts.minute), date: `${parts.year}-${parts.month}-${parts.day}` }
}

/** Customer keys of the journal rows of one node, kind and output (e.g. routed to `top`), in journal order. */
export async function journalKeys(campaign: DemoCampaign, nodeId: string, kind: JournalKind, output?: string): Promise<{ at: number; keys: number[] }[]> {
  const rows = await openEngineStore(campaign.store).readJournal(campaign.report.runId, { nodeId })
  return rows
    .filter((row) => row.kind === kind && (output === undefined || row.output === output) && row.keys !== null)
    .map((row) => ({ at: row.at, keys: unpackKeys(row.keys as string) }))
}

/** The first whole minute at or after `at` that is `hour`:00 local time in `zone` (a minute-by-minute walk, deliberately naive). */
export function nextLocalHour(at: number, zone: string, hour: number): number {
  let t = Math.ceil(at / 60_000) * 60_000
  for (;;) {
    const local = localTime(t, zone)
    if (local.hour === hour && local.minute === 0) return t
    t += 60_000
  }
}
