import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadRegistry } from '../registry/load-nodes.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import { type FlowIssue, verifyFlow, verifyFlowText } from './verify.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const flows = path.join(repo, 'test/fixtures/flows')
const read = (file: string) => readFileSync(path.join(flows, file), 'utf8')

let registry: NodeRegistry
beforeAll(async () => {
  // Fixture node types stand in for the built-ins; ab-split comes from sluice.config.ts.
  registry = await loadRegistry({ root: repo, builtins: false, nodeDirs: [path.join(repo, 'test/fixtures/node-types')] })
})

/**
 * Every invalid fixture and the error it must produce: code, node id (when the problem belongs
 * to a node) and field path. Other issues may accompany it (one mistake can break two rules),
 * but this one must be there.
 */
const invalid: { file: string; code: string; nodeId?: string; path: string; message?: RegExp }[] = [
  { file: 'bad-json', code: 'flow.json', path: 'line 121, column 3', message: /invalid JSON: Expected double-quoted property name/ },
  { file: 'missing-settings', code: 'flow.shape', path: 'settings', message: /required: expected object/ },
  { file: 'top-level-typo', code: 'flow.shape', path: 'edge', message: /unknown field "edge" \(did you mean "edges"\?\)/ },
  { file: 'bad-node-id', code: 'flow.shape', path: 'nodes[6].id', message: /expected letters, digits, "-" or "_".*got "send b"/ },
  { file: 'entry-policy-incomplete', code: 'flow.shape', path: 'settings.entry.days', message: /required: expected number/ },
  { file: 'holdout-over-100', code: 'flow.shape', path: 'settings.holdout.percent', message: /expected number ≤ 100, got 150/ },
  { file: 'duplicate-node-id', code: 'node.duplicate-id', nodeId: 'send-a', path: 'nodes[send-a]', message: /used by nodes 5 and 6/ },
  { file: 'unknown-type', code: 'node.unknown-type', nodeId: 'send-vip', path: 'nodes[send-vip].type', message: /unknown node type "sms-blast"/ },
  { file: 'unknown-version', code: 'node.unknown-version', nodeId: 'wait-1', path: 'nodes[wait-1].version', message: /"test-wait" has no version 3/ },
  { file: 'config-out-of-range', code: 'node.config', nodeId: 'wait-1', path: 'nodes[wait-1].config.hours', message: /^expected integer ≥ 1, got 0$/ },
  { file: 'config-missing-field', code: 'node.config', nodeId: 'vip', path: 'nodes[vip].config.equals', message: /^required: expected string or number or boolean$/ },
  { file: 'duplicate-variant', code: 'ab-split.duplicate-variant', nodeId: 'split-1', path: 'nodes[split-1].config.variants[1].name', message: /variant name "A" is already used/ },
  { file: 'edge-missing-target', code: 'edge.missing-target', nodeId: 'vip', path: 'edges[1].to', message: /there is no node "send-gold"/ },
  { file: 'edge-missing-source', code: 'edge.missing-source', nodeId: 'split-2', path: 'edges[6].from', message: /there is no node "split-2"/ },
  { file: 'edge-unknown-output', code: 'edge.unknown-output', nodeId: 'vip', path: 'edges[1].output', message: /has no output "yes" \(outputs: "match", "no match"\)/ },
  { file: 'output-reused', code: 'edge.output-reused', nodeId: 'vip', path: 'edges[6]', message: /already leads to "send-vip"/ },
  { file: 'edge-into-trigger', code: 'edge.into-trigger', nodeId: 'entry', path: 'edges[6].to' },
  { file: 'no-trigger', code: 'flow.no-trigger', path: 'nodes' },
  { file: 'two-triggers', code: 'flow.multiple-triggers', nodeId: 'entry-2', path: 'nodes[entry-2]' },
  { file: 'unreachable', code: 'node.unreachable', nodeId: 'wait-1', path: 'nodes[wait-1]' },
  { file: 'cycle-without-wait', code: 'flow.cycle-without-wait', nodeId: 'vip', path: 'nodes[vip]', message: /cycle "vip" → "send-vip" → "vip" contains no node that waits/ },
  // The loop's component also holds a wait (seg → wait-1 → send), on another path.
  { file: 'instant-loop-beside-wait', code: 'flow.cycle-without-wait', nodeId: 'seg', path: 'nodes[seg]', message: /cycle "seg" → "send" → "seg" contains no node that waits/ },
]

