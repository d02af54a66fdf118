/** Postgres' fragments of the store's statements (store/core/dialect.ts). Lists travel as arrays. */
import type { StoreDialect } from '../../core/dialect.ts'

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
}
