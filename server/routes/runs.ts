/**
 * `/api/runs`: what operators watch. A run's detail counts customers per node and output and
 * per edge (so the editor can draw them), per state, and sends per channel; customers at a node
 * are paged by customer key with why each is there; `/whereabouts` says per node who is waiting
 * and until when, held at a gate, errored and done (engine/journal/run-whereabouts.ts, as
 * `sluice runs show|customers`); pause / resume / cancel act at once; `/live` streams the counts
 * as Server-Sent Events whenever they change.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { streamSSE } from 'hono/streaming'
import { NotFoundError } from '../../engine/errors.ts'
import type { RunSummary } from '../../engine/executor/run-summary.ts'
import { runWhereabouts, WHEREABOUTS, whereaboutsCustomers } from '../../engine/journal/run-whereabouts.ts'
import type { Flow } from '../../engine/flow/schema.ts'
import type { PositionState, RunRow, Whereabout } from '../../engine/ports/engine-store.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'

const RUN_STATES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const
const POSITION_STATES = ['active', 'done', 'error', 'cancelled'] as const

const runSchema = z
  .object({
    id: z.string(),
    flowId: z.string(),
    flowVersion: z.number().int(),
    state: z.enum(RUN_STATES),
    accepting: z.boolean().openapi({ description: 'Whether the trigger still lets customers in' }),
    policy: z.enum(['pin', 'migrate', 'drain']).nullable(),
    replaces: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Run')

const countsSchema = z.record(z.string(), z.number().int())
const runDetailSchema = runSchema
  .extend({
    nodes: z.record(z.string(), z.object({ entered: z.number().int(), outputs: countsSchema, parked: z.number().int(), failed: z.number().int() })),
    edges: z.array(z.object({ from: z.string(), output: z.string(), to: z.string(), customers: z.number().int() })),
    sends: countsSchema,
    held: countsSchema,
    delivery: z.object({ sent: z.number().int(), pending: z.number().int(), dead: z.number().int() }),
    positions: z.object({ active: z.number().int(), done: z.number().int(), error: z.number().int(), cancelled: z.number().int() }),
    atNodes: z.array(z.object({ nodeId: z.string(), state: z.enum(POSITION_STATES), count: z.number().int() })),
  })
  .openapi('RunDetail')

const runIdParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) })
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function publicRun(run: RunRow): z.infer<typeof runSchema> {
  return { id: run.id, flowId: run.flowId, flowVersion: run.flowVersion, state: run.state, accepting: run.accepting, policy: run.policy, replaces: run.replaces, createdAt: iso(run.createdAt) as string, updatedAt: iso(run.updatedAt) as string }
}

const list = apiRoute('viewer', {
  method: 'get', path: '/', summary: 'Runs, newest first', tags: ['runs'],
  request: { query: z.object({ flowId: z.string().optional(), state: z.enum(RUN_STATES).optional() }) },
  responses: { 200: json(z.object({ runs: z.array(runSchema) })) },
})
const detail = apiRoute('viewer', {
  method: 'get', path: '/{id}', summary: 'A run with counts per node, output, edge, state and channel', tags: ['runs'],
  request: { params: runIdParam },
  responses: { 200: json(runDetailSchema) },
})
const dueSchema = z.object({
  count: z.number().int(),
  forEvent: z.number().int().openapi({ description: 'Of them, waiting for an event as well (the due time is the timeout)' }),
  earliestDue: z.iso.datetime().nullable(),
  latestDue: z.iso.datetime().nullable(),
  byDay: z.array(z.object({ day: z.string().openapi({ example: '2026-12-05' }), count: z.number().int() })).openapi({ description: 'Customers due per UTC day, the first 14 days with any' }),
  later: z.number().int().openapi({ description: 'Customers due after the last day of byDay' }),
})
const whereaboutsSchema = z
  .object({
    runId: z.string(),
    flowId: z.string(),
    flowVersion: z.number().int(),
    runState: z.enum(RUN_STATES),
    totals: z.object({ waiting: z.number().int(), held: z.number().int(), error: z.number().int(), done: z.number().int(), cancelled: z.number().int() }),
    nodes: z.array(z.object({
      nodeId: z.string(),
      nodeType: z.string().nullable(),
      nodeTitle: z.string().nullable(),
      gate: z.boolean().openapi({ description: 'A contact-policy gate: its parked customers are held' }),
      waiting: dueSchema,
      held: dueSchema,
      error: z.object({ count: z.number().int(), messages: z.array(z.object({ message: z.string(), count: z.number().int() })) }),
      done: z.object({ count: z.number().int(), byOutput: countsSchema }),
      cancelled: z.number().int(),
    })),
  })
  .openapi('RunWhereabouts')
const whereabouts = apiRoute('viewer', {
  method: 'get', path: '/{id}/whereabouts', summary: 'Where the run\'s customers are per node: waiting (until when), held at a gate, errored (messages), done (per output)', tags: ['runs'],
  request: { params: runIdParam },
  responses: { 200: json(whereaboutsSchema) },
})
const CUSTOMER_STATES = [...POSITION_STATES, 'waiting', 'held'] as const
const customersAt = apiRoute('viewer', {
  method: 'get', path: '/{id}/customers', summary: 'Customers of a run at a node and/or in a state, paged, each with why they are there', tags: ['runs'],
  request: {
    params: runIdParam,
    query: z.object({
      node: z.string().optional(),
      state: z.enum(CUSTOMER_STATES).optional().openapi({ description: '`waiting` and `held` split `active`: held are parked at a contact-policy gate' }),
      after: z.coerce.number().int().min(-1).optional().openapi({ description: 'Cursor: `next` of the previous page' }),
      limit: z.coerce.number().int().min(1).max(1_000).default(100),
    }),
  },
  responses: {
    200: json(z.object({
      customers: z.array(z.object({
        customerId: z.string(), nodeId: z.string(), state: z.enum(POSITION_STATES), whereabout: z.enum(WHEREABOUTS), dueAt: z.iso.datetime().nullable(),
        waitingFor: z.string().nullable().openapi({ description: 'The event type that ends the wait early' }), holdout: z.boolean(),
        enteredAt: z.iso.datetime(), arrivedAt: z.iso.datetime(), lastOutput: z.string().nullable(), error: z.string().nullable(),
        reason: z.string().openapi({ description: 'Why the customer is there, in words (a parked one\'s from the node\'s explain of its journalled reason)' }),
        reasonCode: z.string().nullable().openapi({ description: 'The reason code the node journalled when it parked them, e.g. cap:sms:week' }),
      })),
      next: z.number().int().nullable(),
    })),
  },
})
const control = (action: 'pause' | 'resume' | 'cancel', summary: string) =>
  apiRoute('operator', { method: 'post', path: `/{id}/${action}`, summary, tags: ['runs'], request: { params: runIdParam }, responses: { 200: json(runSchema) } })
const pause = control('pause', 'Pause a run: no entries, nobody moves, until resumed')
const resume = control('resume', 'Resume a paused run')
const cancel = control('cancel', 'Cancel a run: every customer in it leaves')
const live = apiRoute('viewer', {
  method: 'get', path: '/{id}/live', summary: 'Live counts as Server-Sent Events (event `counts`, the run detail, sent when it changes)', tags: ['runs'],
  request: { params: runIdParam },
  responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } } },
})

/** How often the live stream looks for changed counts. */
const LIVE_POLL_MS = 1_000

