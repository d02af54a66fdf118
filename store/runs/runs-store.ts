/**
 * Flows and runs: editable drafts (saved against the revision edited), published immutable
 * versions, and the runs of a version with their lifecycle snapshot. One implementation over
 * the store driver for both dialects.
 */
import type { EngineStore, FlowDraftRow, FlowVersionRow, RunRow } from '../../engine/ports/engine-store.ts'
import type { StoreSession } from '../core/session.ts'
import { bool, num, numOrNull, textOrNull } from '../core/values.ts'

export type RunsPort = Pick<EngineStore,
  'saveFlowVersion' | 'getFlowVersion' | 'listFlowVersions' | 'listFlowDrafts' | 'getFlowDraft' | 'saveFlowDraft' | 'insertRun' | 'updateRun' | 'getRun' | 'listRuns'>

const VERSION_COLUMNS = 'flow_id AS "flowId", version, definition, published_at AS "publishedAt"'
const DRAFT_COLUMNS = `flow_id AS "flowId", name, definition, revision, created_at AS "createdAt", updated_at AS "updatedAt",
  updated_by AS "updatedBy", archived_at AS "archivedAt"`
const RUN_COLUMNS = `id, flow_id AS "flowId", flow_version AS "flowVersion", state, snapshot, seed, accepting, policy, replaces, options,
  created_at AS "createdAt", updated_at AS "updatedAt"`

const SQL = {
  insertFlowVersion: 'INSERT INTO flow_versions (flow_id, version, definition, published_at) VALUES (?, ?, ?, ?) ON CONFLICT (flow_id, version) DO NOTHING',
  getFlowVersion: `SELECT ${VERSION_COLUMNS} FROM flow_versions WHERE flow_id = ? AND version = ?`,
  listFlowVersions: `SELECT ${VERSION_COLUMNS} FROM flow_versions WHERE flow_id = ? ORDER BY version DESC`,
  listFlowDrafts: `SELECT ${DRAFT_COLUMNS} FROM flow_drafts ORDER BY flow_id`,
  getFlowDraft: `SELECT ${DRAFT_COLUMNS} FROM flow_drafts WHERE flow_id = ?`,
  insertFlowDraft: `INSERT INTO flow_drafts (flow_id, name, definition, revision, created_at, updated_at, updated_by, archived_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (flow_id) DO NOTHING`,
  updateFlowDraft: `UPDATE flow_drafts SET name = ?, definition = ?, revision = ?, updated_at = ?, updated_by = ?, archived_at = ?
    WHERE flow_id = ? AND revision = ?`,
  insertRun: `INSERT INTO runs (id, flow_id, flow_version, state, snapshot, seed, accepting, policy, replaces, options, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  getRun: `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`,
} as const

/** Run columns `updateRun` may set, by field name. A fixed map: no identifier ever comes from input. */
const RUN_UPDATE_COLUMNS: Record<string, string> = {
  state: 'state',
  snapshot: 'snapshot',
  seed: 'seed',
  accepting: 'accepting',
  policy: 'policy',
  replaces: 'replaces',
  options: 'options',
  updatedAt: 'updated_at',
}

export function runsStore(db: StoreSession): RunsPort {
  const { dialect } = db.driver
  const listRuns = `SELECT ${RUN_COLUMNS} FROM runs WHERE (${dialect.param('text')} IS NULL OR flow_id = ?)
    AND (${dialect.param('text[]')} IS NULL OR ${dialect.inList('state', 'text')}) ORDER BY created_at, id`
  return {
    saveFlowVersion: (row) =>
      db.use(async (sql) => {
        if ((await sql.run(SQL.insertFlowVersion, [row.flowId, row.version, row.definition, row.publishedAt])) === 1) return 'created'
        const [existing] = await sql.rows(SQL.getFlowVersion, [row.flowId, row.version])
        return existing?.definition === row.definition ? 'exists' : 'conflict'
      }),
    getFlowVersion: (flowId, version) =>
      db.use(async (sql) => {
        const [row] = await sql.rows(SQL.getFlowVersion, [flowId, version])
        return row ? toFlowVersion(row) : undefined
      }),
    listFlowVersions: (flowId) => db.use(async (sql) => (await sql.rows(SQL.listFlowVersions, [flowId])).map(toFlowVersion)),
    listFlowDrafts: () => db.use(async (sql) => (await sql.rows(SQL.listFlowDrafts, [])).map(toFlowDraft)),
    getFlowDraft: (flowId) =>
      db.use(async (sql) => {
        const [row] = await sql.rows(SQL.getFlowDraft, [flowId])
        return row ? toFlowDraft(row) : undefined
      }),
    saveFlowDraft: (row, expectedRevision) =>
      db.use(async (sql) => {
        const changes = expectedRevision === null
          ? await sql.run(SQL.insertFlowDraft, [row.flowId, row.name, row.definition, row.revision, row.createdAt, row.updatedAt, row.updatedBy, row.archivedAt])
          : await sql.run(SQL.updateFlowDraft, [row.name, row.definition, row.revision, row.updatedAt, row.updatedBy, row.archivedAt, row.flowId, expectedRevision])
        return changes === 1 ? 'saved' : 'conflict'
      }),
    insertRun: (row) =>
      db.use(async (sql) => {
        await sql.run(SQL.insertRun, [row.id, row.flowId, row.flowVersion, row.state, row.snapshot, row.seed, row.accepting, row.policy,
          row.replaces, row.options, row.createdAt, row.updatedAt])
      }),
    updateRun: (id, patch) =>
      db.use(async (sql) => {
        const sets: string[] = []
        const values: unknown[] = []
        for (const [field, value] of Object.entries(patch)) {
          const column = RUN_UPDATE_COLUMNS[field]
          if (!column || value === undefined) continue
          sets.push(`${column} = ?`)
          values.push(value)
        }
        if (sets.length > 0) await sql.run(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`, [...values, id])
      }),
    getRun: (id) =>
      db.use(async (sql) => {
        const [row] = await sql.rows(SQL.getRun, [id])
        return row ? toRun(row) : undefined
      }),
    listRuns: (filter = {}) =>
      db.use(async (sql) => {
        const flowId = filter.flowId ?? null
        const states = filter.states ? sql.list(filter.states) : null
        return (await sql.rows(listRuns, [flowId, flowId, states, states])).map(toRun)
      }),
  }
}

function toFlowVersion(row: Record<string, unknown>): FlowVersionRow {
  return { flowId: String(row.flowId), version: num(row.version), definition: String(row.definition), publishedAt: num(row.publishedAt) }
}

function toFlowDraft(row: Record<string, unknown>): FlowDraftRow {
  return {
    flowId: String(row.flowId), name: String(row.name), definition: String(row.definition), revision: num(row.revision),
    createdAt: num(row.createdAt), updatedAt: num(row.updatedAt), updatedBy: textOrNull(row.updatedBy), archivedAt: numOrNull(row.archivedAt),
  }
}

function toRun(row: Record<string, unknown>): RunRow {
  return {
    id: String(row.id), flowId: String(row.flowId), flowVersion: num(row.flowVersion), state: row.state as RunRow['state'],
    snapshot: String(row.snapshot), seed: String(row.seed), accepting: bool(row.accepting), policy: (row.policy ?? null) as RunRow['policy'],
    replaces: textOrNull(row.replaces), options: String(row.options), createdAt: num(row.createdAt), updatedAt: num(row.updatedAt),
  }
}
