/**
 * testNode: runs one node type over a cohort the way the engine will, against a real in-memory
 * SQLite store, and returns plain data to assert on. It checks what the engine checks (the
 * config against the declaration, every customer leaving exactly once) so a node that passes
 * here behaves the same in a flow.
 */
import type { z } from 'zod'
import { secretsOf } from '../engine/config/secrets.ts'
import { UserError } from '../engine/errors.ts'
import type { CustomerInput, EventInput, StorePort } from '../engine/ports/store.ts'
import { assertNodeResult, exitsOf } from '../engine/sdk/check-result.ts'
import { type NodeDefinition, outputsOf } from '../engine/sdk/define-node.ts'
import { runNodeGuarded } from '../engine/sdk/determinism-guard.ts'
import { createNodeDataMemo, nodeDataFromStore } from '../engine/sdk/store-node-data.ts'
import { batchIdSource, nodeRunContext } from '../engine/executor/run-node.ts'
import { packKeys } from '../engine/journal/packed-keys.ts'
import type { EngineStore } from '../engine/ports/engine-store.ts'
import type { NodeDataPort } from '../engine/ports/node-data.ts'
import { METHODS as NODE_DATA_METHODS } from '../engine/replay/recorded-inputs.ts'
import { openEngineStore } from '../store/open-engine-store.ts'
import type { CohortMember, LogEntry, NodeNote, NodeResult, SendIntent, TagWrite, WakeOn } from '../engine/sdk/types.ts'
import { parseNodeConfig } from '../engine/sdk/validate-config.ts'
import { openStore } from '../store/open-store.ts'
import type { ContactPolicy } from '../engine/policy/contact-policy.ts'

/** 2025-01-01T00:00:00Z: the default simulated "now", so tests do not depend on the day they run. */
export const DEFAULT_TEST_NOW = Date.UTC(2025, 0, 1)

export interface TestNodeOptions<Schema extends z.ZodType> {
  /** The cohort: full customer rows, or just ids. They enter the node in this order unless `order` says otherwise. */
  customers: readonly (CustomerInput | string)[]
  /** Events to load first (their customers must be among `customers` or already in `store`). */
  events?: readonly EventInput[]
  /** The node's config as written in a flow file; validated against the declaration first. */
  config: z.input<Schema>
  /** Simulated current time (epoch ms). Default {@link DEFAULT_TEST_NOW}. */
  now?: number
  /** Run seed for ctx.random and ctx.id. Default `test-seed`. */
  seed?: string
  /** Split the cohort into batches of this size and run the node once per batch (proves batch-independence). */
  batchSize?: number
  /** `key` (the engine's order, default) or `reverse`, to prove order-independence. */
  order?: 'key' | 'reverse'
  /** When customers arrived at the node (epoch ms). Default `now`. */
  enteredAt?: number
  /** When customers entered the flow (epoch ms, CohortMember.flowEnteredAt). Default: unset. */
  flowEnteredAt?: number
  /**
   * When customers left other nodes of the run (node id → customer id → epoch ms): written to the
   * run's journal as the engine writes passages, so ctx.data.passedAt reads them through the real
   * port. The customers must be in the cohort or the store.
   */
  passed?: Record<string, Record<string, number>>
  /** Run as a wake-up of parked customers. */
  wake?: 'due' | 'event'
  /** Ids of the customers in the flow's holdout (CohortMember.holdout); the engine would hold their sends. Default: none. */
  holdout?: readonly string[]
  /** Node id in ctx (it keys ctx.random). Default `node-under-test`. */
  nodeId?: string
  /** `priority` is the flow's settings.priority (ctx.flow.priority), default 0. */
  flow?: { id: string; version: number; priority?: number }
  /** The engine's global contact policy (ctx.contactPolicy). */
  contactPolicy?: ContactPolicy
  /** Secrets the node reads as ctx.secrets.get(name), as sluice.config.ts `secrets` would give them. */
  secrets?: Readonly<Record<string, string>>
  /** The server's public URL (ctx.publicUrl). */
  publicUrl?: string
  /** Reuse a store (already holding the customers) instead of a fresh in-memory one; it is left open. */
  store?: StorePort
}

/** One journalled decision, with the node's explanation when it declares `explain`. */
export interface TestDecision<Output extends string> {
  customer: string
  output: Output
  at?: number
  reason?: string
  values?: Record<string, unknown>
  explanation?: string
}

/** What testNode returns: plain data keyed by external customer id. */
export interface TestNodeResult<Output extends string> {
  /** Every output of the node (empty lists included) → ids leaving on it, in cohort order. */
  routes: Record<Output, string[]>
  parked: { customer: string; until: number; wakeOn?: WakeOn; reason?: string }[]
  sends: (Omit<SendIntent, 'customer'> & { customer: string })[]
  tags: (Omit<TagWrite, 'customer'> & { customer: string })[]
  /** The result's notes and the ctx.log entries, in that order per batch. */
  notes: (Omit<NodeNote, 'customer'> & { customer?: string })[]
  logs: LogEntry[]
  /** One per routed customer. */
  decisions: TestDecision<Output>[]
  /** Calls the node made to ctx.data, per method: the batch-first contract is one call per batch. */
  calls: { customers: number; events: number; matchSegment: number; channelFacts: number; rfm: number; contactPolicy: number; passedAt: number }
  /** How many batches the cohort was run in. */
  batches: number
}

