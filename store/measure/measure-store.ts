/**
 * Measure analytics: a goal's conversions per holdout group and segment, computed in SQL
 * (goal-sql.ts compiles the statements per dialect with the segment compiler's parameters).
 */
import type { EngineStore } from '../../engine/ports/engine-store.ts'
import type { StoreSession } from '../core/session.ts'
import { measureGoalWith } from './goal-sql.ts'

export type MeasurePort = Pick<EngineStore, 'measureGoal'>

export function measureStore(db: StoreSession): MeasurePort {
  const dialect = db.driver.dialect.name
  return {
    measureGoal: (runId, query) =>
      db.use((sql) => measureGoalWith(dialect, runId, query, (statement) => sql.compiledRows(statement.text, statement.params.bindings()))),
  }
}
