/** `/api/node-types`: the palette and the forms of the editor come from here. */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { DECLARED_FACTS, describeNodeTypes } from '../../engine/registry/describe-nodes.ts'
import { localizeNodeType } from '../../engine/sdk/node-locales.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'

const nodeTypeSchema = z
  .object({
    type: z.string(),
    version: z.number().int(),
    versions: z.array(z.number().int()),
    title: z.string(),
    category: z.string(),
    icon: z.string(),
    description: z.string(),
    timing: z.string(),
    cohort: z.string().openapi({ description: 'batches, whole, or config: decided per config and contact policy, every tick' }),
    declares: z
      .array(z.enum(DECLARED_FACTS))
      .openapi({ description: 'Facts the type declares for code outside it: measures (a goal), gatesChannel (a contact-policy gate), writesTags, limits (which caps held a customer), entry (triggers)' }),
    outputs: z.array(z.string()).nullable().openapi({ description: 'Fixed outputs, or null when the config decides them' }),
    migratesFrom: z.array(z.number().int()),
    source: z.string().optional(),
    configSchema: z.record(z.string(), z.unknown()).openapi({ description: 'JSON Schema (2020-12) of the config' }),
    locales: z
      .record(z.string(), z.object({
        title: z.string().optional(),
        description: z.string().optional(),
        outputs: z.record(z.string(), z.string()).optional(),
        fields: z.record(z.string(), z.object({ title: z.string().optional(), description: z.string().optional() })).optional(),
      }))
      .openapi({ description: 'Translations per language tag (zh-CN): title, description, output labels, config field texts by path (for.amount, list[].name)' }),
    outputLabels: z
      .record(z.string(), z.string())
      .optional()
      .openapi({ description: 'With ?lang=: output name → label in that language (title, description and configSchema are translated too)' }),
  })
  .openapi('NodeType')

const list = apiRoute('viewer', {
  method: 'get',
  path: '/',
  summary: 'Node types with their config JSON Schema',
  tags: ['node types'],
  request: {
    query: z.object({
      lang: z.string().optional().openapi({ description: 'A language tag (zh-CN): titles, descriptions, form texts and output labels in it, English where the type has none' }),
    }),
  },
  responses: { 200: json(z.object({ nodeTypes: z.array(nodeTypeSchema) })) },
})

export function nodeTypeRoutes({ registry }: ServerContext) {
  // Sources are file paths of this machine: not for API callers.
  return new OpenAPIHono<ApiEnv>().openapi(list, (c) => {
    const { lang } = c.req.valid('query')
    const nodeTypes = describeNodeTypes(registry).map(({ source: _source, ...type }) => type)
    return c.json({ nodeTypes: lang === undefined ? nodeTypes : nodeTypes.map((type) => localizeNodeType(type, lang)) }, 200)
  })
}
