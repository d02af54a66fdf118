/**
 * `sluice nodes`: the node types this project knows (built-ins, sluice.config.ts folders and
 * --nodes folders), from their declarations; `--json` includes each config's JSON Schema.
 */
import type { Command } from 'commander'
import { configFields, describeNodeTypes, type NodeTypeDescription } from '../../engine/registry/describe-nodes.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'

/** Registers `nodes`. */
export function register(program: Command): void {
  addRegistryOptions(
    program
      .command('nodes')
      .description('List the node types: type, version, category, outputs and config fields')
      .option('--json', 'print the node types as JSON, with config JSON Schemas'),
  ).action(async (flags: RegistryOptionValues & { json?: boolean }) => {
    const descriptions = describeNodeTypes(await registryFromOptions(flags))
    if (flags.json) process.stdout.write(`${JSON.stringify(descriptions, null, 2)}\n`)
    else process.stdout.write(formatDescriptions(descriptions))
  })
}

function formatDescriptions(descriptions: readonly NodeTypeDescription[]): string {
  if (descriptions.length === 0) return 'no node types registered (nodes/ is empty and sluice.config.ts names no folders)\n'
  const lines: string[] = []
  for (const d of descriptions) {
    const versions = d.versions.length > 1 ? `v${d.version}; also ${d.versions.filter((v) => v !== d.version).map((v) => `v${v}`).join(', ')}` : `v${d.version}`
    lines.push(`${d.type} (${versions}, ${d.category}) — ${d.title}`)
    lines.push(`    ${d.description}`)
    lines.push(`    outputs: ${d.outputs ? d.outputs.join(', ') : 'computed from the config'}${d.timing === 'waits' ? ' · waits' : ''}${d.migratesFrom.length > 0 ? ` · migrates configs from v${d.migratesFrom.join(', v')}` : ''}`)
    const fields = configFields(d.configSchema).filter((f) => !f.path.includes('[]'))
    lines.push(`    config: ${fields.length > 0 ? fields.map((f) => `${f.path}${f.required ? '' : '?'}`).join(', ') : '(none)'}`)
    if (d.source) lines.push(`    declared in ${d.source}`)
    lines.push('')
  }
  lines.push(`${descriptions.length} node type${descriptions.length === 1 ? '' : 's'}`)
  return `${lines.join('\n')}\n`
}
