/**
 * `POST /api/runs/{id}/replay`: the exact replay of a run from its recorded inputs, nothing sent
 * and nothing written (engine/replay/replay-run.ts, what `sluice replay RUN --json` prints).
 * Answers 200 either way: `identical` with the summary, or the first divergence (batch, node,
 * customer, recorded and replayed value, `code` or `input`). A run that decided something but
 * has no recorded inputs is refused (400 `replay.unrecorded`); an unknown run is 404.
 *
 * The body is optional; with `flow` or `version` it asks for the counterfactual
 * (replay-counterfactual.ts), answered before the exact replay would run.
 */
import { performance } from 'node:perf_hooks'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { replayRun } from '../../engine/replay/replay-run.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { optionalJsonBody } from '../http/errors.ts'
import { counterfactualBody, counterfactualResponse, counterfactualSchema, isCounterfactual } from './replay-counterfactual.ts'

const params = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) })
export const replayBody = counterfactualBody

const summary = z.object({
  runId: z.string(), flowId: z.string(), flowVersion: z.number().int(),
  batches: z.number().int().openapi({ description: 'Recorded batches replayed' }),
  unrecordedBatches: z.number().int().openapi({ description: 'Batches the journal holds but no record does (skipped)' }),
  customers: z.number().int().openapi({ description: 'Customers picked up by the replayed batches (once per batch)' }),
  nodeRuns: z.number().int(), decisions: z.number().int(), positions: z.number().int(), sends: z.number().int(),
  operatorActions: z.number().int().openapi({ description: 'Evict / move / re-drive notes taken as inputs' }),
  ms: z.number(),
})
const divergence = z.object({
  kind: z.enum(['code', 'input']).openapi({ description: 'code: the same inputs gave another decision; input: a node asked ctx.data what the run never read' }),
  batch: z.number().int(), at: z.iso.datetime(), nodeId: z.string(), customerKey: z.number().int().nullable(), customerId: z.string().nullable(),
  field: z.enum(['read', 'decision', 'position', 'send', 'log']), recorded: z.unknown(), replayed: z.unknown(), message: z.string(),
})
export const replayResultSchema = z
  .object({ identical: z.boolean(), summary, divergence: divergence.optional().openapi({ description: 'The first difference, when not identical' }) })
  .openapi('Replay')

const replay = apiRoute('operator', {
  method: 'post', path: '/{id}/replay', tags: ['runs'],
  summary: 'Replay a run exactly from its recorded inputs (nothing sent, nothing written) and compare every decision with its journal: identical, or the first divergence and whether the code or the input differs; with `flow` or `version`, the counterfactual: what that version would have done to the run\'s customers',
  description: 'Without a body: the exact replay (`Replay`). With `flow` (a flow file of the run\'s flow) or `version` (a published version): the counterfactual (`CounterfactualReplay`), run on an isolated copy of the store (a SQLite snapshot file or a rolled-back Postgres transaction) from the run\'s start to its last decision, ctx.data questions the run asked answered from its recorded inputs; per node in and out by output in both, sends per channel, and the customers whose path or sends changed.',
  request: { params, body: { content: { 'application/json': { schema: replayBody, example: {} } }, required: false } },
  responses: { 200: json(z.union([replayResultSchema, counterfactualSchema])) },
})

export function replayRoutes(ctx: ServerContext) {
  return new OpenAPIHono<ApiEnv>().openapi(replay, async (c) => {
    const body = await optionalJsonBody(c, replayBody)
    if (isCounterfactual(body)) return c.json(await counterfactualResponse(ctx, c.req.valid('param').id, body), 200)
    const result = await replayRun({ source: ctx.engineStore, registry: ctx.registry, elapsed: () => performance.now() }, c.req.valid('param').id)
    return c.json(result, 200)
  })
}
