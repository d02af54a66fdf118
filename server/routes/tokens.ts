/**
 * `/api/tokens` (admin): API tokens for scripts and integrations. Creating one answers the
 * token (`slk_<id>_<secret>`) once; only its hash is kept, so it cannot be shown again. A
 * revoked token answers 401 from its next request.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { createApiToken, listApiTokens, revokeApiToken, type PublicToken } from '../auth/accounts.ts'
import type { AuthStore } from '../auth/auth-store.ts'
import { ROLES } from '../auth/roles.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'

export interface TokenRouteDeps {
  authStore: AuthStore
  now(): number
}

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable().openapi({ description: 'Recorded to the minute' }),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi('ApiToken')

const tags = ['tokens']

const list = apiRoute('admin', {
  method: 'get', path: '/', summary: 'API tokens, newest first (never their secrets)', tags,
  responses: { 200: json(z.object({ tokens: z.array(tokenSchema) })) },
})
const create = apiRoute('admin', {
  method: 'post', path: '/', summary: 'Create an API token; the answer is the only time it is shown', tags,
  request: { body: { content: { 'application/json': { schema: z.strictObject({ role: z.enum(ROLES), name: z.string().max(100).optional() }) } }, required: true } },
  responses: {
    201: json(z.object({
      token: tokenSchema,
      secret: z.string().openapi({ description: 'Send as `Authorization: Bearer <secret>`; it is not stored and cannot be shown again', example: 'slk_0123456789ab_…' }),
    }), 'Created'),
  },
})
const revoke = apiRoute('admin', {
  method: 'post', path: '/{id}/revoke', summary: 'Revoke an API token at once', tags,
  request: { params: z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 200: json(tokenSchema) },
})

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const publicShape = (t: PublicToken): z.infer<typeof tokenSchema> => ({ ...t, createdAt: new Date(t.createdAt).toISOString(), lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt) })

export function tokenRoutes({ authStore, now }: TokenRouteDeps) {
  return new OpenAPIHono<ApiEnv>()
    .openapi(list, async (c) => c.json({ tokens: (await listApiTokens(authStore)).map(publicShape) }, 200))
    .openapi(create, async (c) => {
      const created = await createApiToken(authStore, c.req.valid('json'), now())
      return c.json({ token: publicShape(created.token), secret: created.secret }, 201)
    })
    .openapi(revoke, async (c) => c.json(publicShape(await revokeApiToken(authStore, c.req.valid('param').id, now())), 200))
}
