/**
 * The project config as commands that run the engine need it: sluice.config.ts loaded, its
 * secrets and channel adapters resolved from the environment once, here (node and adapter code
 * never read `process.env`). Any missing variable or unusable setting stops the command with
 * its config path.
 */
import { channelRouterFromConfig, type ConfiguredChannels } from '../channels/from-config.ts'
import type { Env } from '../engine/config/secret-ref.ts'
import { resolveNodeSettings, type NodeSettings } from '../engine/config/node-settings.ts'
import { loadProjectConfig, type LoadedProjectConfig } from '../engine/registry/project-config.ts'

export interface ProjectRuntime {
  loaded: LoadedProjectConfig
  /** ctx.secrets and ctx.publicUrl of every node. */
  settings: NodeSettings
  channels: ConfiguredChannels
}

export interface ProjectRuntimeOptions {
  /** Public URL when the config sets none (the address `sluice serve` listens on). */
  fallbackUrl?: string
  /** One JSON line per message the log adapter records. */
  logSink?: (line: string) => void
}

/** Loads the config of the project in `root` and resolves it against `env`. */
export async function loadProjectRuntime(root: string, env: Env, options: ProjectRuntimeOptions = {}): Promise<ProjectRuntime> {
  const loaded = await loadProjectConfig(root)
  const where = loaded.file ?? 'sluice.config.ts'
  const settings = resolveNodeSettings(loaded.config, env, { where, ...(options.fallbackUrl === undefined ? {} : { fallbackUrl: options.fallbackUrl }) })
  const channels = channelRouterFromConfig(loaded.config.channels, env, { where, ...(options.logSink ? { logSink: options.logSink } : {}) })
  return { loaded, settings, channels }
}
