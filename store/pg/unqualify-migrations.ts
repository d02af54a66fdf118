/**
 * Post-step of `npm run db:generate`: drizzle-kit writes foreign keys as
 * `REFERENCES "public"."customers"`, which would tie every store to the `public` schema. A store
 * bound to another schema (tests run one schema per file; deployments may share a database)
 * needs unqualified names that resolve through its search_path, so this strips the qualifier
 * from the generated SQL. A test (pg-migrations.test.ts) fails if a migration still has one.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Folder holding the Postgres migrations drizzle-kit generates. */
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url))

/** Removes `"public".` schema qualifiers from one migration's SQL. */
export function unqualifySql(text: string): string {
  return text.replaceAll('"public".', '')
}

/** Rewrites every .sql file of the folder in place; returns the names of the files it changed. */
export function unqualifyMigrations(folder = PG_MIGRATIONS_FOLDER): string[] {
  const changed: string[] = []
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.sql'))) {
    const path = join(folder, name)
    const before = readFileSync(path, 'utf8')
    const after = unqualifySql(before)
    if (after !== before) {
      writeFileSync(path, after)
      changed.push(name)
    }
  }
  return changed
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const changed = unqualifyMigrations()
  console.log(changed.length ? `unqualified schema names in ${changed.join(', ')}` : 'pg migrations already unqualified')
}
