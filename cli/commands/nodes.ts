/**
 * `sluice nodes`: the node types this project knows (built-ins, sluice.config.ts folders and
 * --nodes folders), from their declarations; `--json` includes each config's JSON Schema.
 * `--check` also type-checks and lints the project's folders with Sluice's rules for node code.
 */
import path from 'node:path'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { loadProjectConfig } from '../../engine/registry/project-config.ts'
import { checkNodeFolders, type FolderProblem } from '../node-folder-check.ts'
import { configFields, describeNodeTypes, type NodeTypeDescription } from '../../engine/registry/describe-nodes.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'

/** Registers `nodes`. */
export function register(program: Command): void {
  addRegistryOptions(
    program
      .command('nodes')
      .description('List the node types: type, version, category, outputs and config fields')
      .option('--json', 'print the node types as JSON, with config JSON Schemas')
      .option('--check', 'type-check and lint the folders of sluice.config.ts and --nodes as nodes/ is (TypeScript, ESLint determinism and import rules); exit 1 on an error'),
  ).action(async (flags: RegistryOptionValues & { json?: boolean; check?: boolean }) => {
    const descriptions = describeNodeTypes(await registryFromOptions(flags))
    if (flags.check) return checkFolders(flags)
    if (flags.json) process.stdout.write(`${JSON.stringify(descriptions, null, 2)}\n`)
    else process.stdout.write(formatDescriptions(descriptions))
  })
}

/** `--check`: the project's node folders (not the built-ins, which Sluice's own build checks). */
async function checkFolders(flags: RegistryOptionValues & { json?: boolean }): Promise<void> {
  const project = await loadProjectConfig(process.cwd())
  const folders = [...project.nodeDirs, ...(flags.nodes ?? []).map((dir) => path.resolve(dir))]
  const problems = await checkNodeFolders(folders)
  const errors = problems.filter((p) => p.severity === 'error').length
  if (flags.json) process.stdout.write(`${JSON.stringify({ folders, problems }, null, 2)}\n`)
  else {
    for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`)
    const checked = folders.length === 0 ? 'no node folders to check (sluice.config.ts names none and no --nodes given)' : `checked ${folders.map(shortPath).join(', ')}`
    process.stdout.write(`${checked}: ${problems.length === 0 ? 'no problems' : `${errors} error(s), ${problems.length - errors} warning(s)`}\n`)
  }
  if (errors > 0) throw new UserError('node-check', `${errors} error(s) in the node folders`)
}

function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative || '.'
}

function formatProblem(p: FolderProblem): string {
  return `${shortPath(p.file)}:${p.line}:${p.column}  ${p.severity}  ${p.message}  (${p.source})`
}

function formatDescriptions(descriptions: readonly NodeTypeDescription[]): string {
  if (descriptions.length === 0) return 'no node types registered (nodes/ is empty and sluice.config.ts names no folders)\n'
  const lines: string[] = []
  for (const d of descriptions) {
    const versions = d.versions.length > 1 ? `v${d.version}; also ${d.versions.filter((v) => v !== d.version).map((v) => `v${v}`).join(', ')}` : `v${d.version}`
    lines.push(`${d.type} (${versions}, ${d.category}) — ${d.title}`)
    lines.push(`    ${d.description}`)
    lines.push(`    outputs: ${d.outputs ? d.outputs.join(', ') : 'computed from the config'}${d.timing === 'waits' ? ' · waits' : ''}${d.cohort === 'batches' ? '' : ` · cohort ${d.cohort}`}${d.migratesFrom.length > 0 ? ` · migrates configs from v${d.migratesFrom.join(', v')}` : ''}`)
    if (d.declares.length > 0) lines.push(`    declares: ${d.declares.join(', ')}`)
    const fields = configFields(d.configSchema).filter((f) => !f.path.includes('[]'))
    lines.push(`    config: ${fields.length > 0 ? fields.map((f) => `${f.path}${f.required ? '' : '?'}`).join(', ') : '(none)'}`)
    if (d.source) lines.push(`    declared in ${d.source}`)
    lines.push('')
  }
  lines.push(`${descriptions.length} node type${descriptions.length === 1 ? '' : 's'}`)
  return `${lines.join('\n')}\n`
}
