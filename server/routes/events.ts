/**
 * `POST /api/events`: ingest one event or a batch of up to 10,000. Idempotent by event id (the
 * store keeps the first of an id), answers 202 once the events are stored, and wakes the
 * scheduler so event triggers react at once instead of at its next idle poll.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { EventInput } from '../../engine/ports/store.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'

export const MAX_EVENTS_PER_REQUEST = 10_000

const eventSchema = z
  .strictObject({
    id: z.string().min(1).max(200).openapi({ description: 'Your event id; sending the same id again is a no-op' }),
    customerId: z.string().min(1).max(200),
    type: z.string().min(1).max(100).openapi({ example: 'purchase' }),
    at: z.iso.datetime({ offset: true }).optional().openapi({ description: 'When it happened (ISO 8601); default: when it is received' }),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('Event')

const ingestBody = z.union([eventSchema, z.strictObject({ events: z.array(eventSchema).min(1).max(MAX_EVENTS_PER_REQUEST) })])

const ingestResult = z
  .object({
    accepted: z.number().int().openapi({ description: 'Events stored now' }),
    duplicates: z.number().int().openapi({ description: 'Event ids already stored (ignored)' }),
    unknownCustomers: z.array(z.string()).openapi({ description: 'Customer ids not in the store: their events were not stored' }),
  })
  .openapi('IngestResult')

const ingest = apiRoute('engineer', {
  method: 'post',
  path: '/',
  summary: 'Ingest one event or a batch (up to 10,000)',
  tags: ['events'],
  request: { body: { content: { 'application/json': { schema: ingestBody } }, required: true } },
  responses: { 202: json(ingestResult, 'Stored') },
})

export function eventRoutes({ store, clock, nudge }: ServerContext) {
  return new OpenAPIHono<ApiEnv>().openapi(ingest, async (c) => {
    const body = c.req.valid('json')
    const now = clock.now()
    const list = 'events' in body ? body.events : [body]
    const rows: EventInput[] = list.map((e) => ({ id: e.id, customerId: e.customerId, type: e.type, at: e.at === undefined ? now : Date.parse(e.at), ...(e.properties ? { properties: e.properties } : {}) }))
    const result = await store.insertEvents(rows)
    if (result.inserted > 0) nudge()
    return c.json({ accepted: result.inserted, duplicates: result.duplicates, unknownCustomers: result.unknownCustomers.map((i) => rows[i]?.customerId ?? '') }, 202)
  })
}
