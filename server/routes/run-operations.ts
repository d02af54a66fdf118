/**
 * `/api/runs/{id}/evict|move|redrive`: operators' hands on a run (engine/executor/operator-actions.ts,
 * which `sluice runs evict|move|redrive` calls too). Each is one transaction, journalled with
 * the caller's name and role; a segment is checked against the catalogue first.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { UserError } from '../../engine/errors.ts'
import { evictCustomers, moveCustomers, redriveSends, type CustomerSelection, type Operator } from '../../engine/executor/operator-actions.ts'
import type { Principal } from '../auth/roles.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { optionalJsonBody } from '../http/errors.ts'
import { checkSegment } from '../services/segment-check.ts'

const tags = ['runs']
const params = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) })
const customers = z.array(z.string().min(1)).min(1).max(100_000).openapi({ description: 'External customer ids; every one must be in the run, or nothing is done', example: ['c-1'] })
const segment = z.unknown().openapi({ description: 'Instead of ids: everyone of the run this segment matches now (docs/segments.md)', example: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } })
const selection = z.object({ customers: customers.optional(), segment: segment.optional() })
const body = <S extends z.ZodType>(schema: S, example: unknown) => ({ body: { content: { 'application/json': { schema, example } }, required: true } })
const counts = z.record(z.string(), z.number().int())
const redriveBody = z.object({ customers: customers.optional() })

const evict = apiRoute('operator', {
  method: 'post', path: '/{id}/evict', tags,
  summary: 'Take customers (ids or a segment) out of a run: their positions are cancelled and their pending sends dead-lettered; journalled with who did it',
  request: { params, ...body(selection, { customers: ['c-1'] }) },
  responses: { 200: json(z.object({ runId: z.string(), evicted: z.number().int(), byNode: counts, sendsStopped: z.number().int().openapi({ description: 'Their sends still pending in the outbox, dead-lettered' }) }).openapi('Eviction')) },
})
const move = apiRoute('operator', {
  method: 'post', path: '/{id}/move', tags,
  summary: 'Move customers (ids or a segment) to another node of the run\'s version; they arrive there now. Refused: a node not in the version, the trigger, customers not in the run',
  request: { params, ...body(selection.extend({ to: z.string().min(1).openapi({ description: 'Node id of the run\'s version (not its trigger)' }) }), { customers: ['c-1'], to: 'then' }) },
  responses: { 200: json(z.object({ runId: z.string(), toNode: z.string(), moved: z.number().int(), fromNodes: counts }).openapi('Move')) },
})
const redrive = apiRoute('operator', {
  method: 'post', path: '/{id}/redrive', tags,
  summary: 'Re-drive the run\'s dead-lettered and failing sends (optionally of some customers): due again now, attempts reset. A dead send whose fallback took over is left',
  request: { params, body: { content: { 'application/json': { schema: redriveBody, example: {} } }, required: false } },
  responses: { 200: json(z.object({ runId: z.string(), redriven: z.number().int(), skippedFallenBack: z.number().int() }).openapi('Redrive')) },
})

function operator(principal: Principal | null): Operator {
  return { name: principal?.name ?? 'unknown', role: principal?.role ?? 'unknown' }
}

export function runOperationRoutes(ctx: ServerContext) {
  const env = { store: ctx.engineStore, registry: ctx.registry, now: () => ctx.clock.now() }
  async function selected(input: { customers?: string[] | undefined; segment?: unknown }): Promise<CustomerSelection> {
    if ((input.customers === undefined) === (input.segment === undefined)) throw new UserError('control.customers', 'give either "customers" (ids) or "segment", not both and not neither')
    if (input.customers !== undefined) return { customers: input.customers }
    return { segment: (await checkSegment(ctx.store, input.segment, 'segment')).segment }
  }
  return new OpenAPIHono<ApiEnv>()
    .openapi(evict, async (c) => c.json(await evictCustomers(env, c.req.valid('param').id, await selected(c.req.valid('json')), operator(c.get('principal'))), 200))
    .openapi(move, async (c) => {
      const input = c.req.valid('json')
      const result = await moveCustomers(env, c.req.valid('param').id, await selected(input), input.to, operator(c.get('principal')))
      ctx.nudge()
      return c.json(result, 200)
    })
    .openapi(redrive, async (c) => {
      const { customers: only } = await optionalJsonBody(c, redriveBody)
      const result = await redriveSends(env, c.req.valid('param').id, only ? { customers: only } : {}, operator(c.get('principal')))
      ctx.nudge()
      return c.json(result, 200)
    })
}
