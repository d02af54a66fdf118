/**
 * The editor's built files (editor/dist) and keeping them current: `sluice serve` builds the
 * editor with Vite when the build is missing or older than its sources, so `npm install &&
 * npm start` is still all the set-up. The app serves the build at `/` (see app.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { open, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

export const EDITOR_ROOT = fileURLToPath(new URL('../editor/', import.meta.url))
export const EDITOR_DIST = path.join(EDITOR_ROOT, 'dist')

/** Newest modification time of a file or a folder's files (ms). */
function newest(target: string): number {
  if (!existsSync(target)) return 0
  const stat = statSync(target)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(target).map((name) => newest(path.join(target, name))))
}

/** Whether editor/dist is missing, older than editor/src (and its config), or current. */
export function editorBuildState(root = EDITOR_ROOT): 'missing' | 'stale' | 'fresh' {
  const index = path.join(root, 'dist', 'index.html')
  if (!existsSync(index)) return 'missing'
  const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'index.html')), newest(path.join(root, 'vite.config.ts')))
  return sources > statSync(index).mtimeMs ? 'stale' : 'fresh'
}

/** A build lock older than this was left by a process that died mid-build. */
const STALE_LOCK_MS = 5 * 60_000

/**
 * Builds the editor when needed; returns what it found. Processes that start together (two
 * browser test files, a server and a test) build one at a time: the first takes a lock file,
 * the others wait for it and find the build fresh.
 */
export async function ensureEditorBuilt(log: (line: string) => void = () => {}, root = EDITOR_ROOT): Promise<'built' | 'fresh'> {
  if (editorBuildState(root) === 'fresh') return 'fresh'
  const release = await buildLock(path.join(root, '.build.lock'))
  try {
    const state = editorBuildState(root)
    if (state === 'fresh') return 'fresh'
    log(state === 'missing' ? 'Building the editor (first start)…' : 'The editor changed since its last build: rebuilding…')
    const { build } = await import('vite')
    await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' })
    return 'built'
  } finally {
    await release()
  }
}

/** Takes the lock file (waiting while another process holds it); resolves to its release. */
export async function buildLock(file: string): Promise<() => Promise<void>> {
  for (;;) {
    try {
      const handle = await open(file, 'wx')
      return async () => {
        await handle.close()
        await rm(file, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const held = await stat(file).catch(() => null)
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rm(file, { force: true })
      else await sleep(200)
    }
  }
}
