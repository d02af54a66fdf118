/**
 * Segment validation: the shape (zod), the size limits, and, when the attribute catalogue is
 * given, each attribute condition against its attribute's type (a text operator on a number,
 * a value outside an enum). Every problem comes back with a path such as
 * `segment.conditions[2].value`, so the editor can point at the field.
 */
import { ValidationError, type Issue } from '../errors.ts'
import type { AttributeDef } from '../ports/store.ts'
import { joinPath, zodIssuesToIssues } from '../sdk/zod-issues.ts'
import type { z } from 'zod'
import {
  aggregateComparisonSchema,
  comparisonKind,
  CONDITION_SCHEMAS,
  propertyConditionSchema,
  SEGMENT_LIMITS,
  segmentSchema,
  type AttributeCondition,
  type Scalar,
  type Segment,
  type SegmentCondition,
} from './schema.ts'

export interface ValidateSegmentOptions {
  /** The attribute catalogue; attribute conditions are checked against it when given. */
  attributes?: readonly AttributeDef[]
  /** Path prefix of the segment in its document. Default `segment`. */
  path?: string
}

/** A validated segment (when its shape is valid) and every issue found; warnings do not invalidate it. */
export interface SegmentValidation {
  segment?: Segment
  issues: Issue[]
}

/** Validates a segment as found in a file, config or request body. */
export function validateSegment(input: unknown, options: ValidateSegmentOptions = {}): SegmentValidation {
  const prefix = options.path ?? 'segment'
  const parsed = segmentSchema.safeParse(input, { reportInput: true })
  if (!parsed.success) return { issues: parsed.error.issues.map((issue) => withKeyHint(issue, zodIssuesToIssues([issue], { code: 'segment.shape', prefix })[0] as Issue)) }
  const issues: Issue[] = []
  const catalogue = options.attributes ? new Map(options.attributes.map((def) => [def.name, def])) : undefined
  let count = 0
  const walk = (condition: SegmentCondition, path: string, depth: number) => {
    count += 1
    if (depth > SEGMENT_LIMITS.depth) {
      issues.push(error('segment.depth', path, `conditions are nested more than ${SEGMENT_LIMITS.depth} levels deep; flatten the tree`))
      return
    }
    switch (condition.type) {
      case 'all':
      case 'any':
        condition.conditions.forEach((child, index) => walk(child, joinPath(joinPath(path, 'conditions'), index), depth + 1))
        if (condition.type === 'any' && condition.conditions.length === 0) {
          issues.push({ code: 'segment.empty-any', path: joinPath(path, 'conditions'), message: 'an empty "any" matches no one', severity: 'warning' })
        }
        return
      case 'not':
        walk(condition.condition, joinPath(path, 'condition'), depth + 1)
        return
      case 'attribute':
        if (catalogue) issues.push(...checkAttribute(condition, path, catalogue))
        return
      case 'event':
        count += condition.where?.length ?? 0
        return
      case 'tag':
      case 'rfm':
      case 'list':
      case 'address':
      case 'consent':
      case 'preferred-channel':
        return
      default: {
        const unknown: never = condition
        throw new Error(`unknown condition ${JSON.stringify(unknown)}`)
      }
    }
  }
  walk(parsed.data, prefix, 1)
  if (count > SEGMENT_LIMITS.conditions) {
    issues.push(error('segment.size', prefix, `the segment has ${count} conditions; at most ${SEGMENT_LIMITS.conditions} are allowed`))
  }
  return { segment: parsed.data, issues }
}

