/**
 * The counterfactual body of `POST /api/runs/{id}/replay`: `{ flow }` (a flow file of the run's
 * flow) or `{ version }` (a published version) replays the run's recorded inputs through that
 * version on an isolated copy of the store and answers the comparison
 * (engine/replay/counterfactual.ts, the same as `sluice replay RUN --flow | --version`). The
 * route module (replay.ts) sends a body with either field here; without them it is the exact
 * replay.
 */
import { z } from '@hono/zod-openapi'
import { ValidationError } from '../../engine/errors.ts'
import type { Flow } from '../../engine/flow/schema.ts'
import { verifyFlow } from '../../engine/flow/verify.ts'
import { CHANNELS } from '../../engine/ports/store.ts'
import type { CounterfactualReport, OtherVersion } from '../../engine/replay/counterfactual.ts'
import type { ServerContext } from '../context.ts'
import { replayCounterfactual } from '../services/counterfactual-replay.ts'
import { parseDraft } from '../services/flow-library.ts'

/** The changed customers the API answers at most (`customers.changed` counts them all). */
export const API_CHANGED_LIMIT = 1_000

export const counterfactualBody = z.object({
  flow: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Counterfactual: a flow file of the run\'s flow to replay the run through' }),
  version: z.number().int().min(1).optional().openapi({ description: 'Counterfactual: a published version of the run\'s flow to replay the run through' }),
  examples: z.number().int().min(0).max(API_CHANGED_LIMIT).optional().openapi({ description: `How many changed customers to list (default and maximum ${API_CHANGED_LIMIT}); \`customers.changed\` counts them all` }),
})
export type CounterfactualBody = z.infer<typeof counterfactualBody>

/** Whether a replay body asks for a counterfactual. */
export function isCounterfactual(body: CounterfactualBody | undefined): boolean {
  return body?.flow !== undefined || body?.version !== undefined
}

const counts = z.record(z.string(), z.number().int())
const nodeSummary = z.object({ entered: z.number().int(), outputs: counts, parked: z.number().int(), failed: z.number().int() }).nullable()
const channelComparison = z.object({ channel: z.enum(CHANNELS), original: z.number().int(), counterfactual: z.number().int(), delta: z.number().int() })
const step = z.object({ nodeId: z.string(), output: z.string() })

export const counterfactualSchema = z
  .object({
    run: z.object({ id: z.string(), flowId: z.string(), version: z.number().int(), state: z.string() }),
    other: z.object({ flowId: z.string(), version: z.number().int(), source: z.enum(['file', 'version']), runId: z.string().openapi({ description: 'The counterfactual run\'s id in the copy (not kept)' }) }),
    from: z.string(),
    until: z.string(),
    copy: z.enum(['snapshot', 'transaction']).openapi({ description: 'snapshot: a copied SQLite file; transaction: a rolled-back Postgres transaction' }),
    inputs: z.object({
      fromRecording: z.number().int().openapi({ description: 'ctx.data reads answered from the run\'s recorded inputs' }),
      fromCopy: z.number().int().openapi({ description: 'Reads read from the copy as of now (events and scores as of the simulated time)' }),
      recorded: z.boolean(),
      byNode: z.record(z.string(), z.object({ fromRecording: z.number().int(), fromCopy: z.number().int() })).openapi({ description: 'The same per node of the other version that read anything' }),
    }),
    nodes: z.array(z.object({ nodeId: z.string(), in: z.enum(['both', 'original', 'counterfactual']), original: nodeSummary, counterfactual: nodeSummary, delta: z.object({ entered: z.number().int(), outputs: counts }) })),
    sends: z.array(channelComparison),
    held: z.array(channelComparison).openapi({ description: 'Sends held back for the holdout' }),
    customers: z.object({ original: z.number().int(), counterfactual: z.number().int(), changed: z.number().int(), noLongerSent: z.number().int(), newlySent: z.number().int() }),
    changed: z.array(z.object({
      customerId: z.string(), customerKey: z.number().int(), original: z.array(step), counterfactual: z.array(step),
      originalSends: z.array(z.enum(CHANNELS)), counterfactualSends: z.array(z.enum(CHANNELS)),
      originalHeld: z.array(z.enum(CHANNELS)).openapi({ description: 'Sends held back for the holdout' }), counterfactualHeld: z.array(z.enum(CHANNELS)),
    })).openapi({ description: 'Customers whose path or sends changed, in customer-key order, at most `examples`' }),
    timings: z.object({ copyAndReplay: z.number(), compare: z.number(), total: z.number() }).optional(),
  })
  .openapi('CounterfactualReplay', {
    example: {
      run: { id: 'win-back-v1-abc', flowId: 'win-back', version: 1, state: 'completed' },
      other: { flowId: 'win-back', version: 2, source: 'file', runId: 'win-back-v2-abc' },
      from: '2026-09-07', until: '2026-10-16T08:00:00.001Z', copy: 'snapshot',
      inputs: { fromRecording: 12, fromCopy: 3, recorded: true, byNode: { rfm: { fromRecording: 1, fromCopy: 0 }, policy: { fromRecording: 11, fromCopy: 3 } } },
      nodes: [{ nodeId: 'rfm', in: 'both', original: { entered: 7043, outputs: { pass: 1900, fail: 5143 }, parked: 0, failed: 0 }, counterfactual: { entered: 7043, outputs: { pass: 1100, fail: 5943 }, parked: 0, failed: 0 }, delta: { entered: 0, outputs: { pass: -800, fail: 800 } } }],
      sends: [{ channel: 'email', original: 900, counterfactual: 520, delta: -380 }], held: [],
      customers: { original: 7043, counterfactual: 7043, changed: 800, noLongerSent: 610, newlySent: 0 },
      changed: [{ customerId: 'c-1', customerKey: 1, original: [{ nodeId: 'rfm', output: 'pass' }], counterfactual: [{ nodeId: 'rfm', output: 'fail' }], originalSends: ['email'], counterfactualSends: [], originalHeld: [], counterfactualHeld: [] }],
    },
  })

/** Runs the counterfactual a replay body asks for, with the server's node settings. */
export async function counterfactualResponse(ctx: ServerContext, runId: string, body: CounterfactualBody): Promise<CounterfactualReport> {
  if (body.flow !== undefined && body.version !== undefined) {
    throw new ValidationError('give one of flow and version: the other version to replay the run through', [{ code: 'replay.body', path: 'version', message: 'flow and version both given' }])
  }
  const other: OtherVersion = body.flow !== undefined ? { flow: parseFlow(ctx, body.flow) } : { version: body.version as number }
  const report = await replayCounterfactual({ store: ctx.store, engineStore: ctx.engineStore, registry: ctx.registry, settings: ctx.engine.nodeSettings() }, runId, other)
  return { ...report, changed: report.changed.slice(0, body.examples ?? API_CHANGED_LIMIT) }
}

function parseFlow(ctx: ServerContext, input: Record<string, unknown>): Flow {
  const flow = parseDraft(input)
  const errors = verifyFlow(flow, ctx.registry).filter((issue) => issue.severity === 'error')
  if (errors.length > 0) throw new ValidationError(`flow "${flow.id}" has ${errors.length} problem(s) to fix before a run can be replayed through it:\n${errors.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, errors)
  return flow
}
