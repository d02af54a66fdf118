/**
 * Imports a project's own module (a node type, sluice.config.ts) by path. A file outside
 * Sluice's folder gets Node resolution hooks first (node-module-hooks.mjs): `sluice/sdk` and zod
 * from this install, `.ts` loaded as an ES module, so a node folder anywhere works with no
 * package.json or node_modules of its own. Files inside Sluice resolve both already.
 */
import { register } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** Sluice's own folder (where its package.json is). */
export const SLUICE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Whether `file` lies outside Sluice's folder. */
export function isOutsideSluice(file: string): boolean {
  const relative = path.relative(SLUICE_ROOT, file)
  return relative.startsWith('..') || path.isAbsolute(relative)
}

let hooksRegistered = false

/** The module at `file` (absolute path); its errors propagate as they are. */
export async function importProjectModule(file: string): Promise<Record<string, unknown>> {
  if (isOutsideSluice(file) && !hooksRegistered) {
    register('./node-module-hooks.mjs', import.meta.url)
    hooksRegistered = true
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>
}
