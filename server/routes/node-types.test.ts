import { OpenAPIHono } from '@hono/zod-openapi'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { loadRegistry } from '../../engine/registry/load-nodes.ts'
import { defineNode } from '../../engine/sdk/define-node.ts'
import type { ServerContext } from '../context.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { nodeTypeRoutes } from './node-types.ts'

interface Served {
  type: string
  title: string
  description: string
  outputs: string[] | null
  outputLabels?: Record<string, string>
  locales: Record<string, { title?: string }>
  configSchema: { properties: Record<string, { title?: string; description?: string }> }
}

let app: OpenAPIHono<ApiEnv>

beforeAll(async () => {
  const registry = await loadRegistry()
  // A custom node type with no translations: it reads in English in every language.
  registry.register(defineNode({
    type: 'plain-check', version: 1, title: 'Plain check', category: 'audience', description: 'No translations.', icon: 'flag',
    config: z.object({ limit: z.number().meta({ title: 'Limit' }) }), outputs: ['yes', 'no'],
    async run() { return { routes: {} } },
  }))
  app = new OpenAPIHono<ApiEnv>()
  app.use('*', async (c, next) => {
    c.set('principal', { kind: 'token', id: 'v', name: 'v', role: 'viewer' })
    await next()
  })
  app.route('/node-types', nodeTypeRoutes({ registry } as unknown as ServerContext))
})

const list = async (query = '') => {
  const response = await app.request(`/node-types${query}`)
  expect(response.status).toBe(200)
  const body = (await response.json()) as { nodeTypes: Served[] }
  return new Map(body.nodeTypes.map((t) => [t.type, t]))
}

describe('GET /node-types', () => {
  it('serves every declaration\'s translations; the seven built-ins all have zh-CN', async () => {
    const types = await list()
    for (const type of ['trigger', 'filter-segment', 'score', 'throttle', 'choose-channel', 'wait', 'measure']) {
      expect(types.get(type)?.locales['zh-CN']?.title, type).toMatch(/\p{Script=Han}/u)
    }
    expect(types.get('throttle')?.title).toBe('Throttle')
    expect(types.get('plain-check')?.locales).toEqual({})
  })

  it('with ?lang=zh-CN answers titles, descriptions, form texts and output labels in Chinese, English where a type has none', async () => {
    const types = await list('?lang=zh-CN')
    const throttle = types.get('throttle')!
    expect(throttle).toMatchObject({ title: '频控', outputs: ['pass', 'held'], outputLabels: { pass: '通过', held: '拦下' } })
    expect(throttle.configSchema.properties.channel).toMatchObject({ title: '渠道', description: '本关口守护的发送所用渠道。' })
    expect(types.get('filter-segment')?.outputLabels).toEqual({ match: '符合', 'no match': '不符合' })
    expect(types.get('plain-check')).toMatchObject({ title: 'Plain check', outputLabels: {} })
    expect(types.get('plain-check')?.configSchema.properties.limit?.title).toBe('Limit')
    expect((await list('?lang=en')).get('throttle')?.title).toBe('Throttle')
  })
})
