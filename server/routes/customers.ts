/**
 * `/api/customers`: imports (the CLI's importers, fed a streamed upload), customers of a
 * segment paged by key, one customer's whole picture (attributes, tags, consents, recent
 * events, sends, the runs they are in), and erasure.
 *
 * Imports keep the importers' rules: all or nothing unless `skipInvalid=true`, every bad row
 * named by line and column (400 `details`), nothing written on a bad file. The upload is
 * spooled to a temporary file first (http/upload.ts): the importers read a file twice.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import Papa from 'papaparse'
import { createReadStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { isUserError, NotFoundError, ValidationError } from '../../engine/errors.ts'
import type { Customer, StorePort } from '../../engine/ports/store.ts'
import { ADDRESS_KINDS, ATTRIBUTE_TYPES, CHANNELS, TAG_LAYERS } from '../../engine/ports/store.ts'
import { importCustomers } from '../../import/import-customers.ts'
import { importEvents } from '../../import/import-events.ts'
import { DUPLICATE_POLICIES, type ImportSummary } from '../../import/import-options.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { ApiError } from '../http/errors.ts'
import { spoolUpload, type SpooledUpload } from '../http/upload.ts'
import { checkSegment } from '../services/segment-check.ts'

/** Largest import upload (the telco demo file of 1M customers is ~200 MB). */
export const MAX_IMPORT_BYTES = 2 * 1024 ** 3
/** The import route's path under /api: the app's in-memory body limit does not apply to it. */
export const IMPORT_PATH = '/api/customers/import'
/** Events, contacts and send intents shown on a customer's page (the newest). */
const RECENT = 50
/** Rejected rows returned with a `skipInvalid` import (all are counted). */
const REJECTS_SHOWN = 100

const tags = ['customers']
const iso = (ms: number) => new Date(ms).toISOString()
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms))

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
const attributeDefSchema = z
  .object({ name: z.string(), type: z.enum(ATTRIBUTE_TYPES), values: z.array(z.string()).optional(), source: z.enum(['declared', 'inferred']), description: z.string().optional() })
  .openapi('AttributeDef')
