/**
 * What one executor batch's decisions depended on, kept so `sluice replay` can run the batch
 * again exactly (issue 15; decisions §29 and §33). Besides the ctx.data reads
 * (recorded-inputs.ts) a node's decision depends on:
 * - the travellers — each customer's member (key, id, arrival and entry times, holdout, wake
 *   reason, trigger event) and position row (visit ordinal, attempts, due time…) as the batch
 *   picked them up; an operator's evict or move shows up here as the position it left;
 * - the batch's `now` and number: the clock, and with the run's seed the ids and random draws
 *   (engine/random.ts) — nothing more to store for those;
 * - the settings handed to nodes that can change between batches: the global contact policy
 *   (it also decides cohort modes) and the public URL. Secrets are not recorded;
 * - the flow version, whose node types and configs the registry compiles again, and the type
 *   and version of each node the batch ran (so a replay can say a type changed since).
 * And, to compare a replay with, the positions the batch decided and how many send intents it
 * wrote (the journal and the outbox keep the rest: outputs, reasons, the sends themselves).
 *
 * Stored as one `run_inputs` row per batch: the customers packed like the journal's keys, and
 * `data` the record as JSON with fixed-order tuples instead of objects, deflated (raw, level 1)
 * and base64url. Reads are spliced into the JSON as the text they were recorded as, never
 * parsed on the recording side.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { PositionRow, RunInputRow } from '../ports/engine-store.ts'
import type { ContactPolicy } from '../policy/contact-policy.ts'
import type { Traveller } from '../planner/traveller.ts'
import type { CohortMember } from '../sdk/types.ts'
import { packKeys } from '../journal/packed-keys.ts'
import type { RecordedRead } from './recorded-inputs.ts'

/** Settings a batch's nodes saw that can change from batch to batch. */
export interface RecordedSettings {
  contactPolicy?: ContactPolicy
  publicUrl?: string
}

/** One batch's recorded inputs, decoded. */
export interface BatchInputs {
  runId: string
  batch: number
  /** The node the batch started at. */
  nodeId: string
  /** The batch's `now`. */
  at: number
  flowVersion: number
  travellers: Traveller[]
  reads: RecordedRead[]
  settings: RecordedSettings
  /** The position rows the batch wrote: where each customer stopped, and until when. */
  positions: PositionRow[]
  /** How many outbox intents the batch wrote (they follow in the outbox's id order); undefined in records made before it was kept. */
  sends?: number
  /** `type@version` of each node the batch ran (undefined in records made before it was kept). */
  nodeTypes?: Record<string, string>
}

const FORMAT = 1

/** A member as a tuple: [key, id, enteredAt, flowEnteredAt, holdout, wake, trigger]. */
function memberTuple(m: CohortMember): unknown[] {
  return [m.key, m.id, m.enteredAt, m.flowEnteredAt, m.holdout, m.wake ?? null, m.trigger ?? null]
}

function memberOf(t: readonly unknown[]): CohortMember {
  const member: CohortMember = { key: t[0] as number, id: t[1] as string, enteredAt: t[2] as number, flowEnteredAt: t[3] as number, holdout: t[4] as boolean }
  if (t[5] !== null) member.wake = t[5] as NonNullable<CohortMember['wake']>
  if (t[6] !== null) member.trigger = t[6] as NonNullable<CohortMember['trigger']>
  return member
}

/** A position as a tuple, without the run id (the row has it). */
function positionTuple(p: PositionRow): unknown[] {
  return [p.customerKey, p.nodeId, p.state, p.dueAt, p.phase, p.wakeType, p.wakeWhere, p.attempt, p.seq, p.holdout, p.enteredAt, p.arrivedAt, p.triggerEventKey, p.lastOutput, p.error, p.updatedAt]
}

function positionOf(runId: string, t: readonly unknown[]): PositionRow {
  return {
    runId, customerKey: t[0] as number, nodeId: t[1] as string, state: t[2] as PositionRow['state'], dueAt: t[3] as number | null, phase: t[4] as PositionRow['phase'],
    wakeType: t[5] as string | null, wakeWhere: t[6] as string | null, attempt: t[7] as number, seq: t[8] as number, holdout: t[9] as boolean,
    enteredAt: t[10] as number, arrivedAt: t[11] as number, triggerEventKey: t[12] as number | null, lastOutput: t[13] as string | null,
    error: t[14] as string | null, updatedAt: t[15] as number,
  }
}