function toInput(customer: CustomerInput | string): CustomerInput {
  return typeof customer === 'string' ? { id: customer } : customer
}

/**
 * Runs `node` over `customers` with `config` and returns where everyone went.
 *
 * @example
 * ```ts
 * const result = await testNode(abSplit, {
 *   customers: ['c-1', 'c-2', 'c-3'],
 *   config: { variants: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }] },
 *   batchSize: 2,
 * })
 * expect([...result.routes.A, ...result.routes.B].sort()).toEqual(['c-1', 'c-2', 'c-3'])
 * ```
 */
export async function testNode<Schema extends z.ZodType, Output extends string>(
  node: NodeDefinition<Schema, Output>,
  options: TestNodeOptions<Schema>,
): Promise<TestNodeResult<Output>> {
  const now = options.now ?? DEFAULT_TEST_NOW
  const nodeId = options.nodeId ?? 'node-under-test'
  const flow = options.flow ?? { id: 'test-flow', version: 1 }
  const runId = 'test-run'
  const seed = options.seed ?? 'test-seed'
  // A bad config fails here with the full issue list, as flow verification would report it.
  const config = parseNodeConfig(node, options.config) as z.output<Schema>
  const outputs = outputsOf(node, config) as readonly Output[]

  const store = options.store ?? (await openStore({ db: ':memory:', now: () => now }))
  try {
    const inputs = options.customers.map(toInput)
    await store.transaction(async (tx) => {
      const fresh = inputs.filter((c) => Object.keys(c).length > 1 || !options.store)
      if (fresh.length > 0) await tx.upsertCustomers(fresh)
      if (options.events && options.events.length > 0) {
        const result = await tx.insertEvents([...options.events])
        if (result.unknownCustomers.length > 0) {
          const ids = result.unknownCustomers.map((i) => options.events?.[i]?.customerId)
          throw new UserError('test-node', `testNode: events refer to customers not in the cohort or store: ${[...new Set(ids)].join(', ')}`)
        }
      }
    })
    const stored = new Map((await store.getCustomers(inputs.map((c) => c.id))).map((c) => [c.id, c]))
    const holdout = new Set(options.holdout ?? [])
    const cohortIds = new Set(inputs.map((c) => c.id))
    for (const id of holdout) if (!cohortIds.has(id)) throw new UserError('test-node', `testNode: holdout customer "${id}" is not in the cohort`)
    let cohort: CohortMember[] = inputs.map((c) => {
      const customer = stored.get(c.id)
      if (!customer) throw new UserError('test-node', `testNode: customer "${c.id}" is not in the store`)
      return {
        key: customer.key, id: c.id, enteredAt: options.enteredAt ?? now,
        ...(options.flowEnteredAt === undefined ? {} : { flowEnteredAt: options.flowEnteredAt }),
        ...(options.wake ? { wake: options.wake } : {}),
        ...(holdout.has(c.id) ? { holdout: true } : {}),
      }
    })
    cohort = cohort.sort((a, b) => a.key - b.key)
    if (options.order === 'reverse') cohort.reverse()

    // The engine's own data port over the real store and engine store, with one tick's memo
    // (every batch of the cohort is one tick, as the executor runs them); calls counted per method.
    const engineStore = openEngineStore(store)
    await journalPassages(engineStore, store, { runId, flowId: flow.id, flowVersion: flow.version }, options.passed ?? {})
    const port = nodeDataFromStore(store, engineStore, createNodeDataMemo())
    const calls = Object.fromEntries(NODE_DATA_METHODS.map((method) => [method, 0])) as TestNodeResult<Output>['calls']
    const data = Object.fromEntries(
      NODE_DATA_METHODS.map((method) => [
        method,
        (...args: unknown[]) => {
          calls[method]++
          return (port[method] as (...a: unknown[]) => unknown)(...args)
        },
      ]),
    ) as unknown as NodeDataPort
    const logs: LogEntry[] = []
    const result = emptyResult(outputs)
    const size = options.batchSize ?? Math.max(cohort.length, 1)
    if (!Number.isInteger(size) || size < 1) throw new UserError('test-node', `testNode: batchSize must be a positive integer, got ${size}`)

    for (let start = 0; start < cohort.length || (start === 0 && cohort.length === 0); start += size) {
      const batch = cohort.slice(start, start + size)
      const batchLogs: LogEntry[] = []
      const ctx = nodeRunContext({
        run: { id: runId, seed },
        flow: { ...flow, priority: flow.priority ?? 0 },
        node: { id: nodeId, type: node.type, version: node.version },
        now,
        data,
        // Each batch its own ids, keyed by its number, as the executor's batches are.
        ids: batchIdSource(seed, result.batches + 1),
        settings: {
          ...(options.contactPolicy ? { contactPolicy: options.contactPolicy } : {}),
          ...(options.secrets ? { secrets: secretsOf(options.secrets) } : {}),
          ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
        },
        onLog: (entry) => batchLogs.push(entry),
      })
      const output = (await runNodeGuarded(ctx.node, () => node.run({ config, customers: batch, ctx }))) as NodeResult<string>
      assertNodeResult({ nodeId, runId }, batch, output, outputs)
      collect(result, output, node, config)
      result.notes.push(...batchLogs.map((l) => ({ message: l.message, level: l.level === 'warn' || l.level === 'error' ? ('warn' as const) : ('info' as const), ...(l.data ? { data: l.data } : {}) })))
      logs.push(...batchLogs)
      result.batches++
      if (cohort.length === 0) break
    }
    // Present routes in key order whatever order or batching ran, so results compare directly.
    const keyOf = new Map(cohort.map((m) => [m.id, m.key]))
    for (const output of outputs) result.routes[output].sort((a, b) => (keyOf.get(a) ?? 0) - (keyOf.get(b) ?? 0))
    return { ...result, logs, calls }
  } finally {
    if (!options.store) await store.close()
  }
}

