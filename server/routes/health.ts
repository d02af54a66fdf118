import { Hono } from 'hono'
import type { ServerContext } from '../context.ts'

/** `GET /health`: liveness plus what the store holds; 503 when the store cannot answer. */
export function healthRoutes({ store, version }: ServerContext): Hono {
  return new Hono().get('/', async (c) => {
    try {
      const stats = await store.stats()
      return c.json({ status: 'ok', version, store: stats })
    } catch (error) {
      return c.json({ status: 'unavailable', version, error: error instanceof Error ? error.message : String(error) }, 503)
    }
  })
}
