/**
 * What nodes receive from the project config besides the contact policy: the resolved
 * `secrets` (ctx.secrets) and the server's public URL (ctx.publicUrl). Resolved once, at
 * startup, from the environment given; a missing variable is a ValidationError naming its path.
 */
import type { NodeSecrets } from '../sdk/types.ts'
import { SecretResolver, type Env, type SecretRef } from './secret-ref.ts'
import { resolveSecrets } from './secrets.ts'
import { normalizePublicUrl, type ServerConfig } from './server-config.ts'

export interface NodeSettings {
  secrets: NodeSecrets
  /** `server.publicUrl`, or `fallbackUrl` (the address the server listens on); without a trailing slash. */
  publicUrl?: string
}

/** The node-facing part of a project config, resolved against `env`. `where` names the config file in errors. */
export function resolveNodeSettings(
  config: { secrets?: Readonly<Record<string, SecretRef>> | undefined; server?: ServerConfig | undefined },
  env: Env,
  options: { where?: string; fallbackUrl?: string } = {},
): NodeSettings {
  const resolver = new SecretResolver(env)
  const secrets = resolveSecrets(config.secrets, resolver)
  resolver.throwIfProblems(options.where ?? 'sluice.config.ts')
  const url = config.server?.publicUrl ?? options.fallbackUrl
  return { secrets, ...(url === undefined ? {} : { publicUrl: normalizePublicUrl(url) }) }
}
