/**
 * Named secrets for node code: `secrets: { unsubscribe: { env: 'SLUICE_UNSUBSCRIBE_SECRET' } }`
 * in sluice.config.ts becomes `ctx.secrets.get('unsubscribe')` in every node. The values are read
 * from the environment once at startup; nodes never see `process.env`. Channel adapters' own
 * secrets (SMTP password, webhook HMAC key) are not here: they stay inside the adapters.
 */
import { z } from 'zod'
import type { NodeSecrets } from '../sdk/types.ts'
import { joinPath } from '../sdk/zod-issues.ts'
import { secretRefSchema, type SecretRef, type SecretResolver } from './secret-ref.ts'

const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/

export const secretsConfigSchema = z
  .record(z.string().regex(SECRET_NAME, 'expected a secret name of letters, digits, _ . or -, starting with a letter'), secretRefSchema)
  .meta({ description: 'Secrets node code reads as ctx.secrets.get(name), each from an environment variable: { unsubscribe: { env: "SLUICE_UNSUBSCRIBE_SECRET" } }.' })

/** Secrets over fixed values (tests, the harness). */
export function secretsOf(values: Readonly<Record<string, string>>): NodeSecrets {
  const map = new Map(Object.entries(values))
  return Object.freeze({ get: (name: string) => map.get(name), names: () => [...map.keys()].sort() })
}

/** No secrets at all: what nodes see when the project declares none. */
export const NO_SECRETS: NodeSecrets = secretsOf({})

/** Resolves the `secrets` section; missing variables are collected by `resolver`. */
export function resolveSecrets(config: Readonly<Record<string, SecretRef>> | undefined, resolver: SecretResolver, path = 'default.secrets'): NodeSecrets {
  const values: Record<string, string> = {}
  for (const [name, ref] of Object.entries(config ?? {})) values[name] = resolver.secret(ref, joinPath(path, name))
  return secretsOf(values)
}
