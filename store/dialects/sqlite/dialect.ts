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
  // Rows travel as one JSON array of arrays (driver.rowsParams); `->>` gives SQL values (JSON
  // true as 1), `->` a JSON column's text.
  rowsTable: (alias, columns) =>
    `(SELECT ${columns
      .map((column, i) => (column.type === 'json' ? `nullif(value -> '$[${i}]', 'null')` : `value ->> ${i}`) + ` AS ${column.name}`)
      .join(', ')} FROM json_each(?)) AS ${alias}`,
  jsonMergePatch: (target, patch) => `jsonb_patch(${target}, ${patch})`,
  // Equal JSONB bytes first (the common, cheap case: the same text gives the same bytes), else the
  // same set of (path, type, value) nodes either way, integers and reals alike.
  jsonDiffers: (stored, given) => {
    const nodes = (tree: string, of: string) => `SELECT ${tree}.fullkey, iif(${tree}.type = 'real', 'integer', ${tree}.type), ${tree}.atom FROM json_tree(${of}) ${tree}`
    return `(${stored} IS NOT jsonb(${given}) AND (EXISTS (${nodes('t', stored)} EXCEPT ${nodes('u', given)}) OR EXISTS (${nodes('u', given)} EXCEPT ${nodes('t', stored)})))`
  },
}
