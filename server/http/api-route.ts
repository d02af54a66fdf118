/**
 * `apiRoute(access, config)`: an OpenAPI route (request and response schemas in zod) that also
 * says who may call it. The access is enforced by the route's own middleware and written into
 * the OpenAPI document as `x-sluice-access`, so the document is the one table of who may do
 * what: the role × route matrix test reads it, and a new route without an access cannot exist.
 */
import { createRoute, type RouteConfig } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { describeAccess, grants, type Access } from '../auth/roles.ts'
import type { ApiEnv } from './api-env.ts'
import { errorBody, errorSchema } from './errors.ts'

/** Refuses callers without the access: 401 when nobody is signed in, 403 when the role does not grant it. */
export function requireAccess(access: Access): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (access !== 'public') {
      const principal = c.get('principal')
      if (!principal) return c.json(errorBody('unauthenticated', 'sign in or send an API token (Authorization: Bearer …)'), 401)
      if (!grants(principal.role, access)) return c.json(errorBody('forbidden', `this needs ${describeAccess(access)}; you are ${principal.role}`), 403)
    }
    await next()
  }
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } })

/** Error responses every route may give. */
export const commonErrors = {
  400: errorResponse('Invalid request: each problem with its field path'),
  401: errorResponse('Not signed in'),
  403: errorResponse('The role does not allow this'),
  404: errorResponse('Not found'),
} as const

type RouteInput = Omit<RouteConfig, 'middleware'>

/** Declares a route with the access it needs. */
export function apiRoute<R extends RouteInput>(access: Access, config: R) {
  return createRoute({
    ...config,
    middleware: [requireAccess(access)] as const,
    'x-sluice-access': access,
    responses: { ...commonErrors, ...config.responses },
  })
}

/** A JSON body or response of a schema. */
export function json<S>(schema: S, description = 'OK') {
  return { description, content: { 'application/json': { schema } } }
}
