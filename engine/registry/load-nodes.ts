/**
 * Loads node types from folders into a registry: the built-ins in `nodes/<type>/index.ts`, the
 * folders named in `sluice.config.ts`, and folders given with `--nodes`. A folder is either one
 * node type (it has an `index.ts`) or a folder of node-type folders (like `nodes/`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { NodeDeclarationError, UserError } from '../errors.ts'
import type { AnyNodeDefinition } from '../sdk/define-node.ts'
import { importProjectModule } from './import-project-module.ts'
import { loadProjectConfig } from './project-config.ts'
import { NodeRegistry } from './registry.ts'

const INDEX_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs']

/** The built-in node types shipped with Sluice: `<repo>/nodes`. */
export const BUILTIN_NODES_DIR = fileURLToPath(new URL('../../nodes/', import.meta.url))

function indexFileIn(dir: string): string | undefined {
  return INDEX_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file))
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory()
  } catch {
    return false
  }
}

/** A path as people read it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}

/** The node module files of a folder, in a stable order. Throws when the folder does not exist. */
export function discoverNodeFiles(dir: string): string[] {
  if (!isDirectory(dir)) throw new UserError('node-folder', `node folder ${displayPath(dir)} does not exist or is not a folder`)
  const own = indexFileIn(dir)
  if (own) return [own]
  return readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name))
    .filter(isDirectory)
    .map(indexFileIn)
    .filter((file): file is string => file !== undefined)
}

/**
 * Imports one node module and returns its declarations: the default export is one definition
 * or a list of definitions (several versions of one type). Errors name the file.
 */
export async function importNodeModule(file: string): Promise<AnyNodeDefinition[]> {
  let exported: unknown
  try {
    exported = (await importProjectModule(file)).default
  } catch (error) {
    if (error instanceof NodeDeclarationError) throw new NodeDeclarationError(`${displayPath(file)}: ${error.message}`)
    throw new NodeDeclarationError(`${displayPath(file)}: could not be loaded: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (exported === undefined) throw new NodeDeclarationError(`${displayPath(file)}: has no default export; export default defineNode({...})`)
  return (Array.isArray(exported) ? exported : [exported]) as AnyNodeDefinition[]
}

/** Loads every node module of `dir` into `registry`; returns the files loaded. */
export async function loadNodeFolder(registry: NodeRegistry, dir: string): Promise<string[]> {
  const files = discoverNodeFiles(dir)
  for (const file of files) {
    for (const definition of await importNodeModule(file)) registry.register(definition, displayPath(file))
  }
  return files
}

export interface LoadRegistryOptions {
  /** Project root holding `sluice.config.ts` (default: the working directory); `false` skips the config. */
  root?: string | false
  /** Extra node folders (the CLI's `--nodes DIR`), relative to the working directory. */
  nodeDirs?: readonly string[]
  /** Folder of built-in node types (default {@link BUILTIN_NODES_DIR}); `false` loads none. */
  builtins?: string | false
}

/** Builds the registry of a project: built-ins, then the config's folders, then `nodeDirs`. */
export async function loadRegistry(options: LoadRegistryOptions = {}): Promise<NodeRegistry> {
  const registry = new NodeRegistry()
  const builtins = options.builtins ?? BUILTIN_NODES_DIR
  // The built-in folder may legitimately be empty or absent in a trimmed install.
  if (builtins !== false && isDirectory(builtins)) await loadNodeFolder(registry, builtins)
  if (options.root !== false) {
    const project = await loadProjectConfig(options.root ?? process.cwd())
    for (const dir of project.nodeDirs) await loadNodeFolder(registry, dir)
  }
  for (const dir of options.nodeDirs ?? []) await loadNodeFolder(registry, path.resolve(dir))
  return registry
}