function emptyResult<Output extends string>(outputs: readonly Output[]): Omit<TestNodeResult<Output>, 'logs' | 'calls'> {
  return {
    routes: Object.fromEntries(outputs.map((o) => [o, []])) as unknown as Record<Output, string[]>,
    parked: [], sends: [], tags: [], notes: [], decisions: [], batches: 0,
  }
}

function collect<Schema extends z.ZodType, Output extends string>(
  into: Omit<TestNodeResult<Output>, 'logs' | 'calls'>,
  output: NodeResult<string>,
  node: NodeDefinition<Schema, Output>,
  config: z.output<Schema>,
): void {
  for (const exit of exitsOf(output)) {
    if (exit.park) {
      const { customer, until, wakeOn, reason } = exit.park
      into.parked.push({ customer: customer.id, until, ...(wakeOn ? { wakeOn } : {}), ...(reason ? { reason } : {}) })
      continue
    }
    const name = exit.output as Output
    into.routes[name].push(exit.customer.id)
    const decision: TestDecision<Output> = {
      customer: exit.customer.id,
      output: name,
      ...(exit.at === undefined ? {} : { at: exit.at }),
      ...(exit.reason === undefined ? {} : { reason: exit.reason }),
      ...(exit.values === undefined ? {} : { values: exit.values }),
    }
    if (node.explain) decision.explanation = node.explain(decision, config)
    into.decisions.push(decision)
  }
  for (const send of output.sends ?? []) into.sends.push({ ...send, customer: send.customer.id })
  for (const tag of output.tags ?? []) into.tags.push({ ...tag, customer: tag.customer.id })
  for (const note of output.notes ?? []) {
    const { customer, ...rest } = note
    into.notes.push({ ...rest, ...(customer ? { customer: customer.id } : {}) })
  }
}

/**
 * Journals `passed` as route rows of run `runId` (one per node and time, customers packed), as the
 * executor journals passages, creating the run row when the store has none.
 */
async function journalPassages(
  engine: EngineStore,
  store: StorePort,
  { runId, flowId, flowVersion }: { runId: string; flowId: string; flowVersion: number },
  passed: Record<string, Record<string, number>>,
): Promise<void> {
  const nodes = Object.entries(passed).filter(([, byCustomer]) => Object.keys(byCustomer).length > 0)
  if (nodes.length === 0) return
  const ids = [...new Set(nodes.flatMap(([, byCustomer]) => Object.keys(byCustomer)))]
  const keys = new Map((await store.getCustomers(ids)).map((c) => [c.id, c.key]))
  const unknown = ids.filter((id) => !keys.has(id))
  if (unknown.length > 0) throw new UserError('test-node', `testNode: passed names customers not in the cohort or store: ${unknown.join(', ')}`)
  if (!(await engine.getRun(runId))) {
    await engine.insertRun({
      id: runId, flowId, flowVersion, state: 'running', snapshot: '{}', seed: runId, accepting: true, policy: null,
      replaces: null, options: '{}', createdAt: 0, updatedAt: 0,
    })
  }
  const rows = nodes.flatMap(([nodeId, byCustomer]) => {
    const byTime = new Map<number, number[]>()
    for (const [id, at] of Object.entries(byCustomer)) byTime.set(at, [...(byTime.get(at) ?? []), keys.get(id) as number])
    return [...byTime].map(([at, group]) => ({
      runId, batch: 0, nodeId, kind: 'route' as const, output: 'passed', at, count: group.length, keys: packKeys(group), customerKey: null, data: null,
    }))
  })
  await engine.appendJournal(rows)
}
