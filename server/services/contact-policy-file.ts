/**
 * Where the contact policy changed through the API lives: a JSON file beside sluice.config.ts
 * (`sluice.contact-policy.json`), written atomically (a temporary file renamed over it), so a
 * crash leaves the old policy or the new one, never half of either. Until it exists the policy
 * is the config's `contactPolicy`, else no rules. `sluice serve` reads it at start and the API
 * hands every change to the running engine at once (Engine.setContactPolicy).
 *
 * A file, not a table, because the store has no settings table yet; the interface is what the
 * routes use, so a table-backed source can replace it without touching them.
 */
import { randomUUID } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UserError, ValidationError } from '../../engine/errors.ts'
import { contactPolicySchema, NO_CONTACT_POLICY, type ContactPolicy } from '../../engine/policy/contact-policy.ts'
import { zodIssuesToIssues } from '../../engine/sdk/zod-issues.ts'

export const CONTACT_POLICY_FILE = 'sluice.contact-policy.json'

/** The policy in force and where it comes from. */
export interface StoredContactPolicy {
  policy: ContactPolicy
  source: 'api' | 'config' | 'none'
  /** When and by whom it was last changed through the API (source `api`). */
  updatedAt?: number
  updatedBy?: string
}

/** What the policy routes read and write. */
export interface ContactPolicySource {
  load(): Promise<StoredContactPolicy>
  save(policy: ContactPolicy, change: { at: number; by: string }): Promise<StoredContactPolicy>
}

/** The file-backed source; `fallback` is sluice.config.ts `contactPolicy`. */
export class ContactPolicyFile implements ContactPolicySource {
  constructor(
    readonly file: string,
    private readonly fallback?: ContactPolicy,
  ) {}

  /** The file beside the project config (or in the project root when there is no config). */
  static beside(projectRoot: string, configFile: string | undefined, fallback?: ContactPolicy): ContactPolicyFile {
    return new ContactPolicyFile(path.join(configFile ? path.dirname(configFile) : projectRoot, CONTACT_POLICY_FILE), fallback)
  }

  async load(): Promise<StoredContactPolicy> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserError('contact-policy.file', `${this.file}: cannot be read: ${(error as Error).message}`)
      return this.fallback ? { policy: this.fallback, source: 'config' } : { policy: NO_CONTACT_POLICY, source: 'none' }
    }
    let stored: { policy?: unknown; updatedAt?: unknown; updatedBy?: unknown }
    try {
      stored = JSON.parse(text) as typeof stored
    } catch (error) {
      throw new UserError('contact-policy.file', `${this.file}: is not JSON (${(error as Error).message}); fix or delete it to fall back to sluice.config.ts`)
    }
    const parsed = contactPolicySchema.safeParse(stored?.policy, { reportInput: true })
    if (!parsed.success) {
      const issues = zodIssuesToIssues(parsed.error.issues, { code: 'contact-policy.file', prefix: 'policy', schema: contactPolicySchema })
      throw new ValidationError(`${this.file}: invalid contact policy:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues)
    }
    return {
      policy: parsed.data, source: 'api',
      ...(typeof stored.updatedAt === 'string' ? { updatedAt: Date.parse(stored.updatedAt) } : {}),
      ...(typeof stored.updatedBy === 'string' ? { updatedBy: stored.updatedBy } : {}),
    }
  }

  async save(policy: ContactPolicy, change: { at: number; by: string }): Promise<StoredContactPolicy> {
    const body = `${JSON.stringify({ policy, updatedAt: new Date(change.at).toISOString(), updatedBy: change.by }, null, 2)}\n`
    const temporary = `${this.file}.${randomUUID()}.tmp`
    await writeFile(temporary, body, { encoding: 'utf8', flush: true })
    await rename(temporary, this.file)
    return { policy, source: 'api', updatedAt: change.at, updatedBy: change.by }
  }
}
