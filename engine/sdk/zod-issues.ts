/**
 * Turns zod 4 issues into Sluice issues written for people: a field path such as
 * `nodes[throttle-1].config.max` and a message such as `expected integer ≥ 1, got 0`.
 */
import type { z } from 'zod'
import type { Issue } from '../errors.ts'

type PathSegment = PropertyKey

/** A JSON value in a message: short, quoted strings, `nothing` for a missing field. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)
  if (Array.isArray(value)) return `a list of ${value.length}`
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

/** Appends a path segment: `.name` for identifiers, `[3]` for indexes, `["odd key"]` otherwise. */
export function joinPath(base: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${base}[${segment}]`
  const key = String(segment)
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return base === '' ? key : `${base}.${key}`
  return `${base}[${JSON.stringify(key)}]`
}

/** A path from segments, under `prefix`. */
export function pathOf(prefix: string, segments: readonly PathSegment[]): string {
  return segments.reduce<string>((path, segment) => joinPath(path, segment), prefix)
}

/** The schema found at `path` inside `schema`, looking through optional/default/nullable wrappers; best effort. */
function schemaAt(schema: z.ZodType | undefined, path: readonly PathSegment[]): z.ZodType | undefined {
  let current = unwrap(schema)
  for (const segment of path) {
    if (!current) return undefined
    const def = current._zod.def as unknown as Record<string, unknown>
    if (def.type === 'object' && typeof segment === 'string') current = unwrap((def.shape as Record<string, z.ZodType>)[segment])
    else if (def.type === 'array' && typeof segment === 'number') current = unwrap(def.element as z.ZodType)
    else if (def.type === 'record' && typeof segment === 'string') current = unwrap(def.valueType as z.ZodType)
    else return undefined
  }
  return current
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema
  for (let depth = 0; current && depth < 10; depth++) {
    const def = current._zod.def as unknown as Record<string, unknown>
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type as string)) current = def.innerType as z.ZodType
    else if (def.type === 'pipe') current = def.in as z.ZodType
    else return current
  }
  return current
}

/** True when the object schema at the root passes unknown keys through or checks them itself (loose, strict, catchall). */
export function judgesUnknownKeys(schema: z.ZodType): boolean {
  const def = unwrap(schema)?._zod.def as unknown as { type?: string; catchall?: unknown } | undefined
  return def?.type !== 'object' || def.catchall !== undefined
}

/** Field names of the object schema at `path`, for "did you mean" hints. */
export function knownKeysAt(schema: z.ZodType | undefined, path: readonly PathSegment[]): string[] {
  const target = schemaAt(schema, path)
  const def = target?._zod.def as unknown as { type?: string; shape?: Record<string, unknown> } | undefined
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : []
}

/** The known name within edit distance 2 of `name` (a likely typo), if any. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
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

/** True when the number schema at `path` only accepts integers. */
function isIntegerAt(schema: z.ZodType | undefined, path: readonly PathSegment[]): boolean {
  const target = schemaAt(schema, path) as { isInt?: boolean; format?: string | null } | undefined
  return Boolean(target?.isInt) || target?.format === 'safeint' || target?.format === 'int32'
}

function bound(inclusive: boolean | undefined, op: '≥' | '≤'): string {
  if (inclusive === false) return op === '≥' ? '>' : '<'
  return op
}

function numberLimit(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : String(value)
}

/** A message for one zod issue: what was expected there and what was found. */
export function describeZodIssue(issue: z.core.$ZodIssue, schema?: z.ZodType): string {
  const raw = issue as unknown as Record<string, unknown>
  const hasInput = 'input' in raw
  const got = hasInput ? `, got ${describeValue(raw.input)}` : ''
  const missing = !hasInput || raw.input === undefined
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected
      if (missing) return `required: expected ${expected}`
      return `expected ${expected}${got}`
    }
    case 'too_small': {
      if (issue.origin === 'array' || issue.origin === 'set') return `expected at least ${numberLimit(issue.minimum)} item(s)${hasInput && Array.isArray(raw.input) ? `, got ${raw.input.length}` : ''}`
      if (issue.origin === 'string') return `expected at least ${numberLimit(issue.minimum)} character(s)${got}`
      const kind = isIntegerAt(schema, issue.path) ? 'integer' : 'number'
      return `expected ${kind} ${bound(issue.inclusive, '≥')} ${numberLimit(issue.minimum)}${got}`
    }
    case 'too_big': {
      if (issue.origin === 'array' || issue.origin === 'set') return `expected at most ${numberLimit(issue.maximum)} item(s)${hasInput && Array.isArray(raw.input) ? `, got ${raw.input.length}` : ''}`
      if (issue.origin === 'string') return `expected at most ${numberLimit(issue.maximum)} character(s)${got}`
      const kind = isIntegerAt(schema, issue.path) ? 'integer' : 'number'
      return `expected ${kind} ${bound(issue.inclusive, '≤')} ${numberLimit(issue.maximum)}${got}`
    }
    case 'invalid_value':
      return `${missing ? 'required: ' : ''}expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}${missing ? '' : got}`
    case 'invalid_format':
      // A schema may explain its pattern in words (z.string().regex(re, 'expected ...')); prefer that.
      if (issue.format === 'regex' && issue.message.startsWith('expected')) return `${issue.message}${got}`
      return `expected ${issue.format === 'regex' ? `text matching ${(raw.pattern as string) ?? 'the pattern'}` : `a valid ${issue.format}`}${got}`
    case 'not_multiple_of':
      return `expected a multiple of ${numberLimit(issue.divisor)}${got}`
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, issue.path)
      return issue.keys
        .map((key) => {
          const guess = closest(key, known)
          return `unknown field ${JSON.stringify(key)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`
        })
        .join('; ')
    }
    case 'invalid_union': {
      if (raw.note === 'No matching discriminator' && Array.isArray(raw.options)) {
        return `expected ${String(raw.discriminator ?? 'discriminator')} to be one of ${(raw.options as unknown[]).map((o) => JSON.stringify(o)).join(', ')}`
      }
      // A union of plain types ("string | number | boolean") reads best as the list of types.
      const branches = (issue.errors ?? []).map((branch) => (branch.length === 1 && branch[0]?.code === 'invalid_type' ? branch[0].expected : undefined))
      if (branches.length > 0 && branches.every((b) => b !== undefined)) {
        return `${missing ? 'required: ' : ''}expected ${branches.join(' or ')}${missing ? '' : got}`
      }
      return `${missing ? 'required: ' : ''}does not match any allowed shape${missing || typeof raw.input === 'object' ? '' : got}`
    }
    case 'invalid_key':
    case 'invalid_element':
      return `invalid ${issue.code === 'invalid_key' ? 'key' : 'element'}: ${issue.issues.map((i) => describeZodIssue(i)).join('; ')}`
    case 'custom':
      return issue.message
    default:
      return (issue as { message: string }).message
  }
}

/**
 * Maps zod issues to Sluice issues under `prefix`. `rename` may rewrite leading segments (the
 * flow verifier turns `nodes, 2` into `nodes[throttle-1]`).
 */
export function zodIssuesToIssues(
  issues: readonly z.core.$ZodIssue[],
  options: { code: string; prefix?: string; schema?: z.ZodType; rename?: (path: readonly PathSegment[]) => string | undefined },
): Issue[] {
  return issues.map((issue) => {
    const path = options.rename?.(issue.path) ?? pathOf(options.prefix ?? '', issue.path)
    // unrecognized_keys is reported on the object; naming the key in the path reads better.
    const keyPath = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? joinPath(path, issue.keys[0] as string) : path
    return { code: options.code, path: keyPath === '' ? '(root)' : keyPath, message: describeZodIssue(issue, options.schema), severity: 'error' as const }
  })
}
