/**
 * The HTTP app. Route modules are mounted with `app.route`; errors are mapped to responses in
 * one place (`onError`). Until the editor lands, `/` is a status page of what the store holds.
 */
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { StorePort } from '../engine/ports/store.ts'
import { isUserError } from '../engine/errors.ts'
import { healthRoutes } from './routes/health.ts'
import { statusPage } from './routes/status-page.ts'

export interface AppDeps {
  store: StorePort
  /** Version string shown on the status page and in /health. */
  version: string
}

/** Builds the hono app over a store; tests call `app.request()` without a server. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  app.route('/', statusPage(deps))
  app.route('/health', healthRoutes(deps))
  app.notFound((c) => c.json({ error: { code: 'not-found', message: `no route ${c.req.method} ${c.req.path}` } }, 404))
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: { code: 'http', message: error.message } }, error.status)
    if (isUserError(error)) return c.json({ error: { code: error.code, message: error.message, details: error.details } }, 400)
    console.error(error)
    return c.json({ error: { code: 'internal', message: 'internal error; see the server log' } }, 500)
  })
  return app
}
