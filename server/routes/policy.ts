/**
 * `/api/policy`: the global contact policy every campaign obeys (caps, quiet hours, channel
 * capacity, repeated offers, consent; engine/policy/contact-policy.ts). Anyone signed in reads
 * it; engineers change it. A change is validated with the engine's own schema, persisted (see
 * services/contact-policy-file.ts) and handed to the running engine at once, so the next tick's
 * throttles and channel choices enforce it.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import { contactPolicySchema, type ContactPolicy } from '../../engine/policy/contact-policy.ts'
import type { Clock } from '../../engine/clock/clock.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { respondToError, validationFailure } from '../http/errors.ts'
import type { ContactPolicySource, StoredContactPolicy } from '../services/contact-policy-file.ts'

export interface PolicyDeps {
  policies: ContactPolicySource
  /** The running engine (Engine.setContactPolicy). */
  engine: { setContactPolicy(policy: ContactPolicy): void }
  clock: Clock
}

const tags = ['policy']
const policyResponse = z
  .object({
    policy: contactPolicySchema,
    source: z.enum(['api', 'config', 'none']).openapi({ description: 'api: changed through this API; config: sluice.config.ts contactPolicy; none: no rules' }),
    updatedAt: z.iso.datetime().optional(),
    updatedBy: z.string().optional(),
  })
  .openapi('ContactPolicyState')

const get = apiRoute('viewer', {
  method: 'get', path: '/', summary: 'The global contact policy in force', tags,
  responses: { 200: json(policyResponse) },
})
const put = apiRoute('engineer', {
  method: 'put', path: '/', summary: 'Replace the global contact policy (enforced from the next tick)', tags,
  request: { body: { required: true, content: { 'application/json': { schema: contactPolicySchema } } } },
  responses: { 200: json(policyResponse) },
})

function publicState(state: StoredContactPolicy): z.infer<typeof policyResponse> {
  return {
    policy: state.policy, source: state.source,
    ...(state.updatedAt === undefined ? {} : { updatedAt: new Date(state.updatedAt).toISOString() }),
    ...(state.updatedBy === undefined ? {} : { updatedBy: state.updatedBy }),
  }
}

export function policyRoutes(deps: PolicyDeps): OpenAPIHono<ApiEnv> {
  // Self-contained: request problems and thrown errors answer in the API's error shape wherever this is mounted.
  const routes = new OpenAPIHono<ApiEnv>({ defaultHook: (result, c) => (result.success ? undefined : c.json(validationFailure(result.error, result.target), 400)) })
  routes.onError(respondToError)
  return routes
    .openapi(get, async (c) => c.json(publicState(await deps.policies.load()), 200))
    .openapi(put, async (c) => {
      const policy = c.req.valid('json')
      const saved = await deps.policies.save(policy, { at: deps.clock.now(), by: c.get('principal')?.name ?? 'unknown' })
      deps.engine.setContactPolicy(saved.policy)
      return c.json(publicState(saved), 200)
    })
}
