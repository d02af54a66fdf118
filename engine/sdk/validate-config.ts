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
import { zodIssuesToIssues } from './zod-issues.ts'

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
  if (!parsed.success) {
    return { issues: zodIssuesToIssues(parsed.error.issues, { code: 'node.config', prefix: 'config', schema: definition.config }) }
  }
  const value = parsed.data as Record<string, unknown>
  const issues: Issue[] = []

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
