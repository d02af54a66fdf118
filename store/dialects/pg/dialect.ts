/** Postgres' fragments of the store's statements (store/core/dialect.ts). Lists travel as arrays. */
import type { StoreDialect } from '../../core/dialect.ts'
import type { SqlColumn } from '../../core/driver.ts'

/** Postgres types of the bulk columns (store/core/driver.ts `SqlColumn`). */
export const PG_TYPES: Record<SqlColumn['type'], string> = { int: 'int', bigint: 'bigint', float: 'float8', text: 'text', bool: 'boolean', json: 'jsonb' }

const PG_PARAM = { int: 'int', bigint: 'bigint', text: 'text', bool: 'boolean', 'text[]': 'text[]' } as const

export const pgDialect: StoreDialect = {
  name: 'postgres',
  inList: (expr, type) => `${expr} = ANY(?::${type}[])`,
  listTable: (alias, type) => `unnest(?::${type}[]) AS ${alias}(value)`,
  param: (type) => `?::${PG_PARAM[type]}`,
  jsonText: (expr) => `${expr}::text`,
  jsonObjectParamValue: (key) => `(?::jsonb ->> ${key})`,
  // Postgres has no index hints; its planner picks the partial indexes by itself.
  indexedBy: () => '',
  noLimit: null,
  // Rows travel as a JSON array of objects (driver.rowsParams), read with json_to_recordset, or
  // jsonb_to_recordset when they hold JSON values (faster for those, see driver.ts).
  rowsTable: (alias, columns) => {
    const json = columns.some((column) => column.type === 'json') ? 'jsonb' : 'json'
    return `${json}_to_recordset(?::${json}) AS ${alias}(${columns.map((column) => `${column.name} ${PG_TYPES[column.type]}`).join(', ')})`
  },
  jsonMergePatch: (target, patch) => `jsonb_strip_nulls(${target} || ${patch})`,
  jsonDiffers: (stored, given) => `${stored} IS DISTINCT FROM ${given}`,
}
