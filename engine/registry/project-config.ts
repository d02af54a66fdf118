/**
 * The project config, `sluice.config.ts` at the project root:
 *
 * ```ts
 * export default { nodes: ['examples/custom-node'] }
 * ```
 *
 * `nodes` lists folders of custom node types, relative to the config file. Other keys are left
 * for other parts of Sluice to define, so an unknown key is not an error here.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { UserError, ValidationError } from '../errors.ts'
import { channelsConfigSchema } from '../channels/config.ts'
import { engineConfigSchema } from '../config/engine-config.ts'
import { secretsConfigSchema } from '../config/secrets.ts'
import { serverConfigSchema } from '../config/server-config.ts'
import { contactPolicySchema } from '../policy/contact-policy.ts'
import { zodIssuesToIssues } from '../sdk/zod-issues.ts'
import { importProjectModule } from './import-project-module.ts'

/** Config file names looked up in the project root, in this order. */
export const PROJECT_CONFIG_FILES = ['sluice.config.ts', 'sluice.config.mjs', 'sluice.config.js'] as const

export const projectConfigSchema = z.looseObject({
  nodes: z.array(z.string().min(1)).optional().meta({ description: 'Folders of custom node types, relative to the config file.' }),
  contactPolicy: contactPolicySchema.optional().meta({ description: 'The global contact policy every throttle node enforces (nodes may only tighten it).' }),
  channels: channelsConfigSchema.optional(),
  secrets: secretsConfigSchema.optional(),
  server: serverConfigSchema.optional(),
  engine: engineConfigSchema.optional(),
})

/** What `sluice.config.ts` may export. */
export type ProjectConfig = z.input<typeof projectConfigSchema>

/** A loaded project config: the file it came from (none when the project has no config) and its values. */
export interface LoadedProjectConfig {
  file?: string
  config: z.output<typeof projectConfigSchema>
  /** `nodes` resolved to absolute folders. */
  nodeDirs: string[]
}

/** Finds and loads the project config in `root`; a project without one gets an empty config. */
export async function loadProjectConfig(root: string): Promise<LoadedProjectConfig> {
  const file = PROJECT_CONFIG_FILES.map((name) => path.resolve(root, name)).find((candidate) => existsSync(candidate))
  if (!file) return { config: {}, nodeDirs: [] }
  let exported: unknown
  try {
    exported = (await importProjectModule(file)).default
  } catch (error) {
    throw new UserError('project-config', `${file}: could not be loaded: ${error instanceof Error ? error.message : String(error)}`)
  }
  const parsed = projectConfigSchema.safeParse(exported, { reportInput: true })
  if (!parsed.success) {
    const issues = zodIssuesToIssues(parsed.error.issues, { code: 'project-config', prefix: 'default', schema: projectConfigSchema })
    throw new ValidationError(`${file}: invalid project config:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, issues)
  }
  const dir = path.dirname(file)
  return { file, config: parsed.data, nodeDirs: (parsed.data.nodes ?? []).map((folder) => path.resolve(dir, folder)) }
}
