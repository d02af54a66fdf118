/**
 * The node-type flags of commands that need the registry (`validate`, `nodes`): `--nodes DIR`
 * (repeatable) adds folders of custom node types to the built-ins and the folders named in
 * `sluice.config.ts` of the working directory.
 */
import type { Command } from 'commander'
import { loadRegistry } from '../engine/registry/load-nodes.ts'
import type { NodeRegistry } from '../engine/registry/registry.ts'

/** The parsed registry flags. */
export interface RegistryOptionValues {
  nodes?: string[]
}

/** Adds `--nodes DIR` (repeatable) to `command`. */
export function addRegistryOptions(command: Command): Command {
  return command.option(
    '--nodes <dir>',
    'folder of custom node types (repeatable), besides nodes/ and the folders in sluice.config.ts',
    (dir: string, previous: string[] = []) => [...previous, dir],
  )
}

/** Loads the registry of the project in the working directory, plus the --nodes folders. */
export function registryFromOptions(options: RegistryOptionValues): Promise<NodeRegistry> {
  return loadRegistry({ root: process.cwd(), nodeDirs: options.nodes ?? [] })
}
