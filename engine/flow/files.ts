/**
 * Reading and writing flow files on disk (Node only; the rest of engine/flow is browser-safe).
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { UserError, ValidationError } from '../errors.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { formatFlow } from './format.ts'
import { parseJsonText } from './parse-json.ts'
import { FLOW_SCHEMA_REF, type Flow, flowSchema } from './schema.ts'
import { type FlowIssue, hasErrors, verifyFlowText, type VerifyOptions } from './verify.ts'
import { zodIssuesToIssues } from '../sdk/zod-issues.ts'

/** The slug a flow file name implies: `flows/welcome.flow.json` → `welcome`. */
export function slugOfFlowFile(file: string): string | undefined {
  const match = /^(.+)\.flow\.json$/.exec(path.basename(file))
  return match?.[1]
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new UserError('flow-file', code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? String(error)})`)
  }
}

/** Verifies a flow file: everything verifyFlowText checks, plus that the id matches the file name. */
export async function verifyFlowFile(file: string, registry: NodeRegistry, options: VerifyOptions = {}): Promise<FlowIssue[]> {
  const text = await readText(file)
  const issues = verifyFlowText(text, registry, options)
  const slug = slugOfFlowFile(file)
  const parsed = parseJsonText(text)
  const id = parsed.ok ? (parsed.value as { id?: unknown } | null)?.id : undefined
  if (slug !== undefined && typeof id === 'string' && id !== slug) {
    issues.push({ code: 'flow.id-mismatch', severity: 'warning', path: 'id', message: `flow id "${id}" differs from the file name "${slug}.flow.json"; keep them equal so flows are easy to find` })
  }
  return issues
}

/**
 * Loads a flow file. With a registry the flow is fully verified; without one only its shape
 * is. Throws a {@link ValidationError} naming the file and every error.
 */
export async function loadFlowFile(file: string, registry?: NodeRegistry): Promise<Flow> {
  const text = await readText(file)
  const issues: FlowIssue[] = registry ? verifyFlowText(text, registry) : shapeIssues(text)
  if (hasErrors(issues)) {
    const errors = issues.filter((i) => i.severity === 'error')
    throw new ValidationError(`${file}: invalid flow:\n${errors.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, errors)
  }
  return flowSchema.parse(JSON.parse(text))
}

function shapeIssues(text: string): FlowIssue[] {
  const parsed = parseJsonText(text)
  if (!parsed.ok) return [parsed.issue]
  const result = flowSchema.safeParse(parsed.value, { reportInput: true })
  if (result.success) return []
  return zodIssuesToIssues(result.error.issues, { code: 'flow.shape', schema: flowSchema }).map((i) => ({ ...i, severity: 'error' as const }))
}

/** Writes a flow in canonical form (adding the `$schema` reference when missing). */
export async function saveFlow(file: string, flow: Flow): Promise<void> {
  await writeFile(file, formatFlow({ ...flow, $schema: flow.$schema ?? FLOW_SCHEMA_REF }), 'utf8')
}
