/**
 * Builds the NodeContext a node runs with. The executor and the test harness both use this, so
 * a node sees the same time, randomness and ids in tests as in production.
 */
import type { NodeDataPort } from '../ports/node-data.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import { NO_SECRETS } from '../config/secrets.ts'
import { createIdSource, keyedRandom } from '../random.ts'
import type { CohortMember, LogEntry, NodeContext, NodeLogger, NodeSecrets } from './types.ts'

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
  const { clock, seed, runId, data } = options
  const flow = Object.freeze({ ...options.flow, priority: options.flow.priority ?? 0 })
  const node = Object.freeze({ ...options.node })
  const ids = options.ids ?? createIdSource(seed)
  const emit = (level: LogEntry['level']) => (message: string, entryData?: Record<string, unknown>) => {
    options.onLog?.({ level, message, ...(entryData === undefined ? {} : { data: entryData }), at: clock.now(), nodeId: node.id })
  }
  const log: NodeLogger = { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
  return Object.freeze({
    now: () => clock.now(),
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
