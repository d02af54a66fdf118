/**
 * Writes docs/nodes.md from the project's node registry: `npm run docs:nodes`.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describeNodeTypes, renderNodesDoc } from './describe-nodes.ts'
import { loadRegistry } from './load-nodes.ts'

/** The repository root (the project whose registry docs/nodes.md documents). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const NODES_DOC_FILE = path.join(REPO_ROOT, 'docs/nodes.md')

/** The text docs/nodes.md should have: built-ins plus the repository's sluice.config.ts folders. */
export async function projectNodesDoc(): Promise<string> {
  const registry = await loadRegistry({ root: REPO_ROOT })
  // Sources relative to the repository, so the page is the same whatever directory it is built from.
  const sourceOf = (type: string) => {
    const source = registry.sourceOf(type)
    return source === undefined ? undefined : path.relative(REPO_ROOT, path.resolve(source)).split(path.sep).join('/')
  }
  return renderNodesDoc(describeNodeTypes(registry, sourceOf))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(NODES_DOC_FILE, await projectNodesDoc(), 'utf8')
  process.stdout.write(`wrote ${NODES_DOC_FILE}\n`)
}
