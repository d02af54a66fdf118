/**
 * The attribute catalogue: written once over the store driver (store/core) for both dialects.
 * A declared definition is never replaced by an inferred one, in the store and within a batch.
 */
import type { AttributeDef } from '../../engine/ports/store.ts'
import { toAttributeDef, type AttributeRecord } from '../common/row-mapping.ts'
import { foldAttributeDefs, validateAttributeDefs } from '../common/validate-input.ts'
import type { SqlDriver } from '../core/driver.ts'

// One statement per definition (a catalogue is tens of names): `enum_values` is text on SQLite
// and jsonb on Postgres, and a bound JSON string fits both where a bulk JSON column would not.
const UPSERT_ATTRIBUTE = `INSERT INTO attributes (name, type, enum_values, source, description, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET type = excluded.type, enum_values = excluded.enum_values, source = excluded.source,
      description = coalesce(excluded.description, attributes.description), updated_at = excluded.updated_at
    WHERE NOT (attributes.source = 'declared' AND excluded.source = 'inferred')`

export async function defineAttributes(sql: SqlDriver, input: AttributeDef[], now: number): Promise<void> {
  for (const def of foldAttributeDefs(validateAttributeDefs(input))) {
    await sql.run(UPSERT_ATTRIBUTE, [def.name, def.type, def.values ? JSON.stringify(def.values) : null, def.source, def.description ?? null, now])
  }
}

export async function listAttributes(sql: SqlDriver): Promise<AttributeDef[]> {
  const rows = await sql.rows<AttributeRecord>(
    `SELECT name, type, ${sql.dialect.jsonText('enum_values')} AS enum_values, source, description FROM attributes ORDER BY name`,
    [],
  )
  return rows.map(toAttributeDef)
}
