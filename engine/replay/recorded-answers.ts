/**
 * The run's recorded ctx.data answers, served to the counterfactual (counterfactual.ts) where
 * the other version asks what the run asked:
 * - the same node id, method, cohort and query as a recorded read → that read's answer;
 * - a profile read (`customers`) whose every customer the node read in the run (in another
 *   cohort: a changed upstream node regroups customers) → those customers' recorded profiles,
 *   in the order asked;
 * - anything else → the live port (the copy), which the counterfactual counts as "read from the
 *   copy as of now".
 * Unlike replayingNodeData (exact replay), an unrecorded question is not an error: a new version
 * is expected to ask new questions.
 */
import type { EngineTables } from '../ports/engine-store.ts'
import type { NodeDataPort } from '../ports/node-data.ts'
import type { Customer } from '../ports/store.ts'
import type { CohortMember } from '../sdk/types.ts'
import { decodeBatchInputs } from './batch-inputs.ts'
import type { RecordedAnswers } from './counterfactual.ts'
import { argsKey, decodeReadValue, METHODS } from './recorded-inputs.ts'

const PAGE = 200

/** What one node read in the run. */
interface NodeReads {
  /** `method \0 args` → the answer's JSON text. */
  answers: Map<string, string>
  /** Customer id → the profile the node read (the first read wins: as of the customer's first pass). */
  profiles: Map<string, Customer>
}

/** The key of a read: its method and recorded-inputs.ts's key of its arguments. */
function readKey(method: string, members: readonly CohortMember[], rest: readonly unknown[]): string {
  return `${method}\u0000${argsKey(members, rest)}`
}

/** The run's recorded answers, or undefined when the run recorded no inputs. */
export async function recordedAnswers(source: Pick<EngineTables, 'readRunInputs'>, runId: string): Promise<RecordedAnswers | undefined> {
  const byNode = new Map<string, NodeReads>()
  let batches = 0
  for (let afterBatch = 0; ;) {
    const rows = await source.readRunInputs(runId, { afterBatch, limit: PAGE })
    for (const row of rows) {
      batches++
      for (const read of decodeBatchInputs(row).reads) {
        let reads = byNode.get(read.nodeId)
        if (!reads) byNode.set(read.nodeId, (reads = { answers: new Map(), profiles: new Map() }))
        const key = `${read.method}\u0000${read.args}`
        if (!reads.answers.has(key)) reads.answers.set(key, read.answer)
        if (read.method === 'customers') {
          for (const customer of decodeReadValue(read.answer) as Customer[]) if (!reads.profiles.has(customer.id)) reads.profiles.set(customer.id, customer)
        }
      }
    }
    if (rows.length < PAGE) break
    afterBatch = (rows.at(-1) as { batch: number }).batch
  }
  if (batches === 0) return undefined
  return (nodeId, live) => {
    const reads = byNode.get(nodeId)
    if (!reads) return live
    const port = {} as Record<keyof NodeDataPort, unknown>
    for (const method of METHODS) {
      const fallback = live[method] as (members: readonly CohortMember[], ...rest: unknown[]) => Promise<unknown>
      port[method] = async (members: readonly CohortMember[], ...rest: unknown[]) => {
        const answer = reads.answers.get(readKey(method, members, rest))
        if (answer !== undefined) return decodeReadValue(answer)
        if (method === 'customers' && members.every((m) => reads.profiles.has(m.id))) {
          // Profiles are answered per customer; one erased since (absent in the run too) stays absent.
          return members.map((m) => structuredClone(reads.profiles.get(m.id) as Customer))
        }
        return fallback.call(live, members, ...rest)
      }
    }
    return port as unknown as NodeDataPort
  }
}
