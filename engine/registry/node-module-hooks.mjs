// Node module-resolution hooks for node-type folders outside Sluice (see load-nodes.ts, which
// registers them with `module.register` before it imports such a folder). Plain JavaScript: the
// hooks run on Node's loader thread, before any TypeScript loader applies to them.
//
// - `sluice` and `sluice/…` (the SDK, the test harness) resolve to the Sluice that is running,
//   through the `exports` of its package.json, wherever the node folder lives: node code must use
//   the SDK of the engine that runs it, and needs no install of its own.
// - A bare `zod` that the folder cannot resolve itself comes from Sluice's install (the SDK also
//   re-exports `z`), so a folder with no node_modules loads, and shares Sluice's zod.
// - A `.ts` / `.mts` file that Node would treat as CommonJS (no package.json saying
//   "type": "module" above it) is loaded as an ES module: node code is ESM like the SDK it
//   imports, and CommonJS requiring the ESM SDK fails with "Cannot require() ES Module … in a cycle".

const SLUICE_PACKAGE_JSON = new URL('../../package.json', import.meta.url).href
const FROM_SLUICE_WHEN_MISSING = new Set(['zod'])

/** The package name of a bare specifier (`zod/v4` → `zod`, `@scope/pkg/x` → `@scope/pkg`), or undefined. */
function packageName(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z]+:/i.test(specifier)) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function asModule(resolved) {
  if (resolved.format !== 'commonjs' || !resolved.url.startsWith('file:')) return resolved
  const { pathname } = new URL(resolved.url)
  return /\.m?ts$/.test(pathname) && !pathname.includes('/node_modules/') ? { ...resolved, format: 'module' } : resolved
}

export async function resolve(specifier, context, next) {
  const name = packageName(specifier)
  if (name === 'sluice') return next(specifier, { ...context, parentURL: SLUICE_PACKAGE_JSON })
  try {
    return asModule(await next(specifier, context))
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && FROM_SLUICE_WHEN_MISSING.has(name)) return next(specifier, { ...context, parentURL: SLUICE_PACKAGE_JSON })
    throw error
  }
}