/** Parses a segment, throwing a {@link ValidationError} listing every error (warnings are allowed). */
export function parseSegment(input: unknown, options: ValidateSegmentOptions = {}): Segment {
  const { segment, issues } = validateSegment(input, options)
  const errors = issues.filter((issue) => issue.severity !== 'warning')
  if (!segment || errors.length > 0) {
    throw new ValidationError(`invalid segment:\n${errors.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, errors)
  }
  return segment
}

/** Adds "did you mean" to an unknown field, from the fields of the condition type it appeared in. */
function withKeyHint(zodIssue: z.core.$ZodIssue, issue: Issue): Issue {
  if (zodIssue.code !== 'unrecognized_keys' || zodIssue.keys.length !== 1) return issue
  const input = (zodIssue as { input?: unknown }).input
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined
  const known = typeof type === 'string' && type in CONDITION_FIELDS ? CONDITION_FIELDS[type as keyof typeof CONDITION_FIELDS] : NESTED_FIELDS
  const hint = closestName(zodIssue.keys[0] as string, known)
  return hint ? { ...issue, message: `${issue.message} (did you mean "${hint}"?)` } : issue
}

const CONDITION_FIELDS = Object.fromEntries(
  CONDITION_SCHEMAS.map((schema) => [(schema.shape.type as z.ZodLiteral<string>).value, Object.keys(schema.shape)]),
) as Record<SegmentCondition['type'], string[]>
// Fields of the objects without a `type`: property conditions, aggregates, occurrences, durations.
const NESTED_FIELDS = [...new Set([...Object.keys(propertyConditionSchema.shape), ...Object.keys(aggregateComparisonSchema.shape), 'amount', 'unit'])]

/** Every condition of the tree with its path (depth first), e.g. to find the static lists a segment uses. */
export function* walkSegment(condition: SegmentCondition, path = 'segment'): Generator<{ condition: SegmentCondition; path: string }> {
  yield { condition, path }
  if (condition.type === 'all' || condition.type === 'any') {
    for (const [index, child] of condition.conditions.entries()) yield* walkSegment(child, joinPath(joinPath(path, 'conditions'), index))
  } else if (condition.type === 'not') {
    yield* walkSegment(condition.condition, joinPath(path, 'condition'))
  }
}

function error(code: string, path: string, message: string): Issue {
  return { code, path, message, severity: 'error' }
}

/** Checks one attribute condition against the catalogue entry of its attribute. */
function checkAttribute(condition: AttributeCondition, path: string, catalogue: ReadonlyMap<string, AttributeDef>): Issue[] {
  const def = catalogue.get(condition.name)
  if (!def) {
    const hint = closestName(condition.name, [...catalogue.keys()])
    return [{
      code: 'segment.unknown-attribute',
      path: joinPath(path, 'name'),
      message: `attribute "${condition.name}" is not in the catalogue${hint ? ` (did you mean "${hint}"?)` : ''}; it matches no one until some customer has it`,
      severity: 'warning',
    }]
  }
  const issues: Issue[] = []
  const kind = comparisonKind(condition)
  const subject = `attribute "${def.name}" is ${def.type === 'enum' ? 'an enum' : `a ${def.type}`}`
  const mismatch = (field: string | [string, number], expected: string, got?: Scalar) => {
    const where = typeof field === 'string' ? joinPath(path, field) : joinPath(joinPath(path, field[0]), field[1])
    issues.push(error('segment.attribute-type', where, `${subject}: expected ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`))
  }
  const valueFields = (['value', 'from', 'to'] as const).filter((field) => condition[field] !== undefined)
  const firstField = valueFields[0] ?? 'op'

  if (kind === 'empty') return issues
  if (kind === 'list') {
    condition.values?.forEach((value, index) => {
      const field: [string, number] = ['values', index]
      if (def.type === 'number' && typeof value !== 'number') mismatch(field, 'a number', value)
      else if (def.type === 'boolean' && typeof value !== 'boolean') mismatch(field, 'true or false', value)
      else if ((def.type === 'string' || def.type === 'enum') && typeof value !== 'string') mismatch(field, 'text', value)
      else if (def.type === 'date') mismatch('op', `"between" or a date comparison; "${condition.op}" compares exact text`)
      else if (def.type === 'enum' && def.values && !def.values.includes(value as string)) mismatch(field, `one of ${def.values.map((v) => JSON.stringify(v)).join(', ')}`, value)
    })
    return dedupe(issues)
  }
  switch (def.type) {
    case 'number':
      if (kind === 'text-match' || condition.amount !== undefined) mismatch('op', 'a number operator (eq, neq, lt, lte, gt, gte, between, in, not-in)')
      else if (kind !== 'number') mismatch(firstField, 'a number', condition[firstField as 'value'])
      break
    case 'boolean':
      if (kind !== 'boolean') mismatch(kind === 'text-match' || condition.amount !== undefined ? 'op' : firstField, 'true or false (with eq or neq)', condition[firstField as 'value'])
      break
    case 'date':
      if (kind !== 'date') {
        mismatch(kind === 'text-match' ? 'op' : firstField, 'an ISO 8601 date such as 2024-05-01, or a relative operator (within-last, older-than, within-next)', condition[firstField as 'value'])
      }
      break
    case 'string':
    case 'enum':
      if (kind === 'number' || kind === 'boolean') mismatch(firstField, 'text', condition[firstField as 'value'])
      else if (kind === 'date' && condition.amount !== undefined) mismatch('op', 'a text operator; relative times apply to date attributes')
      else if (kind === 'date') {
        issues.push({
          code: 'segment.compared-as-date',
          path: joinPath(path, firstField),
          message: `${subject} but the value looks like a date, so it is compared as a date; set "compareAs": "text" to compare text`,
          severity: 'warning',
        })
      } else if (def.type === 'enum' && def.values && kind === 'text' && (condition.op === 'eq' || condition.op === 'neq') && !def.values.includes(String(condition.value))) {
        mismatch('value', `one of ${def.values.map((v) => JSON.stringify(v)).join(', ')}`, condition.value)
      }
      break
    default: {
      const unknown: never = def.type
      throw new Error(`unknown attribute type ${String(unknown)}`)
    }
  }
  return issues
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>()
  return issues.filter((issue) => (seen.has(`${issue.path}\u0000${issue.message}`) ? false : (seen.add(`${issue.path}\u0000${issue.message}`), true)))
}

/** The catalogue name within edit distance 2 of `name`, for "did you mean". */
function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] as number
}
