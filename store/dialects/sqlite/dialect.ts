/** SQLite's fragments of the store's statements (store/core/dialect.ts). Lists travel as JSON text read with json_each. */
import type { StoreDialect } from '../../core/dialect.ts'

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  inList: (expr) => `${expr} IN (SELECT value FROM json_each(?))`,
  listTable: (alias) => `json_each(?) AS ${alias}`,
  param: () => '?',
  jsonText: (expr) => `json(${expr})`,
  jsonObjectParamValue: (key) => `(SELECT o.value FROM json_each(?) o WHERE o.key = ${key})`,
  indexedBy: (index) => `INDEXED BY ${index}`,
  noLimit: -1,
}
