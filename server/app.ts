/**
 * The HTTP app: `/api/*` route modules mounted with `app.route`, each route declaring its zod
 * schemas and the role it needs (http/api-route.ts); the OpenAPI 3.1 document generated from
 * them at `/api/openapi.json` with a docs page at `/api/docs`; one error mapper; body limits,
 * security headers. `/` is the editor (its Vite build) when the server has one, else the
 * status page, which is always at `/status`; `/health` is for probes.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { swaggerUI } from '@hono/swagger-ui'
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { secureHeaders } from 'hono/secure-headers'
import { csrfProtection } from './auth/csrf.ts'
import type { ServerContext } from './context.ts'
import type { ApiEnv } from './http/api-env.ts'
import { errorBody, respondToError, validationFailure } from './http/errors.ts'
import { authRoutes } from './routes/auth.ts'
import { channelRoutes } from './routes/channels.ts'
import { policyRoutes } from './routes/policy.ts'
import { customerRoutes, IMPORT_PATH } from './routes/customers.ts'
import { eventRoutes } from './routes/events.ts'
import { flowRoutes } from './routes/flows.ts'
import { forecastRoutes } from './routes/forecast.ts'
import { healthRoutes } from './routes/health.ts'
import { journeyRoutes } from './routes/journey.ts'
import { nodeTypeRoutes } from './routes/node-types.ts'
import { reportRoutes } from './routes/reports.ts'
import { replayRoutes } from './routes/replay.ts'
import { runOperationRoutes } from './routes/run-operations.ts'
import { runRoutes } from './routes/runs.ts'
import { segmentRoutes } from './routes/segments.ts'
import { statusPage } from './routes/status-page.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { unsubscribeRoutes } from './routes/unsubscribe.ts'
import { userRoutes } from './routes/users.ts'

/** Largest request body: a batch of 10,000 events fits; imports stream through their own route. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

/** The API routes as one app: what the OpenAPI document describes. */
export function createApi(ctx: ServerContext): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationFailure(result.error, result.target), 400)
    },
  })
  api.use('*', async (c, next) => {
    c.set('principal', await ctx.auth.principalOf(c))
    await next()
  })
  const now = () => ctx.clock.now()
  api.route('/auth', authRoutes({ authenticator: ctx.sessions }))
  api.route('/users', userRoutes({ authStore: ctx.authStore, now }))
  api.route('/tokens', tokenRoutes({ authStore: ctx.authStore, now }))
  api.route('/channels', channelRoutes({ ...ctx.configuration, clock: ctx.clock }))
  api.route('/policy', policyRoutes({ policies: ctx.configuration.policies, engine: ctx.engine, clock: ctx.clock }))
  api.route('/flows', flowRoutes(ctx))
  api.route('/flows', forecastRoutes(ctx))
  api.route('/node-types', nodeTypeRoutes(ctx))
  api.route('/events', eventRoutes(ctx))
  api.route('/runs', runRoutes(ctx))
  api.route('/runs', runOperationRoutes(ctx))
  api.route('/runs', replayRoutes(ctx))
  api.route('/customers', customerRoutes(ctx))
  api.route('/customers', journeyRoutes(ctx))
  api.route('/segments', segmentRoutes(ctx))
  api.route('/reports', reportRoutes(ctx))
  return api
}

/** Builds the hono app; tests call `app.request()` without a server. */
export function createApp(ctx: ServerContext): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>()
  app.use('*', secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", 'https://cdn.jsdelivr.net'],
      styleSrc: ["'self'", "'unsafe-inline'", 'https://cdn.jsdelivr.net'],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
    },
  }))
  const limitBody = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(errorBody('too-large', `request bodies are limited to ${MAX_BODY_BYTES / 1024 / 1024} MiB`), 413) })
  // Imports stream to disk under their own, larger limit: the in-memory limit would buffer them.
  app.use('/api/*', (c, next) => (c.req.path === IMPORT_PATH ? next() : limitBody(c, next)))
  // A cookie session's writes must carry its CSRF token (API tokens and local mode carry no ambient authority).
  app.use('/api/*', csrfProtection(ctx.sessions))
  const api = createApi(ctx)
  app.route('/api', api)
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(api, ctx.version)))
  app.get('/api/docs', swaggerUI({ url: '/api/openapi.json' }))
  // One-click unsubscribe (RFC 8058): the link in every e-mail, public, outside /api and its CSRF check.
  app.route('/unsubscribe', unsubscribeRoutes({ store: ctx.store, clock: ctx.clock, secret: ctx.unsubscribeSecret }))
  app.route('/status', statusPage(ctx))
  app.route('/health', healthRoutes(ctx))
  if (ctx.editorDir) {
    const root = path.relative(process.cwd(), ctx.editorDir) || '.'
    app.use('/assets/*', serveStatic({ root }))
    // The editor is one page: every other GET outside the API gets it (routes live in the hash).
    const index = path.join(ctx.editorDir, 'index.html')
    app.get('/', async (c) => c.html(await readFile(index, 'utf8')))
  } else {
    app.route('/', statusPage(ctx))
  }
  app.notFound((c) => c.json(errorBody('not-found', `no route ${c.req.method} ${c.req.path}`), 404))
  app.onError(respondToError)
  return app
}

/** The OpenAPI 3.1 document of the API routes. */
export function openApiDocument(api: OpenAPIHono<ApiEnv>, version: string) {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: 'Sluice API', version, description: 'Campaign orchestration: flows, runs, customers, events, segments and reports. Every route names the role it needs in `x-sluice-access`.' },
    servers: [{ url: '/api' }],
  })
}