const tagSchema = z.object({ name: z.string(), layer: z.enum(TAG_LAYERS), value: z.union([z.string(), z.number(), z.boolean(), z.null()]), at: z.iso.datetime(), source: z.string().optional() })
const customerSchema = z
  .object({
    id: z.string(),
    attributes: z.record(z.string(), attributeValue),
    timeZone: z.string(),
    addresses: z.partialRecord(z.enum(ADDRESS_KINDS), z.string()),
    preferredChannel: z.enum(CHANNELS).nullable(),
    tags: z.array(tagSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Customer')
const issueSchema = z.object({ code: z.string(), path: z.string(), message: z.string(), severity: z.enum(['error', 'warning']).optional() })

const importSummarySchema = z
  .object({
    kind: z.enum(['customers', 'events']),
    file: z.string().openapi({ description: 'The uploaded file name' }),
    format: z.enum(['csv', 'jsonl']),
    bytes: z.number().int(),
    rows: z.number().int(),
    inserted: z.number().int(),
    updated: z.number().int(),
    duplicates: z.number().int().openapi({ description: 'Events already stored exactly so' }),
    conflicts: z.number().int().optional().openapi({ description: 'Events whose id is stored with other content (the stored one is kept)' }),
    conflictExamples: z.array(z.object({ line: z.number().int(), eventId: z.string(), differs: z.array(z.string()) })).optional(),
    rejected: z.number().int().openapi({ description: 'Rows left out (skipInvalid=true)' }),
    rejects: z.array(z.object({ line: z.number().int(), reason: z.string() })).optional().openapi({ description: `The first ${REJECTS_SHOWN} rows left out, with why` }),
    attributesDefined: z.array(attributeDefSchema),
  })
  .openapi('ImportSummary')

const importRoute = apiRoute('engineer', {
  method: 'post', path: '/import', tags,
  summary: 'Import customers or events from a CSV or JSONL upload: all or nothing, every bad row named by line and column',
  description: 'Send the file as the body (Content-Type text/csv or application/x-ndjson) or as a multipart/form-data file part. A bad file answers 400 with one detail per problem (`line 5, column tenure`) and writes nothing, unless skipInvalid=true.',
  request: {
    query: z.object({
      kind: z.enum(['customers', 'events']),
      skipInvalid: z.enum(['true', 'false']).optional().openapi({ description: 'Import the valid rows and report the rejected ones' }),
      format: z.enum(['csv', 'jsonl', 'ndjson']).optional().openapi({ description: 'Default: from the Content-Type or the file name' }),
      onDuplicate: z.enum(DUPLICATE_POLICIES).optional().openapi({ description: 'Customers: a customer id on two lines is an error (default), or the later row wins' }),
    }),
    body: {
      required: true,
      content: {
        'text/csv': { schema: z.string() },
        'application/x-ndjson': { schema: z.string() },
        // A plain schema object (not zod): the part is streamed by the handler, never buffered by a validator.
        'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } },
      },
    },
  },
  responses: { 200: json(importSummarySchema), 413: json(z.unknown(), 'The upload is too large'), 415: json(z.unknown(), 'Not CSV, JSONL or multipart') },
})

const listRoute = apiRoute('marketer', {
  method: 'get', path: '/', tags,
  summary: 'Customers matching a segment, paged by key',
  request: {
    query: z.object({
      segment: z.string().optional().openapi({ description: 'The segment as URL-encoded JSON (docs/segments.md); default everyone' }),
      after: z.coerce.number().int().min(0).optional().openapi({ description: 'Cursor: `next` of the previous page' }),
      limit: z.coerce.number().int().min(1).max(1_000).default(100),
    }),
  },
  responses: {
    200: json(z.object({ count: z.number().int().openapi({ description: 'Customers in the whole segment' }), customers: z.array(customerSchema), next: z.number().int().nullable(), warnings: z.array(issueSchema) })),
  },
})

const idParam = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) })
const profileSchema = z
  .object({
    customer: customerSchema,
    consents: z.array(z.object({ channel: z.enum(CHANNELS), status: z.enum(['granted', 'revoked']), at: z.iso.datetime(), source: z.string().nullable() })),
    suppressed: z.boolean().openapi({ description: 'On the suppression list, by id or by an address' }),
    events: z.array(z.object({ id: z.string(), type: z.string(), at: z.iso.datetime(), properties: z.record(z.string(), z.unknown()) })).openapi({ description: `The newest ${RECENT}, oldest first` }),
    sends: z.object({
      contacts: z.array(z.object({ flowId: z.string(), runId: z.string().nullable(), nodeId: z.string(), channel: z.enum(CHANNELS), offer: z.string().nullable(), at: z.iso.datetime(), status: z.string() })).openapi({ description: `Contact history, every campaign, newest ${RECENT} first` }),
      outbox: z.array(z.object({
        id: z.number().int(), runId: z.string(), flowId: z.string(), nodeId: z.string(), channel: z.enum(CHANNELS), state: z.enum(['pending', 'sent', 'dead']),
        attempts: z.number().int(), offer: z.string().nullable(), message: z.unknown(), lastError: z.string().nullable(), createdAt: z.iso.datetime(), sentAt: z.iso.datetime().nullable(),
      })).openapi({ description: `Send intents, newest ${RECENT} first` }),
    }),
    runs: z.array(z.object({
      runId: z.string(), flowId: z.string(), flowVersion: z.number().int(), runState: z.string(), nodeId: z.string(), state: z.enum(['active', 'done', 'error', 'cancelled']),
      holdout: z.boolean(), enteredAt: z.iso.datetime(), arrivedAt: z.iso.datetime(), dueAt: z.iso.datetime().nullable(), lastOutput: z.string().nullable(), error: z.string().nullable(),
    })).openapi({ description: 'Where the customer is in each run they entered, newest run first' }),
  })
  .openapi('CustomerProfile')

const getRoute = apiRoute('marketer', {
  method: 'get', path: '/{id}', tags,
  summary: 'One customer: attributes, tags, consents, recent events, sends and the runs they are in',
  request: { params: idParam },
  responses: { 200: json(profileSchema) },
})

