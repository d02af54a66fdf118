/**
 * Which commands may create a store (issue 16, defect 4): a mistyped --db used to create the
 * folders and an empty database, and `run` / `segment count` then reported 0 customers with
 * exit 0. Reading and running commands refuse a missing file, an empty or foreign SQLite file
 * and a non-database file, creating nothing; only db migrate, import, demo, generate and serve
 * create a store.
 *
 * A store this user may not write (defect 7) was `internal error … please report it` (exit 2)
 * and left empty -wal / -shm files: now exit 1 naming the file or folder and the permission,
 * with nothing left behind. Root writes through any file mode, so as root these commands run
 * as the unprivileged user 65534 (nobody), for whom the modes really hold.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { StoreUnavailableError, UserError } from '../engine/errors.ts'
import { StoreMissingError } from '../store/common/store-missing.ts'
import { openStore } from '../store/open-store.ts'
import { createTempFolder } from '../test/support/sqlite.ts'
import type { RegisterCommand } from './commands/index.ts'
import { register as registerDb } from './commands/db.ts'
import { register as registerImport } from './commands/import.ts'
import { register as registerPublish } from './commands/publish.ts'
import { register as registerRun } from './commands/run.ts'
import { register as registerRuns } from './commands/runs.ts'
import { register as registerForecast } from './commands/forecast.ts'
import { register as registerSegment } from './commands/segment.ts'
import { register as registerValidate } from './commands/validate.ts'
import { runCommand } from './run-command.ts'

const repo = fileURLToPath(new URL('..', import.meta.url))
const flow = join(repo, 'flows', 'win-back.flow.json')
const temp = createTempFolder('sluice-store-options-')
const folder = join(temp.db('work'), '..')
afterAll(() => temp.remove())

const segmentFile = join(folder, 'tenure.json')
writeFileSync(segmentFile, JSON.stringify({ type: 'attribute', name: 'tenure', op: 'gte', value: 12 }))

/** Every command that only reads or runs, as it would be typed with `--db <db>`. */
const readingCommands: { name: string; register: RegisterCommand; args: (db: string) => string[] }[] = [
  { name: 'run', register: registerRun, args: (db) => ['run', flow, '--start', '2025-04-21', '--until', '2025-04-22', '--db', db] },
  { name: 'segment count', register: registerSegment, args: (db) => ['segment', 'count', segmentFile, '--db', db] },
  { name: 'validate (with a store)', register: registerValidate, args: (db) => ['validate', flow, '--db', db] },
  { name: 'publish', register: registerPublish, args: (db) => ['publish', flow, '--db', db] },
  { name: 'runs', register: registerRuns, args: (db) => ['runs', '--db', db] },
  { name: 'pause', register: registerRuns, args: (db) => ['pause', 'run-1', '--db', db] },
  { name: 'runs evict', register: registerRuns, args: (db) => ['runs', 'evict', 'run-1', '--customers', 'c-1', '--db', db] },
  { name: 'runs show', register: registerRuns, args: (db) => ['runs', 'show', 'run-1', '--db', db] },
  { name: 'runs customers', register: registerRuns, args: (db) => ['runs', 'customers', 'run-1', '--state', 'held', '--db', db] },
  { name: 'forecast', register: registerForecast, args: (db) => ['forecast', flow, '--db', db] },
]

/** The names in `dir`, to show that a refusal left nothing behind. */
const listing = (dir: string) => readdirSync(dir).sort()

