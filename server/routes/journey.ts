/**
 * `GET /api/customers/{id}/journey?run=`: why a customer went where they did, the same trace as
 * `sluice why` (engine/journal/journey-trace.ts): every node passed in each run (newest run
 * first, or the run asked for), the output taken, when, the reason in the node type's words, and
 * the messages sent with their delivery state. The editor's customer search draws it on the canvas.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { journeyTrace } from '../../engine/journal/journey-trace.ts'
import { CHANNELS } from '../../engine/ports/store.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'

const stepSchema = z.object({
  at: z.iso.datetime(),
  batch: z.number().int(),
  nodeId: z.string(),
  nodeType: z.string().nullable(),
  nodeTitle: z.string().nullable(),
  kind: z.enum(['passed', 'waiting', 'held-back', 'error', 'note']).openapi({ description: 'passed: left on `output`; waiting: parked at the node; held-back: a send held for the holdout; error: the node failed; note: a note about the customer' }),
  output: z.string().nullable(),
  reason: z.string().openapi({ description: 'The reason in words, from the node type\'s explain' }),
  detail: z.object({ reason: z.string().optional(), values: z.record(z.string(), z.unknown()).optional() }).optional().openapi({ description: 'The reason code and values the node journalled' }),
})

const messageSchema = z.object({
  id: z.number().int(),
  nodeId: z.string(),
  channel: z.enum(CHANNELS),
  state: z.enum(['pending', 'sent', 'dead']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  offer: z.string().nullable(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
  contact: z.string().nullable().openapi({ description: 'Contact history status (sent, delivered, failed, bounced)' }),
  fallback: z.boolean(),
})

const journeySchema = z
  .object({
    customer: z.string(),
    runs: z.array(z.object({
      runId: z.string(),
      flowId: z.string(),
      flowVersion: z.number().int(),
      runState: z.string(),
      position: z.object({
        nodeId: z.string(), state: z.enum(['active', 'done', 'error', 'cancelled']), holdout: z.boolean(), dueAt: z.iso.datetime().nullable(), lastOutput: z.string().nullable(), error: z.string().nullable(),
      }).nullable(),
      steps: z.array(stepSchema),
      edges: z.array(z.object({ from: z.string(), output: z.string(), to: z.string() })).openapi({ description: 'Edges the customer took, each once' }),
      messages: z.array(messageSchema),
    })).openapi({ description: 'Newest run first' }),
  })
  .openapi('CustomerJourney', {
    example: {
      customer: 'c-1',
      runs: [{
        runId: 'r-1', flowId: 'win-back', flowVersion: 1, runState: 'running',
        position: { nodeId: 'gate', state: 'active', holdout: false, dueAt: '2026-06-08T00:00:00.000Z', lastOutput: null, error: null },
        steps: [
          { at: '2026-06-01T09:00:00.000Z', batch: 1, nodeId: 'in', nodeType: 'trigger', nodeTitle: 'Trigger', kind: 'passed', output: 'entered', reason: 'entered on a "signup" event' },
          { at: '2026-06-01T09:00:00.000Z', batch: 1, nodeId: 'gate', nodeType: 'throttle', nodeTitle: 'Throttle', kind: 'waiting', output: null, reason: 'deferred (cap:email:week): the email cap for the week was reached (this gate\'s cap: at most 1 per rolling week (the last 7 days)); checked again against every rule when it may clear', detail: { reason: 'cap:email:week' } },
        ],
        edges: [{ from: 'in', output: 'entered', to: 'gate' }],
        messages: [],
      }],
    },
  })

// The marketer who drew the flow and the operator who answers for its runs both ask why.
const journeyRoute = apiRoute(['marketer', 'operator'], {
  method: 'get', path: '/{id}/journey', tags: ['customers'],
  summary: 'Why a customer went where they did: each node passed per run, the output, when, the reason in words, and the messages with their delivery state',
  request: {
    params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' }, example: 'c-1' }) }),
    query: z.object({ run: z.string().min(1).optional().openapi({ description: 'Only this run (default: every run the customer entered)' }) }),
  },
  responses: { 200: json(journeySchema) },
})

export function journeyRoutes(ctx: ServerContext) {
  return new OpenAPIHono<ApiEnv>().openapi(journeyRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { run } = c.req.valid('query')
    const trace = await journeyTrace({ store: ctx.engineStore, registry: ctx.registry }, id, run === undefined ? {} : { runId: run })
    return c.json(trace, 200)
  })
}