const eraseRoute = apiRoute('admin', {
  method: 'delete', path: '/{id}', tags,
  summary: 'Erase a customer: their personal data leaves every table; the id stays on the suppression list so they are never contacted again',
  request: { params: idParam },
  responses: { 200: json(z.object({ erased: z.string(), rows: z.record(z.string(), z.number().int()).openapi({ description: 'Rows removed or rewritten per table' }), suppressed: z.literal(true) }).openapi('Erasure')) },
})

export function publicCustomer(c: Customer): z.infer<typeof customerSchema> {
  return {
    id: c.id, attributes: c.attributes, timeZone: c.timeZone, addresses: c.addresses, preferredChannel: c.preferredChannel,
    tags: c.tags.map((t) => ({ name: t.name, layer: t.layer, value: t.value, at: iso(t.at), ...(t.source === undefined ? {} : { source: t.source }) })),
    createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt),
  }
}

export function customerRoutes(ctx: ServerContext, options: { maxImportBytes?: number } = {}) {
  const { store, engineStore, clock } = ctx
  const maxBytes = options.maxImportBytes ?? MAX_IMPORT_BYTES

  return new OpenAPIHono<ApiEnv>()
    .openapi(importRoute, async (c) => {
      const query = c.req.valid('query')
      const format = query.format === 'ndjson' ? 'jsonl' : query.format
      const upload = await spoolUpload(c.req.raw, { maxBytes, ...(format ? { format } : {}) })
      try {
        const summary = await runImport(store, upload, { kind: query.kind, skipInvalid: query.skipInvalid === 'true', now: clock.now(), ...(query.onDuplicate ? { onDuplicate: query.onDuplicate } : {}) })
        if (query.kind === 'events' && summary.inserted > 0) ctx.nudge()
        return c.json(summary, 200)
      } finally {
        await upload.dispose()
      }
    })
    .openapi(listRoute, async (c) => {
      const { segment: text, after, limit } = c.req.valid('query')
      const { segment, warnings } = await checkSegment(store, parseSegmentParam(text), 'query.segment')
      const preview = await store.previewSegment(segment, { now: clock.now(), sample: limit, ...(after === undefined ? {} : { afterKey: after }) })
      // getCustomers answers in the order asked: the page stays in key order.
      const customers = await store.getCustomers(preview.sample)
      return c.json({ count: preview.count, customers: customers.map(publicCustomer), next: customers.length === limit ? (customers.at(-1)?.key ?? null) : null, warnings }, 200)
    })
    .openapi(getRoute, async (c) => {
      const { id } = c.req.valid('param')
      const [customer] = await store.getCustomers([id])
      if (!customer) throw new NotFoundError('customer', id)
      const [consents, suppressed, events, contacts, outbox, positions] = await Promise.all([
        store.getConsents([id]),
        store.suppressedCustomers([id]),
        store.listEvents(id, { last: RECENT }),
        store.listContacts(id),
        engineStore.customerOutbox(customer.key, RECENT),
        engineStore.customerPositions(customer.key),
      ])
      return c.json({
        customer: publicCustomer(customer),
        consents: consents.map((k) => ({ channel: k.channel, status: k.status, at: iso(k.at), source: k.source ?? null })),
        suppressed: suppressed.has(id),
        events: events.map((e) => ({ id: e.id, type: e.type, at: iso(e.at), properties: e.properties })),
        sends: {
          contacts: contacts.slice(-RECENT).reverse().map((k) => ({ flowId: k.flowId, runId: k.runId ?? null, nodeId: k.nodeId, channel: k.channel, offer: k.offer ?? null, at: iso(k.at), status: k.status ?? 'sent' })),
          outbox: outbox.map((o) => ({
            id: o.id, runId: o.runId, flowId: o.flowId, nodeId: o.nodeId, channel: o.channel, state: o.state, attempts: o.attempts, offer: o.offer,
            message: parseMessage(o.message), lastError: o.lastError, createdAt: iso(o.createdAt), sentAt: isoOrNull(o.sentAt),
          })),
        },
        runs: positions.map((p) => ({
          runId: p.runId, flowId: p.flowId, flowVersion: p.flowVersion, runState: p.runState, nodeId: p.nodeId, state: p.state, holdout: p.holdout,
          enteredAt: iso(p.enteredAt), arrivedAt: iso(p.arrivedAt), dueAt: isoOrNull(p.dueAt), lastOutput: p.lastOutput, error: p.error,
        })),
      }, 200)
    })
    .openapi(eraseRoute, async (c) => {
      const { id } = c.req.valid('param')
      const by = c.get('principal')?.name ?? 'unknown'
      const report = await engineStore.eraseCustomer(id, { at: clock.now(), reason: `erased on request (by ${by})` })
      if (!report) throw new NotFoundError('customer', id)
      return c.json({ erased: report.customerId, rows: report.rows, suppressed: true as const }, 200)
    })
}

