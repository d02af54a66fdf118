/**
 * `/api/segments`: what the editor's segment builder needs — a count preview with a sample of
 * ids, the attribute catalogue (names and types), and static lists (create, upload ids to
 * replace or append the members; ids the store does not hold are reported, not added).
 * Segments are checked against the catalogue first (services/segment-check.ts): errors answer
 * 400 with field paths such as `segment.conditions[1].value`, warnings come with the answer.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { ATTRIBUTE_TYPES, type StaticList } from '../../engine/ports/store.ts'
import { isUserError } from '../../engine/errors.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { ApiError, validationFailure } from '../http/errors.ts'
import { checkSegment } from '../services/segment-check.ts'

/** Most ids one upload may carry (a list of a million customers takes several uploads of appends). */
export const MAX_LIST_IDS = 500_000

const tags = ['segments']
const iso = (ms: number) => new Date(ms).toISOString()
const issueSchema = z.object({ code: z.string(), path: z.string(), message: z.string(), severity: z.enum(['error', 'warning']).optional() })

const previewBody = z.object({
  segment: z.unknown().openapi({ description: 'A segment: a condition tree (docs/segments.md)', example: { type: 'attribute', name: 'plan', op: 'eq', value: 'gold' } }),
  sample: z.number().int().min(0).max(1_000).default(10).openapi({ description: 'How many matching ids to return, in key order' }),
  now: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Evaluate relative times ("in the last 30 days") at this instant; default now' }),
})
const preview = apiRoute('viewer', {
  method: 'post', path: '/preview', tags,
  summary: 'How many customers a segment holds, with a sample of their ids',
  request: { body: { required: true, content: { 'application/json': { schema: previewBody } } } },
  responses: {
    200: json(z.object({ count: z.number().int(), total: z.number().int().openapi({ description: 'Customers in the store' }), sample: z.array(z.string()), warnings: z.array(issueSchema) }).openapi('SegmentPreview')),
  },
})

const attributes = apiRoute('viewer', {
  method: 'get', path: '/attributes', tags,
  summary: 'The attribute catalogue: each attribute with its type (enum values included), for the segment builder',
  responses: {
    200: json(z.object({
      attributes: z.array(z.object({ name: z.string(), type: z.enum(ATTRIBUTE_TYPES), values: z.array(z.string()).optional(), source: z.enum(['declared', 'inferred']), description: z.string().optional() })),
    })),
  },
})

const listSchema = z
  .object({ name: z.string(), description: z.string().nullable(), members: z.number().int(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() })
  .openapi('StaticList')
const lists = apiRoute('viewer', {
  method: 'get', path: '/lists', tags, summary: 'Static lists with their member counts',
  responses: { 200: json(z.object({ lists: z.array(listSchema) })) },
})
const createList = apiRoute('marketer', {
  method: 'post', path: '/lists', tags, summary: 'Create an empty static list (a segment names it with { "type": "list", "list": NAME })',
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ name: z.string().openapi({ example: 'vip-2025' }), description: z.string().optional() }) } } } },
  responses: { 201: json(listSchema, 'Created'), 409: json(z.unknown(), 'A list of that name exists') },
})

const nameParam = z.object({ name: z.string().min(1).openapi({ param: { name: 'name', in: 'path' } }) })
const membersResult = z
  .object({
    list: z.string(), added: z.number().int(), removed: z.number().int(), members: z.number().int(),
    unknownIds: z.array(z.string()).openapi({ description: 'Ids of the upload that are not customers: not added' }),
  })
  .openapi('ListMembersResult')
// Plain JSON Schema objects, not zod: the handler reads either media type itself (a zod JSON
// schema would make the validator refuse the text/plain form).
const membersBody = {
  required: true,
  content: {
    'application/json': { schema: { type: 'array', items: { type: 'string' }, description: 'Customer ids' } },
    'text/plain': { schema: { type: 'string', description: 'Customer ids, one per line' } },
  },
} as const
const replaceMembers = apiRoute('marketer', {
  method: 'put', path: '/lists/{name}/members', tags, summary: 'Make the list hold exactly these customers (ids as a JSON array or one per line)',
  request: { params: nameParam, body: membersBody },
  responses: { 200: json(membersResult) },
})
const appendMembers = apiRoute('marketer', {
  method: 'post', path: '/lists/{name}/members', tags, summary: 'Add these customers to the list (ids as a JSON array or one per line)',
  request: { params: nameParam, body: membersBody },
  responses: { 200: json(membersResult) },
})

function publicList(list: StaticList): z.infer<typeof listSchema> {
  return { name: list.name, description: list.description, members: list.members, createdAt: iso(list.createdAt), updatedAt: iso(list.updatedAt) }
}

const idsSchema = z.array(z.string().min(1).max(200)).max(MAX_LIST_IDS)

/** The uploaded ids: a JSON array of strings, or text with one id per line (blank lines skipped). */
async function readIds(c: Context): Promise<string[]> {
  const media = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const text = await c.req.text()
  let value: unknown
  if (media === 'text/plain') {
    value = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '')
  } else if (media === 'application/json') {
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new ApiError(400, 'validation', `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
  } else {
    throw new ApiError(415, 'unsupported-media-type', `send the ids as a JSON array (application/json) or one per line (text/plain); got ${media === '' ? 'no Content-Type' : media}`)
  }
  const parsed = idsSchema.safeParse(value)
  if (!parsed.success) {
    const body = validationFailure(parsed.error, 'ids')
    throw new ApiError(400, body.error.code, body.error.message, body.error.details)
  }
  return parsed.data
}

export function segmentRoutes(ctx: ServerContext) {
  const { store, clock } = ctx
  return new OpenAPIHono<ApiEnv>()
    .openapi(preview, async (c) => {
      const body = c.req.valid('json')
      const { segment, warnings } = await checkSegment(store, body.segment, 'segment')
      const [result, total] = await Promise.all([
        store.previewSegment(segment, { now: body.now === undefined ? clock.now() : Date.parse(body.now), sample: body.sample }),
        store.countCustomers(),
      ])
      return c.json({ count: result.count, total, sample: result.sample, warnings }, 200)
    })
    .openapi(attributes, async (c) => c.json({ attributes: await store.listAttributes() }, 200))
    .openapi(lists, async (c) => c.json({ lists: (await store.listLists()).map(publicList) }, 200))
    .openapi(createList, async (c) => {
      const { name, description } = c.req.valid('json')
      try {
        return c.json(publicList(await store.createList({ name, ...(description === undefined ? {} : { description }) })), 201)
      } catch (error) {
        if (isUserError(error) && error.code === 'list.exists') throw new ApiError(409, error.code, error.message)
        throw error
      }
    })
    .openapi(replaceMembers, async (c) => c.json(await store.replaceListMembers(c.req.valid('param').name, await readIds(c)), 200))
    .openapi(appendMembers, async (c) => c.json(await store.appendListMembers(c.req.valid('param').name, await readIds(c)), 200))
}