/**
 * The travellers as JSON text, taken when the batch starts (before any node could touch a
 * member object), for {@link encodeBatchInputs}.
 */
export function travellersText(travellers: readonly Traveller[]): string {
  const parts: string[] = new Array(travellers.length)
  for (let i = 0; i < travellers.length; i++) {
    const t = travellers[i] as Traveller
    parts[i] = JSON.stringify([memberTuple(t.member), positionTuple(t.position)])
  }
  return `[${parts.join(',')}]`
}

/** The row of a batch's record. `travellers` is {@link travellersText} of the batch's travellers. */
export function encodeBatchInputs(input: {
  runId: string
  batch: number
  nodeId: string
  at: number
  flowVersion: number
  travellers: string
  keys: readonly number[]
  reads: readonly RecordedRead[]
  settings: RecordedSettings
  positions: readonly PositionRow[]
  sends?: number
  nodeTypes?: Readonly<Record<string, string>>
}): RunInputRow {
  const reads: string[] = new Array(input.reads.length)
  for (let i = 0; i < input.reads.length; i++) {
    const r = input.reads[i] as RecordedRead
    // args and answer are JSON already (encodeReadValue): spliced in as they are.
    reads[i] = `[${JSON.stringify(r.nodeId)},${JSON.stringify(r.method)},${r.args},${r.answer}]`
  }
  const positions: string[] = new Array(input.positions.length)
  for (let i = 0; i < input.positions.length; i++) positions[i] = JSON.stringify(positionTuple(input.positions[i] as PositionRow))
  const sends = `${input.sends === undefined ? '' : `,"o":${input.sends}`}${input.nodeTypes === undefined ? '' : `,"n":${JSON.stringify(input.nodeTypes)}`}`
  const json = `{"v":${FORMAT},"fv":${input.flowVersion},"s":${JSON.stringify(input.settings)},"t":${input.travellers},"r":[${reads.join(',')}],"p":[${positions.join(',')}]${sends}}`
  return {
    runId: input.runId,
    batch: input.batch,
    nodeId: input.nodeId,
    at: input.at,
    count: input.keys.length,
    keys: packKeys(input.keys),
    data: deflateRawSync(json, { level: 1 }).toString('base64url'),
  }
}

interface Encoded {
  v: number
  fv: number
  s: RecordedSettings
  t: [unknown[], unknown[]][]
  r: [string, RecordedRead['method'], unknown, unknown][]
  p: unknown[][]
  o?: number
  n?: Record<string, string>
}

/** A stored row's record, decoded; a row of an unknown format is an error naming run and batch. */
export function decodeBatchInputs(row: RunInputRow): BatchInputs {
  let parsed: Encoded
  try {
    parsed = JSON.parse(inflateRawSync(Buffer.from(row.data, 'base64url')).toString('utf8')) as Encoded
  } catch (error) {
    throw new Error(`recorded inputs of run "${row.runId}" batch ${row.batch} cannot be read: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (parsed.v !== FORMAT) throw new Error(`recorded inputs of run "${row.runId}" batch ${row.batch} are in format ${String(parsed.v)}; this version reads format ${FORMAT}`)
  return {
    runId: row.runId,
    batch: row.batch,
    nodeId: row.nodeId,
    at: row.at,
    flowVersion: parsed.fv,
    travellers: parsed.t.map(([member, position]) => ({ member: memberOf(member), position: positionOf(row.runId, position) })),
    // JSON.stringify of what JSON.parse read from JSON.stringify's text is that text again: the read keys match.
    reads: parsed.r.map(([nodeId, method, args, answer]) => ({ nodeId, method, args: JSON.stringify(args), answer: JSON.stringify(answer) })),
    settings: parsed.s,
    positions: parsed.p.map((p) => positionOf(row.runId, p)),
    ...(parsed.o === undefined ? {} : { sends: parsed.o }),
    ...(parsed.n === undefined ? {} : { nodeTypes: parsed.n }),
  }
}
