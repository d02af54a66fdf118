/**
 * Semantic diff of two flows: what a reviewer needs to know (nodes added or removed, config
 * fields changed, types and versions changed, edges rewired, settings changed) rather than a
 * line diff of JSON. Layout and sticky notes are ignored: moving a box or writing a note on the
 * canvas changes no behaviour.
 * Browser-safe.
 */
import { compareText, sortKeysDeep } from './format.ts'
import type { Flow, FlowEdge } from './schema.ts'
import { joinPath } from '../sdk/zod-issues.ts'

/** One changed value: `path` is relative to what changed (a node's `config.max`, a setting's `holdout.percent`). */
export interface ValueChange {
  path: string
  /** Undefined when the field was added. */
  from?: unknown
  /** Undefined when the field was removed. */
  to?: unknown
}

export interface NodeChange {
  id: string
  /** The node's type in the newer flow. */
  type: string
  typeChanged?: { from: string; to: string }
  versionChanged?: { from?: number; to?: number }
  titleChanged?: { from?: string; to?: string }
  config: ValueChange[]
}

/** The semantic difference from flow `a` to flow `b`. */
export interface FlowDiff {
  /** Top-level fields: id, name, description, version. */
  flow: ValueChange[]
  nodesAdded: { id: string; type: string }[]
  nodesRemoved: { id: string; type: string }[]
  nodesChanged: NodeChange[]
  edgesAdded: FlowEdge[]
  edgesRemoved: FlowEdge[]
  /** The same output of the same node now leads elsewhere. */
  edgesRewired: { from: string; output: string; toBefore: string; toAfter: string }[]
  settings: ValueChange[]
}

/** True when the two flows behave the same (layout aside). */
export function isEmptyDiff(diff: FlowDiff): boolean {
  return Object.values(diff).every((part) => (part as unknown[]).length === 0)
}

/** Changes between two JSON values, leaf by leaf; arrays compare by index. */
export function diffValues(a: unknown, b: unknown, path = ''): ValueChange[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareText)
    return keys.flatMap((key) => diffValues(a[key], b[key], joinPath(path, key)))
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length)
    return Array.from({ length }, (_, i) => diffValues(a[i], b[i], joinPath(path, i))).flat()
  }
  if (sameJson(a, b)) return []
  return [{ path: path === '' ? '(value)' : path, ...(a === undefined ? {} : { from: a }), ...(b === undefined ? {} : { to: b }) }]
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeysDeep(a)) === JSON.stringify(sortKeysDeep(b))
}

function edgeKey(edge: FlowEdge): string {
  return `${edge.from}\u0000${edge.output}\u0000${edge.to}`
}

function byEdge(a: FlowEdge, b: FlowEdge): number {
  return compareText(a.from, b.from) || compareText(a.output, b.output) || compareText(a.to, b.to)
}

