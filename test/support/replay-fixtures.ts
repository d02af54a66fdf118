/**
 * Replay fixtures (test/fixtures/replay/*.json): a reference campaign's run kept as the rows
 * replay reads — the run, its flow version, its journal, its recorded inputs and its outbox — so
 * `npm test` replays runs made by an earlier engine and a change that breaks replaying them
 * fails (test/replay-fixtures.test.ts). Made by scripts/make-replay-fixtures.ts: the demo data of
 * the first customers of demo/telco-customers.csv as of {@link AS_OF}, each flow of flows/ run
 * from {@link START} to AS_OF the way `sluice run` back-tests it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { simulateFlow } from '../../cli/commands/run.ts'
import { loadDemo, TELCO_CSV } from '../../demo/load-demo.ts'
import { loadFlowFile } from '../../engine/flow/files.ts'
import type { FlowVersionRow, OutboxRow, RunInputRow, RunRow, StoredJournalRow } from '../../engine/ports/engine-store.ts'
import type { NodeRegistry } from '../../engine/registry/registry.ts'
import type { ReplaySource } from '../../engine/replay/replay-run.ts'
import { openEngineStore } from '../../store/open-engine-store.ts'
import { openStore } from '../../store/open-store.ts'
import { AS_OF, START } from './demo-campaign.ts'

export const FIXTURE_FORMAT = 1

/** One fixture file. */
export interface ReplayFixture {
  format: number
  /** How it was made: the flow file, the demo customers, the simulated period. */
  made: { flow: string; customers: number; asOf: string; start: string; until: string }
  run: RunRow
  flowVersion: FlowVersionRow
  journal: StoredJournalRow[]
  inputs: RunInputRow[]
  outbox: OutboxRow[]
}

/** Runs `flows/<flowId>.flow.json` on a demo store of the first `customers` customers and keeps what replay reads. */
export async function makeReplayFixture(flowFile: string, registry: NodeRegistry, customers: number): Promise<ReplayFixture> {
  const temp = mkdtempSync(path.join(tmpdir(), 'sluice-replay-fixture-'))
  const csv = path.join(temp, 'customers.csv')
  const lines = readFileSync(TELCO_CSV, 'utf8').split('\n')
  writeFileSync(csv, `${lines.slice(0, customers + 1).join('\n')}\n`)
  const store = await openStore({ db: ':memory:', now: () => AS_OF })
  try {
    await loadDemo(store, { asOf: AS_OF, path: csv })
    const flow = await loadFlowFile(flowFile, registry)
    const report = await simulateFlow(store, { flow, registry, start: START, until: AS_OF, keep: true })
    const engine = openEngineStore(store)
    const run = (await engine.getRun(report.runId)) as RunRow
    const flowVersion = (await engine.getFlowVersion(run.flowId, run.flowVersion)) as FlowVersionRow
    return {
      format: FIXTURE_FORMAT,
      made: { flow: path.relative(process.cwd(), flowFile), customers, asOf: new Date(AS_OF).toISOString(), start: new Date(START).toISOString(), until: new Date(AS_OF).toISOString() },
      run, flowVersion,
      journal: await engine.readJournal(run.id),
      inputs: await engine.readRunInputs(run.id),
      outbox: await engine.listOutbox({ runId: run.id }),
    }
  } finally {
    await store.close()
    rmSync(temp, { recursive: true, force: true })
  }
}

/** A fixture as replay's source: the same reads the store answers, over the kept rows. */
export function fixtureSource(fixture: ReplayFixture): ReplaySource {
  const { run, flowVersion } = fixture
  return {
    getRun: async (id) => (id === run.id ? run : undefined),
    getFlowVersion: async (flowId, version) => (flowId === flowVersion.flowId && version === flowVersion.version ? flowVersion : undefined),
    readJournal: async (runId, options = {}) =>
      fixture.journal
        .filter((r) => r.runId === runId && r.id > (options.afterId ?? 0) && (options.nodeId === undefined || r.nodeId === options.nodeId) && (options.kinds === undefined || options.kinds.includes(r.kind)))
        .slice(0, options.limit ?? Infinity),
    readRunInputs: async (runId, options = {}) => fixture.inputs.filter((r) => r.runId === runId && r.batch > (options.afterBatch ?? 0)).slice(0, options.limit ?? Infinity),
    listOutbox: async (options = {}) => fixture.outbox.filter((r) => (options.runId === undefined || r.runId === options.runId) && r.id > (options.afterId ?? 0)).slice(0, options.limit ?? Infinity),
  }
}

/** Reads a fixture file, refusing one of another format. */
export function readReplayFixture(file: string): ReplayFixture {
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as ReplayFixture
  if (fixture.format !== FIXTURE_FORMAT) throw new Error(`${file}: replay fixture format ${fixture.format}, expected ${FIXTURE_FORMAT}; regenerate with npx tsx scripts/make-replay-fixtures.ts`)
  return fixture
}
