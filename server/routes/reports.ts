/**
 * `/api/reports`: the measure report of a flow's run (engine/measure/report.ts, what `sluice
 * run` prints) — conversion, revenue, opens and clicks, treated against holdout with the uplift
 * and how sure we are, for the whole flow, per node, per channel and per segment (an attribute
 * or a tag) — as JSON, or as CSV for a spreadsheet (`/flows/{id}.csv` or `?format=csv`).
 * The run is the flow's latest by default, else the latest of `version`, or `run` by id.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import Papa from 'papaparse'
import { NotFoundError } from '../../engine/errors.ts'
import { measureReport, type Comparison, type MeasureReport } from '../../engine/measure/report.ts'
import { sendTimeline } from '../../engine/measure/send-timeline.ts'
import type { RunRow } from '../../engine/ports/engine-store.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute } from '../http/api-route.ts'
import { ApiError } from '../http/errors.ts'

const iso = (ms: number) => new Date(ms).toISOString()
const CSV_SUFFIX = '.csv'

const armSchema = z.record(z.string(), z.number()).openapi({ description: 'customers, converted, rate, revenue, opened, clicked, and per row open, entered, sent, delivered, held' })
const comparisonSchema = z
  .object({
    treated: armSchema,
    holdout: armSchema,
    uplift: z.object({ enough: z.boolean(), uplift: z.number().optional(), ci95: z.tuple([z.number(), z.number()]).optional(), z: z.number().optional(), pValue: z.number().optional(), reason: z.string().optional() }),
  })
  .openapi('Comparison')
const reportSchema = z
  .object({
    runId: z.string(),
    flow: z.object({ id: z.string(), version: z.number().int() }),
    run: z.object({ id: z.string(), version: z.number().int(), state: z.string(), createdAt: z.iso.datetime() }),
    runs: z.array(z.object({ id: z.string(), version: z.number().int(), state: z.string(), createdAt: z.iso.datetime() })).openapi({ description: 'Every run of the flow, newest first, to pick another' }),
    asOf: z.iso.datetime(),
    goal: z.record(z.string(), z.unknown()),
    method: z.record(z.string(), z.string()),
    overall: comparisonSchema,
    nodes: z.record(z.string(), comparisonSchema),
    channels: z.record(z.string(), comparisonSchema),
    segments: z.object({ by: z.string(), values: z.record(z.string(), comparisonSchema) }).optional(),
    sends: z
      .array(z.object({ day: z.string().openapi({ example: '2025-06-01' }), channel: z.string(), sent: z.number().int(), delivered: z.number().int() }))
      .openapi({ description: 'Sends per UTC day (of the intent) and channel, with how many were delivered; held-back sends are not in it' }),
  })
  .openapi('MeasureReport')

const flowReport = apiRoute('viewer', {
  method: 'get', path: '/flows/{id}', tags: ['reports'],
  summary: 'The measure report of a flow run, per node, channel and segment (`{id}.csv` or format=csv: the same as CSV)',
  request: {
    params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' }, description: 'The flow id; `<id>.csv` answers CSV' }) }),
    query: z.object({
      run: z.string().optional().openapi({ description: 'A run of the flow (default: its latest run)' }),
      version: z.coerce.number().int().min(1).optional().openapi({ description: 'The latest run of this published version' }),
      by: z.string().min(1).optional().openapi({ description: 'Break down by this customer attribute, e.g. member_tier' }),
      byTag: z.string().min(1).optional().openapi({ description: 'Break down by this tag, e.g. rfm_cell' }),
      node: z.string().optional().openapi({ description: "Which measure node's goal (default: the first)" }),
      asOf: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Events after this instant are not seen (default now)' }),
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      description: 'The report',
      content: { 'application/json': { schema: reportSchema }, 'text/csv': { schema: z.string().openapi({ description: 'One row per comparison arm: scope (overall, node, channel, segment), key, arm, figures, uplift' }) } },
    },
  },
})

/** One CSV row per arm of a comparison; the columns every row has, in order. */
const CSV_COLUMNS = [
  'flow_id', 'flow_version', 'run_id', 'as_of', 'scope', 'key', 'arm',
  'customers', 'converted', 'rate', 'revenue', 'opened', 'clicked', 'open', 'entered', 'sent', 'delivered', 'held',
  'uplift', 'ci95_low', 'ci95_high', 'p_value', 'note',
] as const

