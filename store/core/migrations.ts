/**
 * Where each dialect's drizzle migrations live (store/dialects/{sqlite,pg}/migrations, generated
 * by `npm run db:generate` from that dialect's schema). The stores' `migrate()` applies them with
 * drizzle's migrator on their own connection (Postgres under an advisory lock).
 */
import { fileURLToPath } from 'node:url'
import type { Dialect } from '../../engine/ports/store.ts'

const FOLDERS: Record<Dialect, string> = {
  sqlite: fileURLToPath(new URL('../dialects/sqlite/migrations', import.meta.url)),
  postgres: fileURLToPath(new URL('../dialects/pg/migrations', import.meta.url)),
}

export function migrationsFolder(dialect: Dialect): string {
  return FOLDERS[dialect]
}
