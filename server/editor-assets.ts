/**
 * The editor's built files (editor/dist) and keeping them current: `sluice serve` builds the
 * editor with Vite when the build is missing or older than its sources, so `npm install &&
 * npm start` is still all the set-up. The app serves the build at `/` (see app.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
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

/** Builds the editor when needed; returns what it found. */
export async function ensureEditorBuilt(log: (line: string) => void = () => {}): Promise<'built' | 'fresh'> {
  const state = editorBuildState()
  if (state === 'fresh') return 'fresh'
  log(state === 'missing' ? 'Building the editor (first start)…' : 'The editor changed since its last build: rebuilding…')
  const { build } = await import('vite')
  await build({ configFile: path.join(EDITOR_ROOT, 'vite.config.ts'), logLevel: 'warn' })
  return 'built'
}