/** The report as CSV rows (papaparse writes the quoting). */
export function reportCsv(report: MeasureReport): string {
  const rows: Record<string, unknown>[] = []
  const add = (scope: string, key: string, comparison: Comparison) => {
    for (const arm of ['treated', 'holdout'] as const) {
      const figures = comparison[arm] as unknown as Record<string, number | undefined>
      const u = comparison.uplift
      rows.push({
        flow_id: report.flow.id, flow_version: report.flow.version, run_id: report.runId, as_of: iso(report.asOf), scope, key, arm,
        customers: figures.customers, converted: figures.converted, rate: figures.rate, revenue: figures.revenue, opened: figures.opened, clicked: figures.clicked,
        open: figures.open, entered: figures.entered, sent: figures.sent, delivered: figures.delivered, held: figures.held,
        // The uplift compares the two arms: on the treated row only.
        ...(arm === 'treated' ? (u.enough ? { uplift: u.uplift, ci95_low: u.ci95[0], ci95_high: u.ci95[1], p_value: u.pValue } : { note: u.reason }) : {}),
      })
    }
  }
  add('overall', '', report.overall)
  for (const [node, comparison] of Object.entries(report.nodes)) add('node', node, comparison)
  for (const [channel, comparison] of Object.entries(report.channels)) if (comparison) add('channel', channel, comparison)
  for (const [value, comparison] of Object.entries(report.segments?.values ?? {})) add(`segment:${report.segments?.by ?? ''}`, value, comparison)
  return Papa.unparse(rows, { columns: [...CSV_COLUMNS], newline: '\r\n' })
}

function publicRun(run: RunRow) {
  return { id: run.id, version: run.flowVersion, state: run.state, createdAt: iso(run.createdAt) }
}

export function reportRoutes(ctx: ServerContext) {
  const { engineStore, clock, registry } = ctx

  /** The run to report on: by id (of this flow), the latest of a version, or the latest. */
  async function pickRun(flowId: string, query: { run?: string; version?: number }): Promise<{ run: RunRow; runs: RunRow[] }> {
    const runs = (await engineStore.listRuns({ flowId })).sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
    if (runs.length === 0) {
      if (!(await engineStore.getFlowDraft(flowId)) && (await engineStore.listFlowVersions(flowId)).length === 0) throw new NotFoundError('flow', flowId)
      throw new ApiError(404, 'report.no-run', `flow "${flowId}" has not run yet: publish it to start a run`)
    }
    const run = query.run !== undefined ? runs.find((r) => r.id === query.run) : runs.find((r) => query.version === undefined || r.flowVersion === query.version)
    if (!run) throw new NotFoundError(query.run !== undefined ? `run of flow "${flowId}"` : `run of flow "${flowId}" version`, query.run ?? String(query.version))
    return { run, runs }
  }

  return new OpenAPIHono<ApiEnv>().openapi(flowReport, async (c) => {
    const { id: raw } = c.req.valid('param')
    const query = c.req.valid('query')
    const csv = query.format === 'csv' || raw.endsWith(CSV_SUFFIX)
    const flowId = raw.endsWith(CSV_SUFFIX) ? raw.slice(0, -CSV_SUFFIX.length) : raw
    const { run, runs } = await pickRun(flowId, query)
    const report = await measureReport(engineStore, run.id, {
      registry,
      now: query.asOf === undefined ? clock.now() : Date.parse(query.asOf),
      ...(query.by === undefined ? {} : { by: query.by }),
      ...(query.byTag === undefined ? {} : { byTag: query.byTag }),
      ...(query.node === undefined ? {} : { node: query.node }),
    })
    if (csv) {
      return c.body(reportCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${flowId}-${run.id}-report.csv"` })
    }
    return c.json({
      ...report,
      sends: await sendTimeline(engineStore, run.id),
      asOf: iso(report.asOf),
      run: publicRun(run),
      runs: runs.map(publicRun),
      goal: report.goal as unknown as Record<string, unknown>,
      method: report.method as unknown as Record<string, string>,
      overall: report.overall as unknown as z.infer<typeof comparisonSchema>,
      nodes: report.nodes as unknown as Record<string, z.infer<typeof comparisonSchema>>,
      channels: report.channels as unknown as Record<string, z.infer<typeof comparisonSchema>>,
      ...(report.segments ? { segments: report.segments as unknown as { by: string; values: Record<string, z.infer<typeof comparisonSchema>> } } : {}),
    }, 200)
  })
}
