/**
 * No code outside a node's own folder tests a node's type name or reads a specific node type's
 * config: the report, the CLI, the server, the store's SQL, the bench and the editor ask the
 * registry (declarations: measures, gatesChannel, writesTags, category; engine/registry/node-facts.ts).
 *
 * The rule, precisely. Scanned: every .ts / .tsx file of the repository except nodes/ and
 * examples/ (node code), test/ and *.test.ts(x) files (tests build and pick flow JSON with literal
 * types: data and assertions, not logic), and folders that are not source (node_modules, dist,
 * data, coverage). A line breaks the rule when it
 * 1. compares a `.type` to the name of a node type (`node.type === 'throttle'`, `'measure' != n.type`),
 *    the names being those that nodes/ and examples/ declare;
 *    or to a constant named like one (`n.type === MEASURE_NODE_TYPE`);
 * 2. switches on a `.type` with a `case` of a node type name;
 * 3. reads a node's type or config out of flow JSON in SQL (`'$.type'`, `'$.config…'`, `->> 'type'`,
 *    `{config,…}`, `-> 'config'`);
 * 4. casts a node's config to a hand-written shape (`node.config as { … }`).
 * Object literals such as `{ type: 'throttle', config: {...} }` are data and are allowed anywhere.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NODE_CODE = ['nodes', 'examples']
/** Top-level folders not scanned: node code, the tests and their fixtures. */
const NOT_SCANNED = new Set([...NODE_CODE, 'test'])
/** Folders at any depth that hold no source of ours. */
const NOT_SOURCE = new Set(['node_modules', 'dist', 'data', 'coverage', '.git', 'tmp'])

/** The .ts / .tsx files under `dir` the rule covers (no tests). */
function sourceFiles(dir: string, top = true): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) {
      if (!NOT_SOURCE.has(entry) && !(top && NOT_SCANNED.has(entry))) files.push(...sourceFiles(full, false))
    } else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry)) files.push(full)
  }
  return files
}

/** The node type names declared in nodes/ and examples/ (the `type:` of each defineNode). */
function declaredTypes(): string[] {
  const types = new Set<string>()
  for (const folder of NODE_CODE) {
    for (const file of sourceFilesOf(path.join(ROOT, folder))) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(/defineNode\(\{\s*(?:\/\/[^\n]*\n\s*)*type:\s*'([a-z][a-z0-9-]*)'/g)) types.add(match[1] as string)
    }
  }
  return [...types].sort()
}

function sourceFilesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f)).map((f) => path.join(dir, f))
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The rules above as patterns over one line, given the node type names. */
function rulesFor(types: readonly string[]): { rule: string; pattern: RegExp }[] {
  const name = `(?:${types.map(escape).join('|')})`
  // A quoted name; `group` numbers its quote so that two may sit in one pattern.
  const literal = (group: number) => `(['"\`])${name}\\${group}`
  return [
    { rule: 'compares .type to a node type name', pattern: new RegExp(`\\.type\\s*[!=]==?\\s*${literal(1)}|${literal(2)}\\s*[!=]==?\\s*[\\w$.?\\]\\[)]*\\.type\\b`) },
    { rule: 'compares .type to a node type constant', pattern: /\.type\s*[!=]==?\s*[A-Z][A-Z0-9_]*_TYPE\b/ },
    { rule: 'cases on a node type name', pattern: new RegExp(`\\bcase\\s+${literal(1)}\\s*:`) },
    { rule: 'reads a node type or config out of flow JSON in SQL', pattern: /'\$\.(type|config)\b|->>?\s*'(type|config)'|'\{config,/ },
    { rule: "casts a node's config to a hand-written shape", pattern: /\.config\s+as\s+\{/ },
  ]
}

/** Every line of `text` that breaks a rule, as `line: rule`. */
function violations(text: string, types: readonly string[]): string[] {
  const rules = rulesFor(types)
  const found: string[] = []
  for (const [index, line] of text.split('\n').entries()) {
    for (const { rule, pattern } of rules) if (pattern.test(line)) found.push(`${index + 1}: ${rule}`)
  }
  return found
}

describe('no node type literals outside node folders', () => {
  const types = declaredTypes()

  it('knows the node types nodes/ and examples/ declare', () => {
    expect(types).toEqual(expect.arrayContaining(['ab-split', 'choose-channel', 'filter-segment', 'measure', 'score', 'throttle', 'trigger', 'wait']))
  })

  it('flags each kind of violation and leaves data and other types alone', () => {
    const sample = [
      "if (node.type === 'throttle') gate(node)", // 1
      "const m = flow.nodes.filter((n) => 'measure' !== n.type)", // 2
      '  case "score":', // 3
      "WHERE json_extract(n.value, '$.type') = ?", // 4
      "AND json_extract(n.value, '$.config.channel') = ?", // 5
      "AND n.value ->> 'type' = $2", // 6
      "AND n.value #>> '{config,channel}' = $3", // 7
      'const goal = node.config as { event: string }', // 8
      "const flow = { nodes: [{ id: 'gate', type: 'throttle', config: { channel: 'sms' } }] }", // 9: data
      "if (condition.type === 'tag') return tag()", // 10: a segment condition, not a node type
      "if (definition.category === 'trigger') start()", // 11: a declared category
      'const measures = flow.nodes.filter((n) => n.type === MEASURE_NODE_TYPE)', // 12
    ].join('\n')
    expect(violations(sample, types)).toEqual([
      '1: compares .type to a node type name',
      '2: compares .type to a node type name',
      '3: cases on a node type name',
      '4: reads a node type or config out of flow JSON in SQL',
      '5: reads a node type or config out of flow JSON in SQL',
      '6: reads a node type or config out of flow JSON in SQL',
      '7: reads a node type or config out of flow JSON in SQL',
      "8: casts a node's config to a hand-written shape",
      '12: compares .type to a node type constant',
    ])
  })

  it('finds none in engine/, store/, server/, cli/, bench/, scripts/, testing/ or editor/src', () => {
    const found = sourceFiles(ROOT).flatMap((file) =>
      violations(readFileSync(file, 'utf8'), types).map((v) => `${path.relative(ROOT, file)}:${v}`))
    expect(found).toEqual([])
  })
})
