/**
 * Static verification of a flow against a node registry: reports every problem at once, each
 * with a stable code, a severity, the node it concerns and a field path such as
 * `nodes[throttle-1].config.max`. The checks are generic: they read node declarations
 * (category, outputs, timing, validate) and never switch on a node type name, so custom and
 * built-in node types are verified alike. Browser-safe. docs/flow-format.md lists the codes.
 */
import type { Issue } from '../errors.ts'
import type { AttributeDef } from '../ports/store.ts'
import type { NodeRegistry } from '../registry/registry.ts'
import type { AnyNodeDefinition } from '../sdk/define-node.ts'
import { outputsOf } from '../sdk/define-node.ts'
import type { NodeValidationContext } from '../sdk/types.ts'
import { validateNodeConfig } from '../sdk/validate-config.ts'
import { pathOf, zodIssuesToIssues } from '../sdk/zod-issues.ts'
import { cyclePath, stronglyConnected } from './graph.ts'
import { parseJsonText } from './parse-json.ts'
import { type FlowEdge, type FlowNode, flowEdgeSchema, flowNodeSchema, flowSchema, NODE_ID_PATTERN } from './schema.ts'

/** A verification finding. Errors make a flow unusable; warnings point at likely mistakes. */
export interface FlowIssue extends Issue {
  severity: 'error' | 'warning'
  /** The node the issue concerns, when there is one. */
  nodeId?: string
}

/** A node as the checks see it: well-formed (`node`) or only identifiable by its id. */
interface NodeView {
  id: string
  index: number
  node?: FlowNode
}

interface EdgeView {
  index: number
  edge: FlowEdge
}

interface FlowView {
  nodes: NodeView[]
  edges: EdgeView[]
  layoutIds: string[]
  /** False when some nodes or edges could not be read: graph-wide checks would then report phantoms. */
  complete: boolean
}

interface ResolvedNode {
  definition: AnyNodeDefinition
  /** Undefined when the config is invalid, so outputs cannot be known. */
  outputs?: readonly string[]
}

/** What verification may check names against besides the flow itself. */
export interface VerifyOptions {
  /**
   * The store's attribute catalogue: node checks look attribute names up in it (a filter on
   * `member_teir`, a template's `{{customer.first_nmae}}`) and say "did you mean". What only the
   * catalogue reveals is a warning: whether a flow is valid never depends on the store's data.
   * An empty catalogue (customers written without one) says nothing about names and is ignored.
   */
  attributes?: readonly AttributeDef[]
}

/** True when any issue is an error. */
export function hasErrors(issues: readonly FlowIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error')
}

/** Verifies flow file text: JSON syntax (with line and column), then everything {@link verifyFlow} checks. */
export function verifyFlowText(text: string, registry: NodeRegistry, options: VerifyOptions = {}): FlowIssue[] {
  const parsed = parseJsonText(text)
  return parsed.ok ? verifyFlow(parsed.value, registry, options) : [parsed.issue]
}

/** Verifies a parsed flow file (any JSON value) and returns every issue found, errors and warnings. */
export function verifyFlow(input: unknown, registry: NodeRegistry, options: VerifyOptions = {}): FlowIssue[] {
  const issues = verifyAgainst(input, registry, undefined)
  if (!options.attributes || options.attributes.length === 0) return issues
  const known = new Set(issues.map(issueKey))
  return verifyAgainst(input, registry, options.attributes).map((issue) => (known.has(issueKey(issue)) ? issue : { ...issue, severity: 'warning' as const }))
}

/**
 * The issues only the attribute catalogue reveals (all warnings): what `sluice run` prints
 * before a back-test, where the flow's other warnings are `sluice validate`'s business.
 */
export function catalogueWarnings(input: unknown, registry: NodeRegistry, attributes: readonly AttributeDef[]): FlowIssue[] {
  const known = new Set(verifyAgainst(input, registry, undefined).map(issueKey))
  return verifyFlow(input, registry, { attributes }).filter((issue) => !known.has(issueKey(issue)))
}

function issueKey(issue: FlowIssue): string {
  return `${issue.code}\u0000${issue.path}\u0000${issue.message}`
}

