import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { loadFlowFile, saveFlow } from './files.ts'
import { formatFlow } from './format.ts'
import { type Flow, flowSchema } from './schema.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const valid = path.join(repo, 'test/fixtures/flows/valid')
const temp = mkdtempSync(path.join(tmpdir(), 'sluice-format-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** A deterministic shuffle (the test must not depend on Math.random). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items]
  let state = seed
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648
    const j = state % (i + 1)
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}

/** The same object with its keys in reverse order at every depth (arrays keep their order). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]))
  return value
}

describe('flow file format', () => {
  it.each(readdirSync(valid))('%s: load → save gives identical bytes', async (file) => {
    const original = readFileSync(path.join(valid, file), 'utf8')
    const flow = await loadFlowFile(path.join(valid, file))
    const copy = path.join(temp, file)
    await saveFlow(copy, flow)
    expect(readFileSync(copy, 'utf8')).toBe(original)
  })

  it('prints shuffled nodes, edges, layout and keys to the same text', () => {
    const text = readFileSync(path.join(valid, 'welcome.flow.json'), 'utf8')
    const flow = flowSchema.parse(JSON.parse(text))
    for (const seed of [1, 2, 3]) {
      const messy = reverseKeys({
        ...flow,
        nodes: shuffled(flow.nodes, seed),
        edges: shuffled(flow.edges, seed + 10),
        layout: Object.fromEntries(shuffled(Object.entries(flow.layout), seed + 20)),
      })
      expect(formatFlow(flowSchema.parse(messy))).toBe(text)
    }
  })

  it('writes 2-space indentation, a trailing newline and the $schema reference', async () => {
    const flow: Flow = flowSchema.parse({
      id: 'tiny', name: 'Tiny', version: 1,
      nodes: [{ id: 'entry', type: 'test-trigger', config: { event: 'signup' } }], edges: [],
      settings: { priority: 0, entry: { policy: 'once' }, holdout: { percent: 0 } },
    })
    const file = path.join(temp, 'tiny.flow.json')
    await saveFlow(file, flow)
    const text = readFileSync(file, 'utf8')
    expect(text.startsWith('{\n  "$schema": "../schema/flow.schema.json",\n  "id": "tiny",')).toBe(true)
    expect(text.endsWith('}\n')).toBe(true)
    expect(JSON.parse(text).layout).toEqual({})
  })

  it('refuses to load an invalid file, naming the file and the field', async () => {
    const file = path.join(repo, 'test/fixtures/flows/invalid/missing-settings.flow.json')
    await expect(loadFlowFile(file)).rejects.toThrow(/missing-settings.flow.json: invalid flow:\n {2}settings: required: expected object/)
    await expect(loadFlowFile(path.join(temp, 'absent.flow.json'))).rejects.toThrow(/absent.flow.json: no such file/)
  })

  it('survives JSON.stringify unchanged', async () => {
    const flow = await loadFlowFile(path.join(valid, 'welcome.flow.json'))
    expect(flowSchema.parse(JSON.parse(JSON.stringify(flow)))).toEqual(flow)
  })

  it('keeps pins and sticky notes: notes sorted by id in a fixed key order, an empty list left out', () => {
    const flow = flowSchema.parse({
      id: 'noted', name: 'Noted', version: 1, nodes: [{ id: 'in', type: 'trigger', config: {} }], edges: [],
      settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
      layout: { in: { pinned: true, y: 5, x: 1 } },
      notes: [{ color: 'blue', y: 2, x: 1, text: 'second', id: 'n-2' }, { text: 'first', id: 'n-1', x: 0, y: 0, width: 240 }],
    })
    const text = formatFlow(flow)
    expect(JSON.parse(text).layout).toEqual({ in: { x: 1, y: 5, pinned: true } })
    expect(text).toContain('"notes": [\n    {\n      "id": "n-1",\n      "text": "first",\n      "x": 0,\n      "y": 0,\n      "width": 240\n    },\n    {\n      "id": "n-2",\n      "text": "second",\n      "x": 1,\n      "y": 2,\n      "color": "blue"\n    }\n  ]\n}\n')
    expect(formatFlow({ ...flow, notes: [] })).not.toContain('notes')
  })

  it('refuses two notes with one id, naming the second', () => {
    const parsed = flowSchema.safeParse({
      id: 'noted', name: 'Noted', version: 1, nodes: [], edges: [], settings: { priority: 1, entry: { policy: 'once' }, holdout: { percent: 0 } },
      notes: [{ id: 'n', text: 'a', x: 0, y: 0 }, { id: 'n', text: 'b', x: 0, y: 0 }],
    })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['notes.1.id', 'note id "n" is used by an earlier note; note ids must be unique']])
  })
})
