/**
 * `sluice segment count FILE.json [--sample N] [--now DATE] [--json]`: how many customers of the
 * store a segment matches, with a few of their ids. The file holds a segment (a condition
 * tree, docs/segments.md) or a filter-segment config `{ "segment": … }`. Attribute conditions
 * are checked against the store's attribute catalogue first; errors stop it, warnings print.
 */
import { readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import type { Command } from 'commander'
import { UserError, ValidationError, type Issue } from '../../engine/errors.ts'
import { parseJsonText } from '../../engine/flow/parse-json.ts'
import { describeSegment, formatEpochMs, parseIsoTime, validateSegment, walkSegment } from '../../engine/segment/index.ts'
import { addStoreOptions, withStore, type StoreOptionValues } from '../store-options.ts'

interface CountFlags extends StoreOptionValues {
  sample: string
  now?: string
  json?: boolean
}

/** Registers `segment` and its subcommands. */
export function register(program: Command): void {
  const segment = program.command('segment').description('Work with segments (condition trees over attributes, tags, behaviour, lists, consent)')
  addStoreOptions(
    segment
      .command('count')
      .description('Count the customers a segment matches, with a sample of their ids')
      .argument('<file>', 'a segment JSON file (or a filter-segment config with a "segment" field)')
      .option('--sample <n>', 'how many matching customer ids to show (0-1000)', '10')
      .option('--now <date>', 'evaluate relative dates ("within the last 30 days") at this ISO date or instant (default: now)')
      .option('--json', 'print the result as JSON'),
  ).action(async (file: string, flags: CountFlags) => {
    const sample = /^\d+$/.test(flags.sample.trim()) ? Number(flags.sample) : Number.NaN
    if (!Number.isInteger(sample) || sample > 1000) throw new UserError('cli.sample', `--sample: expected a whole number from 0 to 1000, got "${flags.sample}"`)
    const now = evaluationTime(flags.now)
    const input = await readSegmentFile(file)
    await withStore(flags, async (store) => {
      const { segment: parsed, issues } = validateSegment(input, { attributes: await store.listAttributes(), path: 'segment' })
      const errors = issues.filter((issue) => issue.severity !== 'warning')
      if (!parsed || errors.length > 0) throw new ValidationError(`${file}: invalid segment\n${formatIssues(errors)}`, errors)
      const lists = new Set((await store.listLists()).map((list) => list.name))
      for (const { condition, path } of walkSegment(parsed)) {
        if (condition.type === 'list' && !lists.has(condition.list)) {
          issues.push({ code: 'segment.unknown-list', path: `${path}.list`, message: `there is no static list "${condition.list}": it matches no one`, severity: 'warning' })
        }
      }
      const started = performance.now()
      const preview = await store.previewSegment(parsed, { now, sample })
      const elapsedMs = Math.round(performance.now() - started)
      const total = await store.countCustomers()
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ count: preview.count, total, sample: preview.sample, now: formatEpochMs(now), elapsedMs, warnings: issues }, null, 2)}\n`)
        return
      }
      const share = total === 0 ? 0 : (100 * preview.count) / total
      const lines = [
        `Segment: ${describeSegment(parsed)}`,
        `Matches ${preview.count.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} customers (${share.toFixed(1)} %) at ${formatEpochMs(now)}, in ${elapsedMs} ms`,
      ]
      if (preview.sample.length > 0) lines.push(`Sample: ${preview.sample.join(', ')}`)
      if (issues.length > 0) lines.push(formatIssues(issues))
      process.stdout.write(`${lines.join('\n')}\n`)
    })
  })
}

/** The `--now` flag as epoch ms; the wall clock when absent (the CLI is where it may be read). */
function evaluationTime(value: string | undefined): number {
  if (value === undefined) return Date.now()
  const parsed = parseIsoTime(value)
  if (!parsed) throw new UserError('cli.now', `--now: expected an ISO 8601 date such as 2025-01-01 or an instant such as 2025-01-01T09:00:00Z, got "${value}"`)
  return parsed.ms
}

/** Reads the file as JSON (a syntax error names its line and column) and unwraps `{ "segment": … }`. */
async function readSegmentFile(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)
    throw new UserError('segment.file', `${file}: cannot read the segment file (${reason})`)
  }
  const parsed = parseJsonText(text)
  if (!parsed.ok) throw new ValidationError(`${file}: ${parsed.issue.path}: ${parsed.issue.message}`, [{ ...parsed.issue, code: 'segment.json' }])
  const value = parsed.value
  const wrapped = typeof value === 'object' && value !== null && !Array.isArray(value) && !('type' in value) && 'segment' in value
  return wrapped ? (value as { segment: unknown }).segment : value
}

function formatIssues(issues: readonly Issue[]): string {
  return issues.map((issue) => `  ${(issue.severity ?? 'error').padEnd(7)} ${issue.path}: ${issue.message}`).join('\n')
}