function verifyAgainst(input: unknown, registry: NodeRegistry, attributes: readonly AttributeDef[] | undefined): FlowIssue[] {
  const issues: FlowIssue[] = []
  const parsed = flowSchema.safeParse(input, { reportInput: true })
  let view: FlowView
  if (parsed.success) {
    view = {
      nodes: parsed.data.nodes.map((node, index) => ({ id: node.id, index, node })),
      edges: parsed.data.edges.map((edge, index) => ({ index, edge })),
      layoutIds: Object.keys(parsed.data.layout),
      complete: true,
    }
  } else {
    const rename = (path: readonly PropertyKey[]) => renamePath(input, path)
    for (const issue of zodIssuesToIssues(parsed.error.issues, { code: 'flow.shape', schema: flowSchema, rename })) {
      issues.push({ ...issue, severity: 'error', ...nodeIdOf(issue) })
    }
    // Keep checking what is well-formed, so one typo does not hide every other problem.
    view = lenientView(input)
  }

  const ids = checkNodeIds(view, issues)
  const resolved = checkNodes(view, registry, attributes, issues)
  checkEdges(view, ids, resolved, issues)
  const triggers = checkTriggers(view, resolved, issues)
  if (view.complete) {
    const reachable = checkReachability(view, ids, triggers, issues)
    checkUnconnectedOutputs(view, resolved, reachable, issues)
  }
  checkCycles(view, ids, resolved, issues)
  for (const id of view.layoutIds) {
    if (!ids.has(id)) issues.push({ code: 'layout.unknown-node', severity: 'warning', path: `layout[${id}]`, message: `layout for "${id}", which is not a node of the flow (left over from a deleted node?)` })
  }
  return issues
}

/** `nodes[3]` → `nodes[<id>]` when node 3 has a usable id; `layout.<id>` → `layout[<id>]`. */
function renamePath(input: unknown, path: readonly PropertyKey[]): string {
  const [head, second, ...rest] = path
  if (head === 'nodes' && typeof second === 'number') {
    const id = rawNodeId(input, second)
    return pathOf(id === undefined ? `nodes[${second}]` : `nodes[${id}]`, rest)
  }
  if (head === 'layout' && typeof second === 'string') return pathOf(`layout[${second}]`, rest)
  return pathOf('', path)
}

function rawNodeId(input: unknown, index: number): string | undefined {
  const nodes = (input as { nodes?: unknown } | null)?.nodes
  const id = Array.isArray(nodes) ? (nodes[index] as { id?: unknown } | null)?.id : undefined
  return typeof id === 'string' && NODE_ID_PATTERN.test(id) ? id : undefined
}

/** The node id a renamed path starts with (`nodes[<id>]...`), unless only an index was known. */
function nodeIdOf(issue: Issue): { nodeId?: string } {
  const match = /^nodes\[([^\]]+)\]/.exec(issue.path)
  if (!match?.[1] || /^\d+$/.test(match[1])) return {}
  return { nodeId: match[1] }
}

function lenientView(input: unknown): FlowView {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
  const nodes: NodeView[] = []
  if (Array.isArray(raw.nodes)) {
    raw.nodes.forEach((value, index) => {
      const id = rawNodeId(raw, index)
      if (id === undefined) return
      const parsed = flowNodeSchema.safeParse(value)
      nodes.push({ id, index, ...(parsed.success ? { node: parsed.data } : {}) })
    })
  }
  const edges: EdgeView[] = []
  if (Array.isArray(raw.edges)) {
    raw.edges.forEach((value, index) => {
      const parsed = flowEdgeSchema.safeParse(value)
      if (parsed.success) edges.push({ index, edge: parsed.data })
    })
  }
  const layout = raw.layout
  const complete = Array.isArray(raw.nodes) && Array.isArray(raw.edges) && nodes.length === raw.nodes.length && nodes.every((v) => v.node) && edges.length === raw.edges.length
  return { nodes, edges, layoutIds: typeof layout === 'object' && layout !== null && !Array.isArray(layout) ? Object.keys(layout) : [], complete }
}

/** Reports duplicate ids; returns the set of ids (the first node with an id is the one edges refer to). */
function checkNodeIds(view: FlowView, issues: FlowIssue[]): Set<string> {
  const first = new Map<string, number>()
  for (const { id, index } of view.nodes) {
    const earlier = first.get(id)
    if (earlier === undefined) first.set(id, index)
    else issues.push({ code: 'node.duplicate-id', severity: 'error', nodeId: id, path: `nodes[${id}]`, message: `node id "${id}" is used by nodes ${earlier} and ${index} (0-based); ids must be unique` })
  }
  return new Set(first.keys())
}

