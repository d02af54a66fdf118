/**
 * `/api/flows`: drafts, validation, diff, simulate, publish, versions, archive, duplicate and templates.
 * The rules live in services/flow-library.ts (shared with the CLI); this module is the HTTP
 * shape. Flow files travel as JSON in the flow format (schema/flow.schema.json).
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { flowJsonSchema } from '../../engine/flow/json-schema.ts'
import type { Flow } from '../../engine/flow/schema.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { optionalJsonBody } from '../http/errors.ts'
import { parseIsoInstant } from '../../import/cell-values.ts'
import { FlowLibrary, SIMULATION_DEFAULT_DAYS, SIMULATION_MAX_DAYS, type FlowDetail, type FlowSummary } from '../services/flow-library.ts'

const TEMPLATES_DIR = fileURLToPath(new URL('../../flows/', import.meta.url))

const iso = (ms: number) => new Date(ms).toISOString()
const flowFile = z.record(z.string(), z.unknown()).openapi('FlowFile', { description: 'A flow in the flow format (schema/flow.schema.json)' })
const issueSchema = z.object({ code: z.string(), path: z.string(), message: z.string(), severity: z.enum(['error', 'warning']), nodeId: z.string().optional() }).openapi('FlowIssue')
const summarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    revision: z.number().int().openapi({ description: 'Send it back with the next save' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string().nullable(),
    archived: z.boolean(),
    published: z.object({ version: z.number().int(), publishedAt: z.iso.datetime() }).nullable(),
    liveRuns: z.array(z.object({ id: z.string(), version: z.number().int(), state: z.string() })),
    unpublishedChanges: z.boolean(),
  })
  .openapi('FlowSummary')
const outputsSchema = z.record(z.string(), z.array(z.string())).openapi({ description: 'Each node id → its outputs for its current config' })
const detailSchema = summarySchema.extend({ draft: flowFile, problems: z.array(issueSchema), outputs: outputsSchema }).openapi('Flow')

const flowId = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) })
const tags = ['flows']
const body = <S extends z.ZodType>(schema: S) => ({ body: { content: { 'application/json': { schema } }, required: true } })

function publicSummary(s: FlowSummary): z.infer<typeof summarySchema> {
  return { ...s, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt), published: s.published ? { version: s.published.version, publishedAt: iso(s.published.publishedAt) } : null }
}
function publicDetail(d: FlowDetail): z.infer<typeof detailSchema> {
  return { ...publicSummary(d), draft: d.draft as unknown as Record<string, unknown>, problems: d.problems, outputs: d.outputs }
}

const list = apiRoute('viewer', {
  method: 'get', path: '/', summary: 'Flows (archived ones with ?archived=true)', tags,
  request: { query: z.object({ archived: z.enum(['true', 'false']).optional() }) },
  responses: { 200: json(z.object({ flows: z.array(summarySchema) })) },
})
const templates = apiRoute('viewer', {
  method: 'get', path: '/templates', summary: 'Campaign templates to start from (the flows/ folder)', tags,
  responses: { 200: json(z.object({ templates: z.array(z.object({ file: z.string(), id: z.string(), name: z.string(), description: z.string().optional(), flow: flowFile })) })) },
})
const schema = apiRoute('viewer', {
  method: 'get', path: '/schema', summary: 'JSON Schema of the flow format', tags,
  responses: { 200: json(z.record(z.string(), z.unknown())) },
})
const create = apiRoute('marketer', {
  method: 'post', path: '/', summary: 'Create a flow from a flow file', tags,
  request: body(z.object({ flow: flowFile })),
  responses: { 201: json(detailSchema, 'Created'), 409: json(z.unknown(), 'The id is taken') },
})
const get = apiRoute('viewer', { method: 'get', path: '/{id}', summary: 'A flow: its draft, problems, published version and live runs', tags, request: { params: flowId }, responses: { 200: json(detailSchema) } })
const saveDraft = apiRoute('marketer', {
  method: 'put', path: '/{id}/draft', summary: 'Save the draft (autosave); 409 when someone saved since `revision`', tags,
  request: { params: flowId, ...body(z.object({ flow: flowFile, revision: z.number().int().min(1) })) },
  responses: { 200: json(detailSchema), 409: json(z.unknown(), 'Saved by someone else since') },
})
const validateBody = z.object({ flow: flowFile.optional() })
const validate = apiRoute('viewer', {
  method: 'post', path: '/{id}/validate', summary: 'Verify the draft, or a flow file sent in the body', tags,
  request: { params: flowId, body: { content: { 'application/json': { schema: validateBody } }, required: false } },
  responses: { 200: json(z.object({ ok: z.boolean(), problems: z.array(issueSchema), outputs: outputsSchema })) },
})
const diffQuery = z.string().regex(/^(\d+|draft)$/, 'a version number or "draft"')
const diff = apiRoute('viewer', {
  method: 'get', path: '/{id}/diff', summary: 'What changed between two versions (`draft` names the draft)', tags,
  request: { params: flowId, query: z.object({ from: diffQuery, to: diffQuery.default('draft') }) },
  responses: { 200: json(z.record(z.string(), z.unknown()).openapi('FlowDiff')) },
})
const publishBody = z.object({
  policy: z.enum(['pin', 'migrate', 'drain']).default('pin').openapi({ description: 'pin: current customers finish on their version; migrate: they move to the new one; drain: the new run starts when the old one is empty' }),
  mapping: z.record(z.string(), z.string()).optional().openapi({ description: 'migrate: old node id → node id of the new version' }),
})
const publish = apiRoute('marketer', {
  method: 'post', path: '/{id}/publish', summary: 'Publish the draft and start its run, with the in-flight policy for customers of the current run', tags,
  request: {
    params: flowId,
    body: { content: { 'application/json': { schema: publishBody } }, required: false },
  },
  responses: { 200: json(z.object({ version: z.number().int(), created: z.boolean(), runId: z.string(), state: z.string() })) },
})
const instant = z.string().refine((v) => parseIsoInstant(v) !== undefined, 'expected a date such as 2025-06-30 or an ISO 8601 instant')
const simulateBody = z.object({
  start: instant.optional().openapi({ description: `Simulated start (default: until − ${SIMULATION_DEFAULT_DAYS} days)` }),
  until: instant.optional().openapi({ description: `Simulated end, exclusive (default: now); at most ${SIMULATION_MAX_DAYS} days after start` }),
  flow: flowFile.optional().openapi({ description: 'A flow file to simulate instead of the saved draft (the same id)' }),
})
const counts = z.record(z.string(), z.number().int())
const simulationSchema = z
  .object({
    runId: z.string(),
    flow: z.object({ id: z.string(), version: z.number().int() }),
    start: z.string(),
    until: z.string(),
    ticks: z.number().int(),
    warnings: z.array(issueSchema),
    nodes: z.record(z.string(), z.object({ entered: z.number().int(), outputs: counts, parked: z.number().int(), failed: z.number().int() })),
    edges: z.array(z.object({ from: z.string(), output: z.string(), to: z.string(), customers: z.number().int() })),
    sends: counts.openapi({ description: 'Send intents per channel (the holdout excluded)' }),
    held: counts.openapi({ description: 'Sends held back for the holdout, per channel' }),
    delivery: z.object({ sent: z.number().int(), pending: z.number().int(), dead: z.number().int() }),
    positions: z.object({ active: z.number().int(), done: z.number().int(), error: z.number().int(), cancelled: z.number().int() }),
    errors: z.array(z.object({ nodeId: z.string(), message: z.string(), customers: z.number().int() })),
    measure: z.record(z.string(), z.unknown()).optional().openapi({ description: 'The measure report, for a flow with a measure node or settings.goal (docs/measure.md)' }),
  })
  .openapi('Simulation')
const simulate = apiRoute('marketer', {
  method: 'post', path: '/{id}/simulate', tags,
  summary: 'Back-test the draft (or a flow file sent) on the simulated clock over a past window; rolled back, nothing is sent or kept',
  description: 'The flow runs alone (live runs are set aside inside the simulation) against the store as it is, events arriving at their times; the counts, sends and measure report are taken before the roll-back. The simulation holds one store transaction while it runs.',
  request: { params: flowId, body: { content: { 'application/json': { schema: simulateBody } }, required: false } },
  responses: { 200: json(simulationSchema) },
})
const versions = apiRoute('viewer', {
  method: 'get', path: '/{id}/versions', summary: 'Published versions, newest first', tags,
  request: { params: flowId },
  responses: { 200: json(z.object({ versions: z.array(z.object({ version: z.number().int(), publishedAt: z.iso.datetime() })) })) },
})
const version = apiRoute('viewer', {
  method: 'get', path: '/{id}/versions/{version}', summary: 'One published version as a flow file', tags,
  request: { params: flowId.extend({ version: z.coerce.number().int().min(1).openapi({ param: { name: 'version', in: 'path' } }) }) },
  responses: { 200: json(flowFile) },
})
const archive = apiRoute('marketer', { method: 'post', path: '/{id}/archive', summary: 'Archive a flow without live runs', tags, request: { params: flowId }, responses: { 200: json(detailSchema), 409: json(z.unknown(), 'The flow has live runs') } })
const unarchive = apiRoute('marketer', { method: 'post', path: '/{id}/unarchive', summary: 'Restore an archived flow', tags, request: { params: flowId }, responses: { 200: json(detailSchema) } })
const duplicate = apiRoute('marketer', {
  method: 'post', path: '/{id}/duplicate', summary: 'Copy the draft under a new id', tags,
  request: { params: flowId, ...body(z.object({ id: z.string().min(1), name: z.string().min(1).optional() })) },
  responses: { 201: json(detailSchema, 'Created') },
})

async function readTemplates(): Promise<{ file: string; id: string; name: string; description?: string; flow: Record<string, unknown> }[]> {
  const files = (await readdir(TEMPLATES_DIR)).filter((f) => f.endsWith('.flow.json')).sort()
  return Promise.all(files.map(async (file) => {
    const flow = JSON.parse(await readFile(path.join(TEMPLATES_DIR, file), 'utf8')) as Flow
    return { file: `flows/${file}`, id: flow.id, name: flow.name, ...(flow.description ? { description: flow.description } : {}), flow: flow as unknown as Record<string, unknown> }
  }))
}

export function flowRoutes(ctx: ServerContext) {
  const library = new FlowLibrary({ store: ctx.engineStore, engine: ctx.engine, registry: ctx.registry, now: () => ctx.clock.now() })
  const by = (principal: { name: string } | null) => principal?.name ?? null
  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => c.json({ flows: (await library.list({ archived: c.req.valid('query').archived === 'true' })).map(publicSummary) }, 200))
    .openapi(templates, async (c) => c.json({ templates: await readTemplates() }, 200))
    .openapi(schema, (c) => c.json(flowJsonSchema() as Record<string, unknown>, 200))
    .openapi(create, async (c) => c.json(publicDetail(await library.create(c.req.valid('json').flow, by(c.get('principal')))), 201))
    .openapi(get, async (c) => c.json(publicDetail(await library.get(c.req.valid('param').id)), 200))
    .openapi(saveDraft, async (c) => {
      const { flow, revision } = c.req.valid('json')
      return c.json(publicDetail(await library.saveDraft(c.req.valid('param').id, flow, revision, by(c.get('principal')))), 200)
    })
    .openapi(validate, async (c) => {
      const { flow } = await optionalJsonBody(c, validateBody)
      const { id } = c.req.valid('param')
      const problems = await library.validate(id, flow)
      return c.json({ ok: !problems.some((p) => p.severity === 'error'), problems, outputs: await library.outputs(id, flow) }, 200)
    })
    .openapi(diff, async (c) => {
      const { from, to } = c.req.valid('query')
      const which = (v: string) => (v === 'draft' ? ('draft' as const) : Number(v))
      return c.json((await library.diff(c.req.valid('param').id, which(from), which(to))) as unknown as Record<string, unknown>, 200)
    })
    .openapi(simulate, async (c) => {
      const { start, until, flow } = await optionalJsonBody(c, simulateBody)
      // Both already passed parseIsoInstant in the body schema.
      const result = await library.simulate(c.req.valid('param').id, {
        ...(start === undefined ? {} : { start: parseIsoInstant(start) as number }),
        ...(until === undefined ? {} : { until: parseIsoInstant(until) as number }),
        ...(flow === undefined ? {} : { flow }),
      })
      return c.json({ ...result, ...(result.measure ? { measure: result.measure as unknown as Record<string, unknown> } : {}) }, 200)
    })
    .openapi(publish, async (c) => {
      const { policy, mapping } = await optionalJsonBody(c, publishBody)
      const result = await library.publish(c.req.valid('param').id, { policy, ...(mapping ? { mapping } : {}), by: by(c.get('principal')) })
      ctx.nudge()
      return c.json({ version: result.version, created: result.created, runId: result.run.id, state: result.run.state }, 200)
    })
    .openapi(versions, async (c) => c.json({ versions: (await library.versions(c.req.valid('param').id)).map((v) => ({ version: v.version, publishedAt: iso(v.publishedAt) })) }, 200))
    .openapi(version, async (c) => {
      const { id, version: number } = c.req.valid('param')
      return c.json((await library.version(id, number)) as unknown as Record<string, unknown>, 200)
    })
    .openapi(archive, async (c) => c.json(publicDetail(await library.setArchived(c.req.valid('param').id, true, by(c.get('principal')))), 200))
    .openapi(unarchive, async (c) => c.json(publicDetail(await library.setArchived(c.req.valid('param').id, false, by(c.get('principal')))), 200))
    .openapi(duplicate, async (c) => c.json(publicDetail(await library.duplicate(c.req.valid('param').id, c.req.valid('json'), by(c.get('principal')))), 201))
}