describe('verifyFlow on invalid fixtures', () => {
  it('has a fixture for every table row and a row for every fixture (at least 15)', () => {
    const files = readdirSync(path.join(flows, 'invalid')).map((f) => f.replace(/\.flow\.json$/, '')).sort()
    expect(files).toEqual(invalid.map((row) => row.file).sort())
    expect(files.length).toBeGreaterThanOrEqual(15)
  })

  it.each(invalid)('$file → $code at $path', ({ file, code, nodeId, path: where, message }) => {
    const issues = verifyFlowText(read(`invalid/${file}.flow.json`), registry)
    const match = issues.find((i) => i.code === code && i.path === where)
    expect(match, `issues were:\n${issues.map((i) => `${i.code} ${i.path}: ${i.message}`).join('\n')}`).toBeDefined()
    expect(match?.severity).toBe('error')
    expect(match?.nodeId).toBe(nodeId)
    if (message) expect(match?.message).toMatch(message)
  })
})

describe('verifyFlow on valid fixtures', () => {
  it.each(readdirSync(path.join(flows, 'valid')))('%s has no issues', (file) => {
    expect(verifyFlowText(read(`valid/${file}`), registry)).toEqual([])
  })
})

describe('verifyFlow', () => {
  const welcome = () => JSON.parse(read('valid/welcome.flow.json')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

  it('reports every problem at once, not just the first', () => {
    const flow = welcome()
    flow.nodes.find((n: { id: string }) => n.id === 'wait-1').config.hours = 0
    flow.nodes.find((n: { id: string }) => n.id === 'send-vip').type = 'sms-blast'
    flow.edges.push({ from: 'vip', output: 'match', to: 'send-a' })
    flow.settings.priority = 1.5
    const codes = verifyFlow(flow, registry).map((i: FlowIssue) => `${i.code} ${i.path}`)
    expect(codes).toEqual([
      'flow.shape settings.priority',
      'node.unknown-type nodes[send-vip].type',
      'node.config nodes[wait-1].config.hours',
      'edge.output-reused edges[6]',
    ])
  })

  it('warns about an output left unconnected while the node\'s other outputs are wired', () => {
    const flow = welcome()
    flow.edges = flow.edges.filter((e: { from: string; output: string }) => !(e.from === 'split-1' && e.output === 'B'))
    flow.nodes = flow.nodes.filter((n: { id: string }) => n.id !== 'send-b')
    delete flow.layout['send-b']
    expect(verifyFlow(flow, registry)).toEqual([
      { code: 'node.output-unconnected', severity: 'warning', nodeId: 'split-1', path: 'nodes[split-1]', message: 'output "B" of "split-1" is not connected while its other outputs are: customers leaving on it end their journey there' },
    ])
  })

  it('accepts a cycle that goes through a node that waits', () => {
    expect(verifyFlowText(read('valid/nudge-loop.flow.json'), registry)).toEqual([])
  })

  it('migrates an old node version before checking its config, with a warning', () => {
    const flow = welcome()
    const split = flow.nodes.find((n: { id: string }) => n.id === 'split-1')
    split.version = 1
    split.config = { weights: { A: 50, B: 50 } }
    expect(verifyFlow(flow, registry)).toEqual([
      expect.objectContaining({ code: 'node.version-migrated', severity: 'warning', nodeId: 'split-1', path: 'nodes[split-1].version' }),
    ])
  })

  it('runs node-specific checks with the flow around the node', () => {
    const flow = welcome()
    flow.nodes.find((n: { id: string }) => n.id === 'send-b').config.template = 'welcome-a'
    const issues = verifyFlow(flow, registry)
    expect(issues.map((i) => [i.code, i.severity, i.path])).toEqual([
      ['test-send.same-template', 'warning', 'nodes[send-a].config.template'],
      ['test-send.same-template', 'warning', 'nodes[send-b].config.template'],
    ])
  })

  it('verifies without built-ins or config nodes present, flagging the unknown types only', () => {
    const flow = welcome()
    const bare = verifyFlow(flow, new (registry.constructor as new () => NodeRegistry)())
    expect(new Set(bare.map((i) => i.code))).toEqual(new Set(['node.unknown-type']))
  })
})