function checkNodes(view: FlowView, registry: NodeRegistry, attributes: readonly AttributeDef[] | undefined, issues: FlowIssue[]): Map<string, ResolvedNode> {
  const resolved = new Map<string, ResolvedNode>()
  const context = (nodeId: string): NodeValidationContext => ({
    nodeId,
    nodes: view.nodes.flatMap((v) => (v.node ? [v.node] : [])),
    edges: view.edges.map((e) => e.edge),
    ...(attributes ? { attributes } : {}),
  })
  const seen = new Set<string>()
  for (const { id, node } of view.nodes) {
    if (seen.has(id) || !node) continue
    seen.add(id)
    const at = `nodes[${id}]`
    const resolution = registry.resolve(node.type, node.version)
    if (!resolution.ok) {
      issues.push({ code: `node.${resolution.code}`, severity: 'error', nodeId: id, path: `${at}.${resolution.code === 'unknown-type' ? 'type' : 'version'}`, message: resolution.message })
      continue
    }
    const { definition } = resolution
    let config: unknown = node.config
    if (resolution.migrateFrom !== undefined) {
      try {
        config = registry.upgradeConfig(node.type, resolution.migrateFrom, node.config).config
        issues.push({
          code: 'node.version-migrated', severity: 'warning', nodeId: id, path: `${at}.version`,
          message: `config of ${node.type} v${resolution.migrateFrom} is migrated to v${definition.version} when loaded; save the flow to upgrade the file`,
        })
      } catch (error) {
        issues.push({ code: 'node.migrate-failed', severity: 'error', nodeId: id, path: `${at}.config`, message: `migrating the config from v${resolution.migrateFrom} to v${definition.version} failed: ${error instanceof Error ? error.message : String(error)}` })
        resolved.set(id, { definition })
        continue
      }
    }
    const validation = validateNodeConfig(definition, config, context(id))
    for (const issue of validation.issues) {
      issues.push({ ...issue, severity: issue.severity ?? 'error', nodeId: id, path: `${at}.${issue.path}` })
    }
    let outputs: readonly string[] | undefined
    if (validation.config && !validation.issues.some((i) => i.code === 'node.outputs')) outputs = outputsOf(definition, validation.config)
    resolved.set(id, { definition, ...(outputs ? { outputs } : {}) })
  }
  return resolved
}

function describeEdge(edge: FlowEdge): string {
  return `edge "${edge.from}" [${edge.output}] → "${edge.to}"`
}

function checkEdges(view: FlowView, ids: Set<string>, resolved: Map<string, ResolvedNode>, issues: FlowIssue[]): void {
  const used = new Map<string, EdgeView>()
  for (const current of view.edges) {
    const { edge, index } = current
    const at = `edges[${index}]`
    if (!ids.has(edge.from)) issues.push({ code: 'edge.missing-source', severity: 'error', nodeId: edge.from, path: `${at}.from`, message: `${describeEdge(edge)}: there is no node "${edge.from}"` })
    if (!ids.has(edge.to)) issues.push({ code: 'edge.missing-target', severity: 'error', nodeId: edge.from, path: `${at}.to`, message: `${describeEdge(edge)}: there is no node "${edge.to}"` })
    const source = resolved.get(edge.from)
    if (source?.outputs && !source.outputs.includes(edge.output)) {
      issues.push({
        code: 'edge.unknown-output', severity: 'error', nodeId: edge.from, path: `${at}.output`,
        message: `${describeEdge(edge)}: node "${edge.from}" (${source.definition.type}) has no output "${edge.output}" (outputs: ${source.outputs.map((o) => `"${o}"`).join(', ')})`,
      })
    }
    const target = resolved.get(edge.to)
    if (target?.definition.category === 'trigger') {
      issues.push({ code: 'edge.into-trigger', severity: 'error', nodeId: edge.to, path: `${at}.to`, message: `${describeEdge(edge)}: "${edge.to}" is a trigger; customers enter a flow at its trigger and cannot be routed into one` })
    }
    const key = `${edge.from}\u0000${edge.output}`
    const earlier = used.get(key)
    if (earlier) {
      const same = earlier.edge.to === edge.to
      issues.push({
        code: same ? 'edge.duplicate' : 'edge.output-reused', severity: 'error', nodeId: edge.from, path: at,
        message: same
          ? `${describeEdge(edge)} is listed twice (also edges[${earlier.index}])`
          : `output "${edge.output}" of "${edge.from}" already leads to "${earlier.edge.to}" (edges[${earlier.index}]); an output leads to exactly one node`,
      })
    } else used.set(key, current)
  }
}

