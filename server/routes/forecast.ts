/**
 * `POST /api/flows/{id}/forecast`: what the draft (or a flow file sent) would do over the next
 * days if published now, on the real store, sending nothing (services/flow-forecast.ts, which
 * `sluice forecast` calls too). The editor's publish dialog shows it.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { FORECAST_DEFAULT_DAYS, FORECAST_MAX_DAYS } from '../../engine/simulation/forecast-flow.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { optionalJsonBody } from '../http/errors.ts'
import { forecast, libraryFlow } from '../services/flow-forecast.ts'

const counts = z.record(z.string(), z.number().int())
const forecastBody = z.object({
  days: z.number().int().min(1).max(FORECAST_MAX_DAYS).optional().openapi({ description: `Days ahead (default ${FORECAST_DEFAULT_DAYS})`, example: 7 }),
  flow: z.record(z.string(), z.unknown()).optional().openapi({ description: 'A flow file to forecast instead of the saved draft (the same id)' }),
})
const forecastSchema = z
  .object({
    flow: z.object({ id: z.string(), version: z.number().int() }),
    from: z.string(),
    until: z.string(),
    days: z.number().int(),
    replayedEvents: z.number().int().openapi({ description: 'Events of the last `days` days replayed as the coming days\' arrivals' }),
    nodes: z.record(z.string(), z.object({ entered: z.number().int(), outputs: counts, parked: z.number().int(), failed: z.number().int() })),
    edges: z.array(z.object({ from: z.string(), output: z.string(), to: z.string(), customers: z.number().int() })),
    sends: counts.openapi({ description: 'Send intents per channel (the holdout excluded)' }),
    sendsPerDay: z.array(z.object({ day: z.string(), channel: z.string(), sends: z.number().int() })),
    held: counts.openapi({ description: 'Sends held back for the holdout, per channel' }),
    holdout: z.object({ percent: z.number(), customers: z.number().int(), entered: z.number().int() }),
    limits: z.array(z.object({ nodeId: z.string(), limit: z.string(), description: z.string(), customers: z.number().int() })).openapi({ description: 'Caps and capacities that bound customers, as their nodes name them; most customers first' }),
    positions: z.object({ active: z.number().int(), done: z.number().int(), error: z.number().int(), cancelled: z.number().int() }),
    errors: z.array(z.object({ nodeId: z.string(), message: z.string(), customers: z.number().int() })),
  })
  .openapi('Forecast', {
    example: {
      flow: { id: 'win-back', version: 2 }, from: '2025-07-01T09:00:00.000Z', until: '2025-07-08T09:00:00.000Z', days: 7, replayedEvents: 0,
      nodes: { in: { entered: 1200, outputs: { entered: 1200 }, parked: 0, failed: 0 }, gate: { entered: 1200, outputs: { pass: 700, held: 500 }, parked: 0, failed: 0 } },
      edges: [{ from: 'in', output: 'entered', to: 'gate', customers: 1200 }],
      sends: { email: 630 }, sendsPerDay: [{ day: '2025-07-01', channel: 'email', sends: 630 }], held: { email: 70 },
      holdout: { percent: 10, customers: 120, entered: 1200 },
      limits: [{ nodeId: 'gate', limit: 'cap:email:week', description: 'the email cap for the week was reached', customers: 500 }],
      positions: { active: 0, done: 1200, error: 0, cancelled: 0 }, errors: [],
    },
  })

const forecastRoute = apiRoute('marketer', {
  method: 'post', path: '/{id}/forecast', tags: ['flows'],
  summary: 'Forecast the draft (or a flow file sent) over the next days if published now; rolled back, nothing is sent or kept',
  description: 'The flow runs alone from now on the simulated clock against the store as it is (customers, consents, contact history of every campaign); the last `days` days of events are replayed as the coming days\' arrivals. Counts per node and edge, sends per channel and day, the holdout\'s size, and which caps and capacities bind for how many customers. Holds one store transaction while it runs.',
  request: {
    params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }),
    body: { content: { 'application/json': { schema: forecastBody, example: { days: 7 } } }, required: false },
  },
  responses: { 200: json(forecastSchema) },
})

export function forecastRoutes(ctx: ServerContext) {
  return new OpenAPIHono<ApiEnv>().openapi(forecastRoute, async (c) => {
    const { days, flow: input } = await optionalJsonBody(c, forecastBody)
    const flow = await libraryFlow(ctx.engineStore, c.req.valid('param').id, input)
    const report = await forecast({ store: ctx.engineStore, registry: ctx.registry, now: () => ctx.clock.now(), settings: ctx.engine.nodeSettings() }, flow, days === undefined ? {} : { days })
    return c.json(report, 200)
  })
}
