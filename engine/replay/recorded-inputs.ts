/**
 * Recorded inputs (issue 15, part 1): what a node read through `ctx.data`, kept so a replay can
 * serve the same answers instead of reading the store as it is now. `recordingNodeData` wraps
 * the live port and notes every question with its answer; `replayingNodeData` answers only
 * from such notes, so a replayed node that asks something the run never asked is an INPUT
 * divergence named by node and method, not a silent read of today's data.
 *
 * A read is keyed by its method and its arguments (the cohort's keys and the query), encoded
 * as JSON with Maps and Sets tagged so answers round-trip exactly (matchSegment answers a Set,
 * passedAt a Map). A read that threw is recorded with its message and throws it again on replay.
 */
import type { NodeDataPort } from '../ports/node-data.ts'
import type { CohortMember } from '../sdk/types.ts'

/** One read a node made: the method, its arguments' key, and the answer, all JSON text. */
export interface RecordedRead {
  nodeId: string
  method: keyof NodeDataPort
  args: string
  answer: string
}

const MAP_TAG = '$map'
const SET_TAG = '$set'
/** The answer of a read that threw: its message, thrown again by the replay (the node saw a failure, not data). */
const ERROR_TAG = '$error'

/** JSON text of a read's arguments or answer, Maps and Sets tagged (JSON alone drops them). */
export function encodeReadValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return { [MAP_TAG]: [...(v as Map<unknown, unknown>).entries()] }
    if (v instanceof Set) return { [SET_TAG]: [...(v as Set<unknown>).values()] }
    return v
  }) ?? 'null'
}

/** The value `encodeReadValue` wrote, Maps and Sets rebuilt. */
export function decodeReadValue(text: string): unknown {
  // Without a tag (most answers: profiles, events) no reviver is needed, and none is 3–5× faster.
  if (!text.includes(`"${MAP_TAG}"`) && !text.includes(`"${SET_TAG}"`)) return JSON.parse(text) as unknown
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const tagged = v as Record<string, unknown>
      if (MAP_TAG in tagged && Object.keys(tagged).length === 1) return new Map(tagged[MAP_TAG] as [unknown, unknown][])
      if (SET_TAG in tagged && Object.keys(tagged).length === 1) return new Set(tagged[SET_TAG] as unknown[])
    }
    return v
  })
}

/** A read's key: the cohort by customer key (ids follow keys) and the rest of the arguments. */
export function argsKey(members: readonly CohortMember[], rest: readonly unknown[]): string {
  return encodeReadValue([members.map((m) => m.key), ...rest])
}

/** The methods of ctx.data, each wrapped by the recording and replaying ports (and the counterfactual's). */
export const METHODS = ['customers', 'events', 'matchSegment', 'rfm', 'channelFacts', 'contactPolicy', 'passedAt'] as const satisfies readonly (keyof NodeDataPort)[]

/** The live port, every answered read of node `nodeId` passed to `record`. */
export function recordingNodeData(inner: NodeDataPort, nodeId: string, record: (read: RecordedRead) => void): NodeDataPort {
  const port = {} as Record<keyof NodeDataPort, unknown>
  for (const method of METHODS) {
    port[method] = async (members: readonly CohortMember[], ...rest: unknown[]) => {
      const call = inner[method] as (m: readonly CohortMember[], ...r: unknown[]) => Promise<unknown>
      let answer: unknown
      try {
        answer = await call.call(inner, members, ...rest)
      } catch (error) {
        // A failed read is an input too: the node failed on it, and so must its replay.
        record({ nodeId, method, args: argsKey(members, rest), answer: JSON.stringify({ [ERROR_TAG]: error instanceof Error ? error.message : String(error) }) })
        throw error
      }
      record({ nodeId, method, args: argsKey(members, rest), answer: encodeReadValue(answer) })
      return answer
    }
  }
  return port as unknown as NodeDataPort
}

/** A replayed node asked what its run never asked: the inputs differ (or the node's questions changed). */
export class UnrecordedReadError extends Error {
  constructor(
    readonly nodeId: string,
    readonly method: string,
    readonly args: string,
  ) {
    super(`node ${nodeId}: ctx.data.${method} was not asked this in the recorded run (arguments ${args.length > 200 ? `${args.slice(0, 200)}…` : args})`)
    this.name = 'UnrecordedReadError'
  }
}

/** A port answering node `nodeId`'s reads from `reads` only; an unrecorded question throws UnrecordedReadError. */
export function replayingNodeData(reads: readonly RecordedRead[], nodeId: string): NodeDataPort {
  const answers = new Map<string, string>()
  for (const read of reads) if (read.nodeId === nodeId) answers.set(`${read.method}\u0000${read.args}`, read.answer)
  const port = {} as Record<keyof NodeDataPort, unknown>
  for (const method of METHODS) {
    port[method] = async (members: readonly CohortMember[], ...rest: unknown[]) => {
      const args = argsKey(members, rest)
      const answer = answers.get(`${method}\u0000${args}`)
      if (answer === undefined) throw new UnrecordedReadError(nodeId, method, args)
      const value = decodeReadValue(answer)
      if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as Record<string, unknown>)[ERROR_TAG] === 'string') {
        throw new Error((value as Record<string, string>)[ERROR_TAG])
      }
      return value
    }
  }
  return port as unknown as NodeDataPort
}
