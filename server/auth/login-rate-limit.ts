/**
 * The sign-in rate limit (hono-rate-limiter): failed attempts are counted per client address
 * and per user name, each with its own window, so one address cannot try many passwords and
 * many addresses cannot take turns at one name. A successful sign-in does not count. Past the
 * limit the answer is 429 in the API's error shape with `Retry-After` (seconds).
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'
import { rateLimiter } from 'hono-rate-limiter'
import { errorBody } from '../http/errors.ts'

export interface LoginRateLimit {
  /** Failed attempts allowed per window, per address and per name. Default 10. */
  limit?: number
  /** Default 15 minutes. */
  windowMs?: number
  /**
   * The caller's address. Default: the socket's remote address (behind a reverse proxy, pass
   * one that reads the proxy's header).
   */
  clientAddress?: (c: Context) => string
}

export const DEFAULT_LOGIN_LIMIT = 10
export const DEFAULT_LOGIN_WINDOW_MS = 15 * 60 * 1000

/** The socket's remote address under @hono/node-server; `unknown` where there is none (app.request in tests). */
export function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** The user name a sign-in request names, lower-cased; null when the body has none. */
async function attemptedName(c: Context): Promise<string | null> {
  try {
    // hono keeps the parsed body, so the route's validator reads it again at no cost.
    const body: unknown = await c.req.json()
    const name = (body as { name?: unknown } | null)?.name
    return typeof name === 'string' && name.trim() !== '' ? name.trim().toLowerCase() : null
  } catch {
    return null
  }
}

/** The two limiters, to mount on the sign-in route (POST). */
export function loginRateLimit(options: LoginRateLimit = {}): MiddlewareHandler[] {
  const limit = options.limit ?? DEFAULT_LOGIN_LIMIT
  const windowMs = options.windowMs ?? DEFAULT_LOGIN_WINDOW_MS
  const clientAddress = options.clientAddress ?? socketAddress
  const refuse = (what: string) => (c: Context) => {
    const retry = c.res.headers.get('Retry-After') ?? String(Math.ceil(windowMs / 1000))
    return c.json(errorBody('rate-limited', `too many failed sign-ins ${what}; try again in ${retry} s`), 429)
  }
  const common = { limit, windowMs, skipSuccessfulRequests: true, standardHeaders: 'draft-6' as const }
  return [
    rateLimiter({ ...common, keyGenerator: (c) => `address:${clientAddress(c)}`, handler: refuse('from this address') }),
    rateLimiter({
      ...common,
      skip: async (c) => (await attemptedName(c)) === null,
      keyGenerator: async (c) => `name:${(await attemptedName(c)) ?? ''}`,
      handler: refuse('for this user name'),
    }),
  ]
}
