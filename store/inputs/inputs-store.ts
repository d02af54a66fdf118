/**
 * Recorded inputs of runs (engine/replay/batch-inputs.ts): one row per executor batch, appended
 * in the batch's transaction and read back in batch order by replay. One implementation over
 * the store driver.
 */
import type { EngineStore, RunInputRow } from '../../engine/ports/engine-store.ts'
import type { RowInsert } from '../core/driver.ts'
import type { StoreSession } from '../core/session.ts'
import { num } from '../core/values.ts'

export type InputsPort = Pick<EngineStore, 'appendRunInputs' | 'readRunInputs'>

const APPEND_INPUTS: RowInsert = {
  table: 'run_inputs',
  columns: [
    { name: 'run_id', type: 'text' }, { name: 'batch', type: 'int' }, { name: 'node_id', type: 'text' }, { name: 'at', type: 'bigint' },
    { name: 'count', type: 'int' }, { name: 'keys', type: 'text' }, { name: 'data', type: 'text' },
  ],
}

const READ_INPUTS = `SELECT run_id AS "runId", batch, node_id AS "nodeId", at, count, keys, data FROM run_inputs
  WHERE run_id = ? AND batch > ? ORDER BY batch LIMIT ?`

export function inputsStore(db: StoreSession): InputsPort {
  const { dialect: d } = db.driver
  return {
    appendRunInputs: async (rows) => {
      if (rows.length === 0) return
      const values: unknown[] = []
      for (const r of rows) values.push(r.runId, r.batch, r.nodeId, r.at, r.count, r.keys, r.data)
      await db.use((sql) => sql.insert(APPEND_INPUTS, values))
    },
    readRunInputs: (runId, options = {}) =>
      db.use(async (sql) =>
        (await sql.rows(READ_INPUTS, [runId, options.afterBatch ?? 0, options.limit ?? d.noLimit])).map((row): RunInputRow => ({
          runId: String(row.runId), batch: num(row.batch), nodeId: String(row.nodeId), at: num(row.at), count: num(row.count),
          keys: String(row.keys), data: String(row.data),
        }))),
  }
}