/** Computes the semantic diff from `a` to `b`. */
export function diffFlows(a: Flow, b: Flow): FlowDiff {
  const flow = (['id', 'name', 'description', 'version'] as const).flatMap((field) => diffValues(a[field], b[field], field))

  const before = new Map(a.nodes.map((n) => [n.id, n]))
  const after = new Map(b.nodes.map((n) => [n.id, n]))
  const nodesAdded = b.nodes.filter((n) => !before.has(n.id)).map((n) => ({ id: n.id, type: n.type })).sort((x, y) => compareText(x.id, y.id))
  const nodesRemoved = a.nodes.filter((n) => !after.has(n.id)).map((n) => ({ id: n.id, type: n.type })).sort((x, y) => compareText(x.id, y.id))
  const nodesChanged: NodeChange[] = []
  for (const next of [...b.nodes].sort((x, y) => compareText(x.id, y.id))) {
    const prev = before.get(next.id)
    if (!prev) continue
    const change: NodeChange = { id: next.id, type: next.type, config: diffValues(prev.config, next.config, 'config') }
    if (prev.type !== next.type) change.typeChanged = { from: prev.type, to: next.type }
    if (prev.version !== next.version) change.versionChanged = { ...(prev.version === undefined ? {} : { from: prev.version }), ...(next.version === undefined ? {} : { to: next.version }) }
    if (prev.title !== next.title) change.titleChanged = { ...(prev.title === undefined ? {} : { from: prev.title }), ...(next.title === undefined ? {} : { to: next.title }) }
    if (change.typeChanged || change.versionChanged || change.titleChanged || change.config.length > 0) nodesChanged.push(change)
  }

  const keysA = new Set(a.edges.map(edgeKey))
  const keysB = new Set(b.edges.map(edgeKey))
  const removed = a.edges.filter((e) => !keysB.has(edgeKey(e)))
  const added = b.edges.filter((e) => !keysA.has(edgeKey(e)))
  // A removed and an added edge from the same (node, output) is one rewiring, not two changes.
  const edgesRewired: FlowDiff['edgesRewired'] = []
  const addedLeft = [...added]
  const edgesRemoved: FlowEdge[] = []
  for (const old of removed) {
    const i = addedLeft.findIndex((e) => e.from === old.from && e.output === old.output)
    const replacement = addedLeft[i]
    if (replacement) {
      edgesRewired.push({ from: old.from, output: old.output, toBefore: old.to, toAfter: replacement.to })
      addedLeft.splice(i, 1)
    } else edgesRemoved.push({ ...old })
  }
  edgesRewired.sort((x, y) => compareText(x.from, y.from) || compareText(x.output, y.output))

  return {
    flow,
    nodesAdded,
    nodesRemoved,
    nodesChanged,
    edgesAdded: addedLeft.map((e) => ({ ...e })).sort(byEdge),
    edgesRemoved: edgesRemoved.sort(byEdge),
    edgesRewired,
    settings: diffValues(a.settings, b.settings),
  }
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value)
}

function showChange(change: ValueChange): string {
  return `${change.path}: ${show(change.from)} → ${show(change.to)}`
}

/** The diff as text for people, one change per line; "no changes" when there are none. */
export function formatFlowDiff(diff: FlowDiff, labels: { a: string; b: string } = { a: 'a', b: 'b' }): string {
  if (isEmptyDiff(diff)) return `no changes between ${labels.a} and ${labels.b} (layout and notes ignored)\n`
  const lines: string[] = [`${labels.a} → ${labels.b}`]
  if (diff.flow.length > 0) {
    lines.push('flow')
    for (const change of diff.flow) lines.push(`  ~ ${showChange(change)}`)
  }
  if (diff.nodesAdded.length + diff.nodesRemoved.length + diff.nodesChanged.length > 0) {
    lines.push('nodes')
    for (const node of diff.nodesAdded) lines.push(`  + ${node.id} (${node.type}) added`)
    for (const node of diff.nodesRemoved) lines.push(`  - ${node.id} (${node.type}) removed`)
    for (const node of diff.nodesChanged) {
      lines.push(`  ~ ${node.id} (${node.type})`)
      if (node.typeChanged) lines.push(`      type: ${node.typeChanged.from} → ${node.typeChanged.to}`)
      if (node.versionChanged) lines.push(`      version: ${show(node.versionChanged.from)} → ${show(node.versionChanged.to)}`)
      if (node.titleChanged) lines.push(`      title: ${show(node.titleChanged.from)} → ${show(node.titleChanged.to)}`)
      for (const change of node.config) lines.push(`      ${showChange(change)}`)
    }
  }
  if (diff.edgesAdded.length + diff.edgesRemoved.length + diff.edgesRewired.length > 0) {
    lines.push('edges')
    for (const edge of diff.edgesRewired) lines.push(`  ~ ${edge.from} [${edge.output}]: → ${edge.toBefore} becomes → ${edge.toAfter}`)
    for (const edge of diff.edgesAdded) lines.push(`  + ${edge.from} [${edge.output}] → ${edge.to}`)
    for (const edge of diff.edgesRemoved) lines.push(`  - ${edge.from} [${edge.output}] → ${edge.to}`)
  }
  if (diff.settings.length > 0) {
    lines.push('settings')
    for (const change of diff.settings) lines.push(`  ~ ${showChange(change)}`)
  }
  return `${lines.join('\n')}\n`
}
