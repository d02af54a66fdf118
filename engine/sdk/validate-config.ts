/**
 * Config validation against a declaration: the zod schema first, then the node's own
 * `validate`. Used by the flow verifier, the test harness and (later) the API, so a config is
 * judged the same way everywhere.
 */
import { ConfigError, type Issue } from '../errors.ts'
import type { AnyNodeDefinition } from './define-node.ts'
import { outputsOf } from './define-node.ts'
import { checkOutputNames } from './check-declaration.ts'
import type { NodeValidationContext } from './types.ts'
import { closest, judgesUnknownKeys, knownKeysAt, zodIssuesToIssues } from './zod-issues.ts'

/** The outcome of validating one config: the parsed config (defaults applied) when valid, and every issue. */
export interface ConfigValidation {
  config?: Record<string, unknown>
  issues: Issue[]
}

/**
 * Validates `config` for `definition`. Paths are relative to the node (`config.max`);
 * `context` gives node-specific checks the flow around the node (a lone node by default).
 */
export function validateNodeConfig(definition: AnyNodeDefinition, config: unknown, context?: NodeValidationContext): ConfigValidation {
  const parsed = definition.config.safeParse(config, { reportInput: true })
  const ignored = ignoredFields(definition, config)
  if (!parsed.success) {
    return { issues: [...zodIssuesToIssues(parsed.error.issues, { code: 'node.config', prefix: 'config', schema: definition.config }), ...ignored] }
  }
  const value = parsed.data as Record<string, unknown>
  const issues: Issue[] = [...ignored]

  let outputs: readonly string[] = []
  try {
    outputs = outputsOf(definition, value)
    for (const problem of checkOutputNames(outputs, 'outputs')) {
      issues.push({ code: 'node.outputs', path: 'config', message: `this config gives the node unusable outputs: ${problem}`, severity: 'error' })
    }
  } catch (error) {
    issues.push({ code: 'node.outputs', path: 'config', message: `computing the outputs from this config failed: ${messageOf(error)}`, severity: 'error' })
  }

  if (definition.validate) {
    const ctx = context ?? { nodeId: '(node)', nodes: [{ id: '(node)', type: definition.type, config }], edges: [] }
    try {
      for (const issue of definition.validate(value, ctx)) {
        issues.push({
          code: issue.code.startsWith(`${definition.type}.`) ? issue.code : `${definition.type}.${issue.code}`,
          path: issue.path ?? 'config',
          message: issue.message,
          severity: issue.severity ?? 'error',
        })
      }
    } catch (error) {
      issues.push({ code: 'node.validate-failed', path: 'config', message: `the node's validate() threw: ${messageOf(error)}`, severity: 'error' })
    }
  }
  return { config: value, issues }
}

/**
 * Top-level config fields the schema does not know. A plain z.object drops them silently, which
 * hides typos ("hour" for "hours"), so each one is a warning with a likely intended name.
 */
function ignoredFields(definition: AnyNodeDefinition, config: unknown): Issue[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config) || judgesUnknownKeys(definition.config)) return []
  const known = knownKeysAt(definition.config, [])
  return Object.keys(config)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const guess = closest(key, known)
      return {
        code: 'node.config-unknown-field',
        path: `config.${key}`,
        message: `unknown field "${key}" is ignored${guess ? ` (did you mean "${guess}"?)` : ''}`,
        severity: 'warning' as const,
      }
    })
}

/** Parses and validates a config, throwing a {@link ConfigError} with every issue unless it is valid. */
export function parseNodeConfig(definition: AnyNodeDefinition, config: unknown, context?: NodeValidationContext): Record<string, unknown> {
  const { config: value, issues } = validateNodeConfig(definition, config, context)
  const errors = issues.filter((i) => i.severity !== 'warning')
  if (value === undefined || errors.length > 0) throw new ConfigError(definition.type, errors)
  return value
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