export function runRoutes(ctx: ServerContext) {
  const { engineStore, engine } = ctx

  async function runDetail(id: string): Promise<z.infer<typeof runDetailSchema>> {
    const run = await engineStore.getRun(id)
    if (!run) throw new NotFoundError('run', id)
    const summary: RunSummary = await engine.summary(id)
    const version = await engineStore.getFlowVersion(run.flowId, run.flowVersion)
    const flow = version ? (JSON.parse(version.definition) as Pick<Flow, 'edges'>) : { edges: [] }
    const edges = flow.edges.map((edge) => ({ ...edge, customers: summary.nodes[edge.from]?.outputs[edge.output] ?? 0 }))
    const atNodes = (await engineStore.countPositions(id)).map((c) => ({ nodeId: c.nodeId, state: c.state, count: c.count }))
    return { ...publicRun(run), nodes: summary.nodes, edges, sends: summary.sends, held: summary.held, delivery: summary.delivery, positions: summary.positions, atNodes }
  }

  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => {
      const { flowId, state } = c.req.valid('query')
      const runs = await engineStore.listRuns({ ...(flowId ? { flowId } : {}), ...(state ? { states: [state] } : {}) })
      return c.json({ runs: runs.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id)).map(publicRun) }, 200)
    })
    .openapi(detail, async (c) => c.json(await runDetail(c.req.valid('param').id), 200))
    .openapi(whereabouts, async (c) => c.json(await runWhereabouts({ store: engineStore, registry: ctx.registry }, c.req.valid('param').id), 200))
    .openapi(customersAt, async (c) => {
      const { id } = c.req.valid('param')
      const { node, state, after, limit } = c.req.valid('query')
      const split = state === 'waiting' || state === 'held'
      const page = await whereaboutsCustomers({ store: engineStore, registry: ctx.registry }, id, {
        limit, ...(node ? { nodeId: node } : {}), ...(after === undefined ? {} : { afterKey: after }),
        ...(state === undefined ? {} : split ? { whereabout: state as Whereabout } : { state: state as PositionState }),
      })
      return c.json({
        customers: page.customers.map((p) => ({
          customerId: p.customerId, nodeId: p.nodeId, state: p.whereabout === 'waiting' || p.whereabout === 'held' ? 'active' as const : p.whereabout, whereabout: p.whereabout,
          dueAt: p.dueAt, waitingFor: p.waitingFor, holdout: p.holdout, enteredAt: p.enteredAt, arrivedAt: p.arrivedAt, lastOutput: p.lastOutput, error: p.error, reason: p.reason, reasonCode: p.reasonCode,
        })),
        next: page.next,
      }, 200)
    })
    .openapi(pause, async (c) => c.json(publicRun(await engine.pause(c.req.valid('param').id)), 200))
    .openapi(resume, async (c) => {
      const run = await engine.resume(c.req.valid('param').id)
      ctx.nudge()
      return c.json(publicRun(run), 200)
    })
    .openapi(cancel, async (c) => c.json(publicRun(await engine.cancel(c.req.valid('param').id)), 200))
    .openapi(live, async (c) => {
      const { id } = c.req.valid('param')
      await runDetail(id) // 404 before the stream starts
      return streamSSE(c, async (stream) => {
        let last = ''
        while (!stream.aborted && !stream.closed) {
          const text = JSON.stringify(await runDetail(id))
          if (text !== last) {
            await stream.writeSSE({ event: 'counts', data: text })
            last = text
          }
          await stream.sleep(LIVE_POLL_MS)
        }
      })
    })
}
