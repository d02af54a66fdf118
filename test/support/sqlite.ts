/** SQLite for tests: a database file in a fresh temporary folder, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TempFolder {
  /** A path for a new database file in the folder, e.g. `db('store')` → `<folder>/store-1.db`. */
  db(name?: string): string
  /** Removes the folder and every file in it. */
  remove(): void
}

/** Creates a temporary folder for SQLite files. */
export function createTempFolder(prefix = 'sluice-test-'): TempFolder {
  const folder = mkdtempSync(join(tmpdir(), prefix))
  let counter = 0
  return {
    db: (name = 'store') => join(folder, `${name}-${++counter}.db`),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  }
}
