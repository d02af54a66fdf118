/**
 * Builds the NodeContext a node runs with. The executor and the test harness both use this, so
 * a node sees the same time, randomness and ids in tests as in production.
 */
import type { NodeDataPort } from '../ports/node-data.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import { NO_SECRETS } from '../config/secrets.ts'
import { createIdSource, keyedRandom } from '../random.ts'
import type { CohortMember, LogEntry, NodeContext, NodeLogger, NodeSecrets } from './types.ts'
import { outsideNodeCode } from './determinism-guard.ts'

/** Where time comes from: a real clock in production, a simulated one in tests and simulations. */
export interface Clock {
  now(): number
}

export interface NodeContextOptions {
  clock: Clock
  /** The run's seed: randomness and ids are pure functions of it. */
  seed: string
  runId: string
  /** `priority` defaults to 0. */
  flow: { id: string; version: number; priority?: number }
  /** The engine's global contact policy, if configured. */
  contactPolicy?: ContactPolicy
  /** Secrets of the project config (ctx.secrets); none when absent. */
  secrets?: NodeSecrets
  /** The server's public URL (ctx.publicUrl), if known. */
  publicUrl?: string
  node: { id: string; type: string; version: number }
  data: NodeDataPort
  /**
   * The run's id source. Pass the same one to every context of a run so ids stay unique across
   * nodes and batches; defaults to a fresh source from `seed`.
   */
  ids?: () => string
  /** Receives every log entry (the engine journals them; the harness returns them as notes). */
  onLog?: (entry: LogEntry) => void
}

/** Creates the context for one node of one run. */
export function createNodeContext(options: NodeContextOptions): NodeContext {
  const { seed, runId } = options
  // What the context calls back into the engine runs outside the determinism guard: the store
  // and its drivers may read the clock or set timers, and so may a real clock.
  const data = engineSide(options.data)
  const now = outsideNodeCode(() => options.clock.now())
  const onLog = options.onLog && outsideNodeCode(options.onLog)
  const flow = Object.freeze({ ...options.flow, priority: options.flow.priority ?? 0 })
  const node = Object.freeze({ ...options.node })
  const ids = outsideNodeCode(options.ids ?? createIdSource(seed))
  const emit = (level: LogEntry['level']) => (message: string, entryData?: Record<string, unknown>) => {
    onLog?.({ level, message, ...(entryData === undefined ? {} : { data: entryData }), at: now(), nodeId: node.id })
  }
  const log: NodeLogger = { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
  return Object.freeze({
    now,
    random: (customer: CohortMember | string, salt = '') =>
      keyedRandom(seed, node.id, typeof customer === 'string' ? customer : customer.id, salt),
    id: ids,
    flow,
    node,
    runId,
    log,
    data,
    secrets: options.secrets ?? NO_SECRETS,
    ...(options.contactPolicy ? { contactPolicy: options.contactPolicy } : {}),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  })
}

/** The data port with each method run outside the guard (methods of a class instance too). */
function engineSide(data: NodeDataPort): NodeDataPort {
  const methods = new Map<PropertyKey, unknown>()
  return new Proxy(data, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key)
      if (typeof value !== 'function') return value
      let method = methods.get(key)
      if (!method) methods.set(key, (method = outsideNodeCode((...args: unknown[]) => Reflect.apply(value, target, args) as unknown)))
      return method
    },
  })
}
