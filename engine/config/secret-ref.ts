/**
 * Secrets are never written in sluice.config.ts: a secret field names the environment variable
 * that holds it, `{ env: 'SMTP_PASS' }`, and the loader resolves every one once at startup
 * (resolveRuntimeConfig), so node and adapter code never read `process.env`. A variable that is
 * not set is reported with the config path that names it, every such problem at once.
 */
import { z } from 'zod'
import { ValidationError, type Issue } from '../errors.ts'

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** `{ env: 'NAME' }`: the value is read from that environment variable at startup. */
export const secretRefSchema = z
  .strictObject({ env: z.string().regex(ENV_NAME, 'expected an environment variable name such as SMTP_PASS') })
  .meta({ title: 'From the environment', description: 'The environment variable holding the value, e.g. { "env": "SMTP_PASS" }; it is read once at startup.' })
export type SecretRef = z.output<typeof secretRefSchema>

/** A setting written in the file or, like a secret, read from the environment. */
export const settingSchema = z.union([z.string(), secretRefSchema])
export type Setting = z.output<typeof settingSchema>

/** The process environment, or a test's stand-in for it. */
export type Env = Readonly<Record<string, string | undefined>>

export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === 'object' && value !== null && typeof (value as { env?: unknown }).env === 'string'
}

/**
 * Resolves `{ env }` references against one environment and collects what is missing, so a
 * config with three unset variables says so once, naming all three.
 */
export class SecretResolver {
  readonly #issues: Issue[] = []

  constructor(private readonly env: Env) {}

  /** The value of a secret reference at config path `path` ('' when missing; the issue is kept). */
  secret(ref: SecretRef, path: string): string {
    const value = this.env[ref.env]
    if (value === undefined || value === '') {
      this.#issues.push({ code: 'config.secret', path: `${path}.env`, message: `the environment variable ${ref.env} is not set (it holds this secret)` })
      return ''
    }
    return value
  }

  /** A plain setting as written, or the environment variable it names. */
  setting(value: Setting, path: string): string {
    return typeof value === 'string' ? value : this.secret(value, path)
  }

  /** A problem found while resolving that is not a missing variable (a bad value, an unknown name). */
  problem(path: string, message: string, code = 'config.value'): void {
    this.#issues.push({ code, path, message })
  }

  /** Throws one ValidationError listing every problem, each with its path; `where` names the config file. */
  throwIfProblems(where: string): void {
    if (this.#issues.length === 0) return
    const issues = [...this.#issues]
    throw new ValidationError(`${where}: ${issues.length === 1 ? 'a setting cannot be used' : `${issues.length} settings cannot be used`}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues)
  }
}
