/** `sluice db migrate`: creates or upgrades the store's tables and says which migrations ran. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import type { StorePort } from '../../engine/ports/store.ts'
import { migrationsFolder } from '../../store/core/migrations.ts'
import { PgStore } from '../../store/pg/pg-store.ts'
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts'
import { addStoreOptions, describeStore, withStore } from '../store-options.ts'
import type { StoreOptionValues } from '../store-options.ts'

/** Registers `db migrate`. */
export function register(program: Command): void {
  const db = program.command('db').description('Manage the store database')
  addStoreOptions(db.command('migrate').description('Create or upgrade the store tables (idempotent)'))
    .option('--json', 'print the result as JSON')
    .action(async (flags: StoreOptionValues & { json?: boolean }) => {
      const result = await withStore(flags, async (store) => {
        const before = await appliedCount(store)
        await store.migrate()
        const after = await appliedCount(store)
        const names = migrationNames(store.dialect)
        return { store: describeStore(flags), applied: names.slice(before, after), total: after, known: names.length }
      }, { migrate: false, create: true })
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
        return
      }
      const message =
        result.applied.length === 0
          ? `${result.store} is up to date (${result.total} migration${result.total === 1 ? '' : 's'} applied).`
          : `${result.store}: applied ${result.applied.length} migration${result.applied.length === 1 ? '' : 's'}: ${result.applied.join(', ')}.`
      process.stdout.write(`${message}\n`)
    })
}

/** Migration names in the order drizzle applies them, from the dialect's journal. */
function migrationNames(dialect: StorePort['dialect']): string[] {
  const journal = JSON.parse(readFileSync(join(migrationsFolder(dialect), 'meta', '_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string }[]
  }
  return [...journal.entries].sort((a, b) => a.idx - b.idx).map((entry) => entry.tag)
}

/**
 * How many migrations drizzle has recorded as applied. Drizzle applies them in journal order,
 * so the first N names of the journal are the applied ones.
 */
async function appliedCount(store: StorePort): Promise<number> {
  if (store instanceof SqliteStore) {
    const db = store.database
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get()
    return table ? (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0
  }
  if (store instanceof PgStore) {
    // The pool's search_path is the store's schema, where drizzle keeps its table.
    const exists = await store.pool.query<{ t: string | null }>("SELECT to_regclass('__drizzle_migrations')::text AS t")
    if (!exists.rows[0]?.t) return 0
    const count = await store.pool.query<{ n: string }>('SELECT count(*) AS n FROM __drizzle_migrations')
    return Number(count.rows[0]?.n ?? 0)
  }
  return 0
}