describe('commands that read or run refuse a store that is not there', () => {
  it.each(readingCommands)('$name: a mistyped --db is an error naming the path and how to create it, and nothing is created', async ({ register, args }) => {
    const db = join(folder, 'nope', 'dir', 'x.db')
    const before = listing(folder)
    const run = await runCommand(register, args(db))
    expect(run.error).toBeInstanceOf(StoreMissingError)
    expect(run.error).toBeInstanceOf(UserError)
    const message = (run.error as Error).message
    expect(message).toContain(`no store at ${db} (`)
    expect(message).toContain(`"sluice db migrate --db ${db}"`)
    expect(message).toContain(`"sluice demo --db ${db}"`)
    expect(run.stdout).toBe('')
    expect(existsSync(join(folder, 'nope'))).toBe(false)
    expect(listing(folder)).toEqual(before)
  })

  it.each(readingCommands)('$name: an empty file (what the old behaviour left) is not a Sluice store, and stays empty', async ({ register, args }) => {
    const db = join(folder, `empty-${args('x')[0]}.db`)
    writeFileSync(db, '')
    const before = listing(folder)
    const run = await runCommand(register, args(db))
    expect(run.error).toBeInstanceOf(StoreMissingError)
    expect((run.error as Error).message).toMatch(new RegExp(`^${escape(db)} is not a Sluice store: it is a SQLite database without Sluice's tables; check the path, or create`))
    expect(statSync(db).size).toBe(0)
    expect(listing(folder)).toEqual(before)
  })

  it("refuses another application's SQLite database (WAL or not) without touching it", async () => {
    for (const wal of [false, true]) {
      const db = join(folder, `foreign-${wal}.db`)
      const other = new Database(db)
      if (wal) other.pragma('journal_mode = WAL')
      other.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY)')
      other.close()
      const bytes = readFileSync(db)
      const before = listing(folder)
      const run = await runCommand(registerSegment, ['segment', 'count', segmentFile, '--db', db])
      expect((run.error as Error).message).toContain(`${db} is not a Sluice store: it is a SQLite database without Sluice's tables`)
      expect(readFileSync(db).equals(bytes)).toBe(true)
      expect(listing(folder)).toEqual(before)
    }
  })

  it('refuses a file that is not a SQLite database, and a folder given as --db', async () => {
    const text = join(folder, 'notes.db')
    writeFileSync(text, 'these are my notes, not a database\n'.repeat(40))
    const asText = await runCommand(registerSegment, ['segment', 'count', segmentFile, '--db', text])
    expect(asText.error).toBeInstanceOf(StoreUnavailableError)
    expect((asText.error as Error).message).toBe(`${text} is not a Sluice store: it is not a SQLite database (check the path)`)
    expect(readFileSync(text, 'utf8')).toBe('these are my notes, not a database\n'.repeat(40))

    const dir = join(folder, 'a-folder')
    mkdirSync(dir)
    const asFolder = await runCommand(registerRun, ['run', flow, '--db', dir])
    expect((asFolder.error as Error).message).toBe(`cannot use the SQLite store at ${dir}: it is a folder, not a database file (give the file inside it, e.g. sluice.db)`)
    expect(readdirSync(dir)).toEqual([])
  })

  it('works on a migrated store, and the creating commands still create one', async () => {
    const db = join(folder, 'made', 'by', 'migrate.db')
    const migrate = await runCommand(registerDb, ['db', 'migrate', '--db', db])
    expect(migrate.error).toBeUndefined()
    expect(existsSync(db)).toBe(true)
    const count = await runCommand(registerSegment, ['segment', 'count', segmentFile, '--db', db, '--now', '2025-01-01'])
    expect(count.error).toBeUndefined()
    expect(count.stdout).toContain('Matches 0 of 0 customers')

    const customers = join(folder, 'customers.csv')
    writeFileSync(customers, 'id,tenure\nc-1,14\n')
    const imported = join(folder, 'made', 'by', 'import.db')
    const run = await runCommand(registerImport, ['import', 'customers', customers, '--db', imported])
    expect(run.error).toBeUndefined()
    const store = await openStore({ db: imported, ifMissing: 'refuse' })
    try {
      expect(await store.countCustomers()).toBe(1)
    } finally {
      await store.close()
    }
  })

  it('exits 1 with one line on stderr from the real command line', () => {
    const db = join(folder, 'typo', 'sluice.db')
    const child = spawnSync(process.execPath, ['cli/bin.mjs', 'segment', 'count', segmentFile, '--db', db], { cwd: repo, encoding: 'utf8' })
    expect(child.status).toBe(1)
    expect(child.stdout).toBe('')
    expect(child.stderr).toBe(
      `error: no store at ${db} (${db} does not exist); check the path, or create the store with "sluice db migrate --db ${db}" (empty) or "sluice demo --db ${db}" (the demo data)\n`,
    )
    expect(existsSync(join(folder, 'typo'))).toBe(false)
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

describe('a store this user may not write', () => {
  const root = process.getuid?.() === 0
  // Root bypasses file modes, and SQLite as root would write: run as an ordinary user then.
  const asUser = root ? { uid: 65534, gid: 65534 } : {}
  const sluice = (...args: string[]) => spawnSync(process.execPath, [join(repo, 'cli/bin.mjs'), ...args], { cwd: repo, encoding: 'utf8', ...asUser })

  /** A folder the command's user can enter, holding a migrated store and a segment file. */
  async function storeFolder(): Promise<{ dir: string; db: string; segment: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-permissions-'))
    chmodSync(dir, 0o777)
    const db = join(dir, 'store.db')
    await (await openStore({ db })).close()
    const segment = join(dir, 'tenure.json')
    writeFileSync(segment, JSON.stringify({ type: 'attribute', name: 'tenure', op: 'gte', value: 12 }))
    chmodSync(segment, 0o644)
    return { dir, db, segment }
  }
  const removeFolder = (dir: string) => {
    chmodSync(dir, 0o700)
    rmSync(dir, { recursive: true, force: true })
  }

  it('a read-only file: exit 1 naming the file and the write permission, for reading and running commands, and no -wal / -shm appear', async () => {
    const { dir, db, segment } = await storeFolder()
    try {
      chmodSync(db, 0o444)
      const before = listing(dir)
      expect(before).toEqual(['store.db', 'tenure.json'])
      const message = `error: cannot use the SQLite store at ${db}: the file is read-only for this user (permission denied): Sluice needs write permission on it, even to read (SQLite's WAL mode writes to it)\n`
      for (const args of [
        ['segment', 'count', segment, '--db', db],
        ['run', flow, '--start', '2025-04-21', '--until', '2025-04-22', '--db', db],
      ]) {
        const child = sluice(...args)
        expect({ status: child.status, stderr: child.stderr, stdout: child.stdout }, args[0]).toEqual({ status: 1, stderr: message, stdout: '' })
        expect(listing(dir)).toEqual(before)
      }
    } finally {
      removeFolder(dir)
    }
  })

  it('a read-only folder: exit 1 naming the folder, where SQLite would create its -wal and -shm files; nothing created', async () => {
    const { dir, db, segment } = await storeFolder()
    try {
      chmodSync(db, 0o666)
      chmodSync(dir, 0o555)
      const child = sluice('segment', 'count', segment, '--db', db)
      expect(child.status).toBe(1)
      expect(child.stderr).toBe(
        `error: cannot use the SQLite store at ${db}: its folder ${dir} is not writable for this user (permission denied): SQLite creates store.db-wal and store.db-shm there, even to read\n`,
      )
      expect(listing(dir)).toEqual(['store.db', 'tenure.json'])

      const fresh = join(dir, 'new', 'sluice.db')
      const migrate = sluice('db', 'migrate', '--db', fresh)
      expect(migrate.status).toBe(1)
      expect(migrate.stderr).toBe(`error: cannot use the SQLite store at ${fresh}: the folder ${dir} is not writable for this user (permission denied), so the store cannot be created there\n`)
      expect(listing(dir)).toEqual(['store.db', 'tenure.json'])
    } finally {
      removeFolder(dir)
    }
  })
})
