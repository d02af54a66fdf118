/**
 * `sluice validate FILE...`: verifies flow files against the node registry and prints every
 * problem grouped per file. Exit 0 when no file has an error (warnings allowed), 1 otherwise.
 * Given a store (`--db` or `--database-url`), attribute names are also checked against its
 * catalogue: unknown ones are warnings with a "did you mean", as in `sluice segment count`.
 */
import type { Command } from 'commander'
import { isUserError, UserError } from '../../engine/errors.ts'
import { verifyFlowFile } from '../../engine/flow/files.ts'
import { type FlowIssue, hasErrors, type VerifyOptions } from '../../engine/flow/verify.ts'
import { addRegistryOptions, registryFromOptions, type RegistryOptionValues } from '../registry-options.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'

interface FileReport {
  file: string
  ok: boolean
  errors: number
  warnings: number
  issues: FlowIssue[]
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** Registers `validate`. */
export function register(program: Command): void {
  const command = program
    .command('validate')
    .description('Check flow files: JSON shape, node configs, edges, triggers, reachability, cycles; with --db or --database-url, attribute names against the store\'s catalogue')
    .argument('<files...>', 'flow files (flows/<slug>.flow.json)')
    .option('--json', 'print the issues as JSON')
  addStoreOptions(addRegistryOptions(command)).action(async (files: string[], flags: RegistryOptionValues & StoreOptionValues & { json?: boolean }) => {
    const registry = await registryFromOptions(flags)
    // Only a store named on the command line: a flow file is checked the same on every machine otherwise.
    const options: VerifyOptions = flags.db !== undefined || flags.databaseUrl !== undefined ? { attributes: await withStore(flags, (store) => store.listAttributes()) } : {}
    const reports: FileReport[] = []
    for (const file of files) {
      let issues: FlowIssue[]
      try {
        issues = await verifyFlowFile(file, registry, options)
      } catch (error) {
        // An unreadable file is that file's problem; the other files are still checked.
        if (!isUserError(error)) throw error
        issues = [{ code: 'flow.file', severity: 'error', path: '(file)', message: error.message.replace(`${file}: `, '') }]
      }
      const errors = issues.filter((i) => i.severity === 'error').length
      reports.push({ file, ok: !hasErrors(issues), errors, warnings: issues.length - errors, issues })
    }
    const errors = reports.reduce((n, r) => n + r.errors, 0)
    const warnings = reports.reduce((n, r) => n + r.warnings, 0)
    const failed = reports.filter((r) => !r.ok).length

    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: failed === 0, errors, warnings, files: reports }, null, 2)}\n`)
    else process.stdout.write(formatReports(reports, errors, warnings))
    if (failed > 0) throw new UserError('validate', `${plural(errors, 'error')} in ${plural(failed, 'file')}`)
  })
}

function formatReports(reports: readonly FileReport[], errors: number, warnings: number): string {
  const lines: string[] = []
  for (const report of reports) {
    if (report.issues.length === 0) {
      lines.push(`ok  ${report.file}`)
      continue
    }
    lines.push(`${report.ok ? 'ok ' : 'bad'} ${report.file}`)
    const width = Math.max(...report.issues.map((i) => i.path.length))
    for (const issue of report.issues) {
      lines.push(`    ${issue.severity.padEnd(7)} ${issue.path.padEnd(width)}  ${issue.message}  [${issue.code}]`)
    }
  }
  lines.push('', `${plural(reports.length, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`)
  return `${lines.join('\n')}\n`
}