/** Exactly one entry trigger (a node whose category is `trigger`); returns the trigger ids. */
function checkTriggers(view: FlowView, resolved: Map<string, ResolvedNode>, issues: FlowIssue[]): string[] {
  const triggers = [...resolved].filter(([, r]) => r.definition.category === 'trigger').map(([id]) => id)
  const unresolved = view.nodes.some((v) => !resolved.has(v.id))
  if (triggers.length === 0 && !unresolved && view.complete) {
    issues.push({ code: 'flow.no-trigger', severity: 'error', path: 'nodes', message: 'the flow has no trigger node; add exactly one node of category "trigger" where customers enter' })
  }
  for (const extra of triggers.slice(1)) {
    issues.push({ code: 'flow.multiple-triggers', severity: 'error', nodeId: extra, path: `nodes[${extra}]`, message: `"${extra}" is a second trigger (the first is "${triggers[0]}"); a flow has exactly one entry trigger` })
  }
  return triggers
}

function successors(view: FlowView, ids: Set<string>): Map<string, string[]> {
  const next = new Map<string, string[]>()
  for (const { edge } of view.edges) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) continue
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to])
  }
  return next
}

/** Every node must be reachable from the trigger; returns the reachable ids (empty without a trigger). */
function checkReachability(view: FlowView, ids: Set<string>, triggers: string[], issues: FlowIssue[]): Set<string> {
  const reachable = new Set<string>()
  if (triggers.length === 0) return reachable
  const next = successors(view, ids)
  const queue = [...triggers]
  for (const id of queue) {
    if (reachable.has(id)) continue
    reachable.add(id)
    queue.push(...(next.get(id) ?? []))
  }
  for (const id of ids) {
    if (!reachable.has(id)) issues.push({ code: 'node.unreachable', severity: 'error', nodeId: id, path: `nodes[${id}]`, message: `node "${id}" cannot be reached from the trigger "${triggers[0]}"; connect an output to it or delete it` })
  }
  return reachable
}

/**
 * A node with no outgoing edge is where journeys end, which is normal (the last send). A node
 * with some outputs wired and others not is probably unfinished: customers on the unwired
 * outputs end their journey there, so each one gets a warning.
 */
function checkUnconnectedOutputs(view: FlowView, resolved: Map<string, ResolvedNode>, reachable: Set<string>, issues: FlowIssue[]): void {
  const connected = new Set(view.edges.map(({ edge }) => `${edge.from}\u0000${edge.output}`))
  const hasEdges = new Set(view.edges.map(({ edge }) => edge.from))
  for (const [id, { outputs }] of resolved) {
    // Unreachable nodes already have an error; their outputs would only add noise.
    if (!outputs || !hasEdges.has(id) || (reachable.size > 0 && !reachable.has(id))) continue
    for (const output of outputs) {
      if (!connected.has(`${id}\u0000${output}`)) {
        issues.push({ code: 'node.output-unconnected', severity: 'warning', nodeId: id, path: `nodes[${id}]`, message: `output "${output}" of "${id}" is not connected while its other outputs are: customers leaving on it end their journey there` })
      }
    }
  }
}

/**
 * Every cycle must contain a node that waits; equivalently, the edges between instant nodes
 * form no cycle. The check is on that subgraph, not on whole strongly connected components: a
 * component holding a wait on one path (`seg → wait → send → seg`) can still hold an
 * all-instant loop on another (`seg → send → seg`), which would spin customers within one tick.
 */
function checkCycles(view: FlowView, ids: Set<string>, resolved: Map<string, ResolvedNode>, issues: FlowIssue[]): void {
  // A node of unknown type might wait; its own error is already reported, so it breaks loops here.
  const instant = new Set([...ids].filter((id) => {
    const timing = resolved.get(id)?.definition.timing
    return timing !== undefined && timing !== 'waits'
  }))
  const next = new Map<string, string[]>()
  for (const [from, targets] of successors(view, ids)) {
    if (instant.has(from)) next.set(from, targets.filter((to) => instant.has(to)))
  }
  for (const component of stronglyConnected([...instant], next)) {
    const first = component[0] as string
    const isCycle = component.length > 1 || (next.get(first) ?? []).includes(first)
    if (!isCycle) continue
    const loop = cyclePath(first, new Set(component), next)
    issues.push({
      code: 'flow.cycle-without-wait', severity: 'error', nodeId: first, path: `nodes[${first}]`,
      message: `cycle ${loop.map((id) => `"${id}"`).join(' → ')} contains no node that waits (timing "waits"); customers would loop forever`,
    })
  }
}