/** The `segment` query parameter as JSON (absent: everyone). */
function parseSegmentParam(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return { type: 'all', conditions: [] }
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = `expected the segment as URL-encoded JSON: ${error instanceof Error ? error.message : String(error)}`
    throw new ValidationError(`invalid segment: ${message}`, [{ code: 'segment.json', path: 'query.segment', message, severity: 'error' }])
  }
}

function parseMessage(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

interface ImportRequest {
  kind: 'customers' | 'events'
  skipInvalid: boolean
  now: number
  onDuplicate?: (typeof DUPLICATE_POLICIES)[number]
}

/**
 * Runs the importer on the spooled file and answers its summary under the upload's name. The
 * importers' messages name the file they read and the CLI flags: here they name the upload and
 * the query parameter instead.
 */
async function runImport(store: StorePort, upload: SpooledUpload, request: ImportRequest): Promise<z.infer<typeof importSummarySchema>> {
  const options = {
    path: upload.path,
    format: upload.format,
    now: request.now,
    ...(request.skipInvalid ? { skipInvalid: true, rejectsPath: join(upload.dir, `rejects.${upload.format}`) } : {}),
  }
  let summary: ImportSummary
  try {
    summary = request.kind === 'customers'
      ? await importCustomers(store, { ...options, ...(request.onDuplicate ? { onDuplicate: request.onDuplicate } : {}) })
      : await importEvents(store, options)
  } catch (error) {
    if (!isUserError(error)) throw error
    const message = error.message.replaceAll(upload.path, upload.name).replace('pass --skip-invalid', 'add skipInvalid=true to the query').replace('--on-duplicate last', 'onDuplicate=last')
    const details = error instanceof ValidationError ? error.issues.map((issue) => ({ path: issue.path, message: issue.message })) : undefined
    throw new ApiError(400, error.code, message, details)
  }
  const { rejectsFile, file: _file, ...rest } = summary
  return {
    ...rest,
    file: upload.name,
    bytes: upload.bytes,
    ...(rejectsFile ? { rejects: await readRejects(rejectsFile, upload.format) } : {}),
  }
}

/** The first rejected rows of a rejects file (CSV `line,reason,…` or JSONL `{ line, reason, record }`), read no further. */
async function readRejects(path: string, format: 'csv' | 'jsonl'): Promise<{ line: number; reason: string }[]> {
  const stream = createReadStream(path, 'utf8')
  try {
    if (format === 'jsonl') {
      const rows: { line: number; reason: string }[] = []
      for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
        if (text.trim() === '') continue
        const row = JSON.parse(text) as { line: number; reason: string }
        rows.push({ line: row.line, reason: row.reason })
        if (rows.length === REJECTS_SHOWN) break
      }
      return rows
    }
    // CSV cells may hold line breaks: papaparse reads the records, stopping after the first ones.
    const cells = await new Promise<string[][]>((resolve, reject) =>
      Papa.parse<string[]>(stream, { preview: REJECTS_SHOWN + 1, skipEmptyLines: true, complete: (result) => resolve(result.data), error: reject }))
    return cells.slice(1).map((row) => ({ line: Number(row[0]), reason: row[1] ?? '' }))
  } finally {
    stream.destroy()
  }
}
