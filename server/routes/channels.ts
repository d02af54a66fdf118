/**
 * `/api/channels`: the channel adapters of sluice.config.ts and the adapter of each channel,
 * secrets masked (only the variable each comes from, and whether it is set), and a test send
 * through one adapter as the server runs it. Engineers only: adapters reach the outside world.
 * The configuration itself is changed in sluice.config.ts and the environment, not here.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { ConfiguredChannels } from '../../channels/from-config.ts'
import { sendTestMessage } from '../../channels/test-send.ts'
import type { ChannelsConfig } from '../../engine/channels/config.ts'
import { describeChannels } from '../../engine/channels/describe-config.ts'
import type { Clock } from '../../engine/clock/clock.ts'
import type { Env } from '../../engine/config/secret-ref.ts'
import { NotFoundError } from '../../engine/errors.ts'
import { CHANNELS } from '../../engine/ports/store.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { respondToError, validationFailure } from '../http/errors.ts'

export interface ChannelDeps {
  /** The adapters the running engine delivers through. */
  channels: ConfiguredChannels
  /** sluice.config.ts `channels` (undefined: none, everything through log). */
  config: ChannelsConfig | undefined
  /** Only read to say whether referenced variables are set. */
  env: Env
  clock: Clock
}

const tags = ['channels']
const channel = z.enum(CHANNELS)
const adapterSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['log', 'smtp', 'webhook']),
    settings: z.record(z.string(), z.string()).openapi({ description: 'Settings as shown to people: secrets as "$VARIABLE (set)"' }),
    channels: z.array(channel),
  })
  .openapi('ChannelAdapter')
const listing = z
  .object({
    configured: z.boolean().openapi({ description: 'false: sluice.config.ts has no channels section and every channel goes through log' }),
    adapters: z.array(adapterSchema),
    channels: z.record(z.string(), z.string().nullable()).openapi({ description: 'Adapter per channel; null: none, sends are dead-lettered' }),
  })
  .openapi('Channels')
const testBody = z.strictObject({
  to: z.string().min(1).max(320).optional().openapi({ description: 'Recipient (e-mail address, phone, push token…); required for smtp' }),
  channel: channel.optional().openapi({ description: 'Default: a channel the adapter serves' }),
})
const testResult = z
  .object({
    adapter: z.string(), channel, to: z.string().nullable(),
    delivered: z.boolean(),
    error: z.string().optional(),
    permanent: z.boolean().optional().openapi({ description: 'The adapter says retrying will not help' }),
    ms: z.number().int(),
  })
  .openapi('ChannelTestResult')

const list = apiRoute('engineer', { method: 'get', path: '/', summary: 'Channel adapters (secrets masked) and the adapter of each channel', tags, responses: { 200: json(listing) } })
const test = apiRoute('engineer', {
  method: 'post', path: '/{name}/test', summary: 'Send one test message through an adapter; the answer says whether it was delivered', tags,
  request: {
    params: z.object({ name: z.string().min(1).openapi({ param: { name: 'name', in: 'path' } }) }),
    body: { required: false, content: { 'application/json': { schema: testBody } } },
  },
  responses: { 200: json(testResult) },
})

export function channelRoutes(deps: ChannelDeps): OpenAPIHono<ApiEnv> {
  const kindOf = (name: string) => (name === 'log' ? 'log' : deps.config?.adapters[name]?.kind)
  // Self-contained: request problems and thrown errors answer in the API's error shape wherever this is mounted.
  const routes = new OpenAPIHono<ApiEnv>({ defaultHook: (result, c) => (result.success ? undefined : c.json(validationFailure(result.error, result.target), 400)) })
  routes.onError(respondToError)
  return routes
    .openapi(list, (c) => c.json(describeChannels(deps.config, deps.env), 200))
    .openapi(test, async (c) => {
      const { name } = c.req.valid('param')
      if (!deps.channels.adapters.has(name)) throw new NotFoundError('channel adapter', name)
      const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {}
      const outcome = await sendTestMessage(deps.channels, name, kindOf, { ...(body.to ? { to: body.to } : {}), ...(body.channel ? { channel: body.channel } : {}), now: deps.clock.now() })
      const { result } = outcome
      return c.json({
        adapter: outcome.adapter, channel: outcome.channel, to: outcome.to, ms: outcome.ms, delivered: result.status === 'sent',
        ...(result.status === 'failed' ? { error: result.error, ...(result.permanent ? { permanent: true } : {}) } : {}),
      }, 200)
    })
}
