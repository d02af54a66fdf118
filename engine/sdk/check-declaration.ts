/**
 * Structural checks of a node declaration, shared by defineNode (fail fast while authoring) and
 * the registry (which also sees plain objects and names the file).
 */
import type { z } from 'zod'
import { configJsonSchema, configSchemaProblem } from './config-json-schema.ts'
import { checkLocales } from './node-locales.ts'
import { NODE_CATEGORIES, NODE_ICONS } from './types.ts'

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const TIMINGS = ['instant', 'waits']
const COHORT_MODES = ['batches', 'whole']

/** True when `value` is a zod schema (any zod 4 type carries `_zod`). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value
}

/** True for kebab-case names such as `ab-split` or `filter-segment`. */
export function isKebabCase(name: string): boolean {
  return KEBAB_CASE.test(name)
}

/** Every problem with a declaration, as sentences; empty when it is usable. */
export function checkDeclaration(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['expected an object from defineNode({...})']
  const d = value as Record<string, unknown>
  const problems: string[] = []
  const nonEmptyString = (field: string) => {
    if (typeof d[field] !== 'string' || (d[field] as string).trim() === '') problems.push(`${field}: expected a non-empty string`)
  }

  if (typeof d.type !== 'string') problems.push('type: expected a kebab-case string such as "ab-split"')
  else if (!isKebabCase(d.type)) problems.push(`type: "${d.type}" is not kebab-case (lowercase words joined by "-", e.g. "ab-split")`)
  if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 1) {
    problems.push(`version: expected a positive integer, got ${JSON.stringify(d.version)}`)
  }
  nonEmptyString('title')
  nonEmptyString('description')
  if (!NODE_CATEGORIES.includes(d.category as never)) problems.push(`category: expected one of ${NODE_CATEGORIES.join(', ')}, got ${JSON.stringify(d.category)}`)
  if (!NODE_ICONS.includes(d.icon as never)) problems.push(`icon: expected one of ${NODE_ICONS.join(', ')}, got ${JSON.stringify(d.icon)}`)

  if (!isZodSchema(d.config)) problems.push('config: expected a zod schema such as z.object({...})')
  else {
    const problem = configSchemaProblem(d.config)
    if (problem) problems.push(`config: ${problem}`)
  }

  problems.push(...checkOutputs(d.outputs))
  const fieldsKnown = isZodSchema(d.config) && configSchemaProblem(d.config) === undefined
  problems.push(...checkLocales(d.locales, fieldsKnown ? configJsonSchema(d.config as z.ZodType) : undefined, Array.isArray(d.outputs) ? (d.outputs as string[]) : undefined))
  if (typeof d.run !== 'function') problems.push('run: expected an async function ({ config, customers, ctx }) => result')
  for (const field of ['validate', 'explain', 'limits', 'entry', 'measures', 'gatesChannel', 'writesTags'] as const) {
    if (d[field] !== undefined && typeof d[field] !== 'function') problems.push(`${field}: expected a function`)
  }
  if (d.timing !== undefined && !TIMINGS.includes(d.timing as string)) problems.push(`timing: expected one of ${TIMINGS.join(', ')}, got ${JSON.stringify(d.timing)}`)
  if (d.cohort !== undefined && typeof d.cohort !== 'function' && !COHORT_MODES.includes(d.cohort as string)) {
    problems.push(`cohort: expected one of ${COHORT_MODES.join(', ')} or a function of the config and the node settings, got ${JSON.stringify(d.cohort)}`)
  }
  problems.push(...checkMigrations(d.migrate, d.version))
  return problems
}

/** Outputs: a function (checked per config by the verifier), or a non-empty list of distinct names. */
export function checkOutputs(outputs: unknown): string[] {
  if (typeof outputs === 'function') return []
  if (!Array.isArray(outputs)) return ['outputs: expected a list of output names or a function of the config']
  return checkOutputNames(outputs, 'outputs')
}

/** Output names must be non-empty, distinct strings; `where` prefixes each problem. */
export function checkOutputNames(outputs: readonly unknown[], where: string): string[] {
  const problems: string[] = []
  if (outputs.length === 0) problems.push(`${where}: expected at least one output`)
  const seen = new Set<string>()
  for (const [index, name] of outputs.entries()) {
    if (typeof name !== 'string' || name.trim() === '') problems.push(`${where}[${index}]: expected a non-empty name, got ${JSON.stringify(name)}`)
    else if (seen.has(name)) problems.push(`${where}: "${name}" is listed twice`)
    else seen.add(name)
  }
  return problems
}

function checkMigrations(migrate: unknown, version: unknown): string[] {
  if (migrate === undefined) return []
  if (typeof migrate !== 'object' || migrate === null) return ['migrate: expected an object { <from version>: (oldConfig) => newConfig }']
  const problems: string[] = []
  for (const [key, fn] of Object.entries(migrate)) {
    const from = Number(key)
    if (!Number.isInteger(from) || from < 1 || (typeof version === 'number' && from >= version)) {
      problems.push(`migrate.${key}: expected a version between 1 and ${typeof version === 'number' ? version - 1 : 'version - 1'} (key N upgrades version N to N+1)`)
    }
    if (typeof fn !== 'function') problems.push(`migrate.${key}: expected a function (oldConfig) => newConfig`)
  }
  return problems
}
