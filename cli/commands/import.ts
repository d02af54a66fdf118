/**
 * `sluice import customers FILE` and `sluice import events FILE`: CSV or JSONL, streamed, all or
 * nothing unless --skip-invalid. Prints a summary (or --json).
 */
import { performance } from 'node:perf_hooks'
import type { Command } from 'commander'
import { UserError } from '../../engine/errors.ts'
import { ATTRIBUTE_TYPES } from '../../engine/ports/store.ts'
import type { AttributeDef, StorePort } from '../../engine/ports/store.ts'
import { importCustomers } from '../../import/import-customers.ts'
import { importEvents } from '../../import/import-events.ts'
import { DUPLICATE_POLICIES } from '../../import/import-options.ts'
import type { DuplicatePolicy, ImportOptions, ImportSummary } from '../../import/import-options.ts'
import { addStoreOptions, describeStore, withStore } from '../store-options.ts'
import type { StoreOptionValues } from '../store-options.ts'
import { createProgress } from './shared/progress.ts'

interface ImportFlags extends StoreOptionValues {
  format?: string
  skipInvalid?: boolean
  rejects?: string
  type?: string[]
  onDuplicate?: string
  json?: boolean
}

/** Registers `import customers` and `import events`. */
export function register(program: Command): void {
  const group = program.command('import').description('Import customers or events from a CSV or JSONL file')

  const customers = group
    .command('customers <file>')
    .description('Import customers (upsert by customer_id): reserved columns time_zone, email, phone, push_token, wechat_id, preferred_channel, consent_<channel>; every other column is an attribute')
    .option('--type <name=type>', 'declare an attribute type instead of inferring it (string, number, boolean, date, or enum:a|b|c); repeatable', collect, [])
    .option('--on-duplicate <policy>', 'a customer id on two lines: error (the later line is a bad row) or last (the later row wins)', 'error')
  addCommonOptions(customers).action(async (file: string, flags: ImportFlags) => {
    const declaredTypes = (flags.type ?? []).map(parseTypeFlag)
    const onDuplicate = parseDuplicatePolicy(flags.onDuplicate ?? 'error')
    await runImport('customers', file, flags, (store, options) => importCustomers(store, { ...options, declaredTypes, onDuplicate }))
  })

  const events = group
    .command('events <file>')
    .description('Import events: event_id, customer_id, type, at (ISO 8601 or epoch ms); other columns become properties')
  addCommonOptions(events).action(async (file: string, flags: ImportFlags) => {
    await runImport('events', file, flags, importEvents)
  })
}

function addCommonOptions(command: Command): Command {
  command
    .option('--format <format>', 'csv or jsonl (default: from the file extension: .csv, .jsonl, .ndjson)')
    .option('--skip-invalid', 'import the valid rows and write the rejected ones, with reasons, to the rejects file')
    .option('--rejects <file>', 'where --skip-invalid writes rejected rows (default: <input>.rejects.csv or .jsonl)')
    .option('--json', 'print the summary as JSON')
  return addStoreOptions(command)
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

/** Parses `--type plan=string` / `--type tier=enum:gold|silver`. */
export function parseTypeFlag(flag: string): AttributeDef {
  const match = /^([^=]+)=([a-z]+)(?::(.+))?$/.exec(flag.trim())
  const type = match?.[2] as AttributeDef['type'] | undefined
  if (!match || !type || !(ATTRIBUTE_TYPES as readonly string[]).includes(type)) {
    throw new UserError('cli.type', `--type ${flag}: expected name=type with type one of ${ATTRIBUTE_TYPES.join(', ')} (enum as enum:a|b|c)`)
  }
  const values = match[3]?.split('|').map((value) => value.trim()).filter((value) => value !== '')
  if (type === 'enum' && (!values || values.length === 0)) throw new UserError('cli.type', `--type ${flag}: an enum needs its values, e.g. ${match[1]}=enum:basic|plus|pro`)
  if (type !== 'enum' && values) throw new UserError('cli.type', `--type ${flag}: only enum types take a list of values`)
  return { name: match[1]!.trim(), type, source: 'declared', ...(values ? { values } : {}) }
}

function parseDuplicatePolicy(value: string): DuplicatePolicy {
  if ((DUPLICATE_POLICIES as readonly string[]).includes(value)) return value as DuplicatePolicy
  throw new UserError('cli.on-duplicate', `--on-duplicate: expected ${DUPLICATE_POLICIES.join(' or ')}, got "${value}"`)
}

type Importer = (store: StorePort, options: ImportOptions) => Promise<ImportSummary>

async function runImport(kind: 'customers' | 'events', file: string, flags: ImportFlags, importer: Importer): Promise<void> {
  const progress = createProgress(flags.json)
  let phase: string | undefined
  const started = performance.now()
  const options: ImportOptions = {
    path: file,
    now: Date.now(),
    ...(flags.format ? { format: flags.format } : {}),
    ...(flags.skipInvalid ? { skipInvalid: true } : {}),
    ...(flags.rejects ? { rejectsPath: flags.rejects } : {}),
    onProgress: ({ phase: current, bytesRead, totalBytes }) => {
      if (current !== phase) {
        phase = current
        progress.start(current === 'scan' ? 'scanning' : 'importing', totalBytes, 'bytes')
      }
      progress.update(bytesRead)
    },
  }
  if (flags.rejects && !flags.skipInvalid) throw new UserError('cli.rejects', '--rejects only applies with --skip-invalid')
  let summary: ImportSummary
  try {
    summary = await withStore(flags, (store) => importer(store, options), { create: true })
  } finally {
    progress.stop()
  }
  const durationMs = Math.round(performance.now() - started)
  const rowsPerSecond = durationMs > 0 ? Math.round((summary.rows / durationMs) * 1000) : summary.rows
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, store: describeStore(flags), durationMs, rowsPerSecond }, null, 2)}\n`)
    return
  }
  const n = (value: number) => value.toLocaleString('en-US')
  const lines = [
    `Imported ${kind} from ${file} (${summary.format}) into ${describeStore(flags)}`,
    `  rows ${n(summary.rows)}: inserted ${n(summary.inserted)}, ${kind === 'customers' ? `updated ${n(summary.updated)}` : `duplicates ${n(summary.duplicates)}, conflicts ${n(summary.conflicts)}`}, rejected ${n(summary.rejected)}`,
    ...conflictLines(summary),
  ]
  if (summary.rejectsFile) lines.push(`  rejected rows and reasons: ${summary.rejectsFile}`)
  if (summary.attributesDefined.length > 0) {
    lines.push(`  attribute types: ${summary.attributesDefined.map((def) => `${def.name} (${def.type}${def.source === 'declared' ? ', declared' : ''})`).join(', ')}`)
  }
  lines.push(`  ${(durationMs / 1000).toFixed(2)} s, ${n(rowsPerSecond)} rows/s`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

/** The conflicts of an events import, with the first few by line. */
function conflictLines({ conflicts, conflictExamples }: ImportSummary): string[] {
  if (conflicts === 0) return []
  const lines = [
    `  conflicts: ${conflicts === 1 ? '1 event has an id' : `${conflicts.toLocaleString('en-US')} events have ids`} the store holds with other content; the stored ${conflicts === 1 ? 'event was' : 'events were'} kept:`,
    ...conflictExamples.map(({ line, eventId, differs }) => `    line ${line}: event ${JSON.stringify(eventId)} differs in ${differs.join(', ')}`),
  ]
  if (conflicts > conflictExamples.length) lines.push(`    ... and ${(conflicts - conflictExamples.length).toLocaleString('en-US')} more`)
  return lines
}
