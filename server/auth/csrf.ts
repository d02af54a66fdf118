/**
 * CSRF protection for cookie sessions. A browser sends the session cookie with every request
 * to the server, whoever's page caused it, so a state-changing request (POST, PUT, PATCH,
 * DELETE) that relies on the cookie must also carry the session's CSRF token in
 * `X-CSRF-Token`, which only the editor's own page can read (from `GET /api/auth/me` or the
 * sign-in answer). SameSite=Strict already keeps the cookie off cross-site requests; the token
 * also covers same-site pages and old browsers.
 *
 * Exempt: safe methods; requests with an Authorization header (a bearer token is sent
 * deliberately, never by the browser on its own, and such a request ignores the cookie);
 * requests without a live session (they act as nobody); and the sign-in route, which proves
 * itself with a password.
 */
import type { MiddlewareHandler } from 'hono'
import { errorBody } from '../http/errors.ts'
import type { SluiceAuthenticator } from './authenticator.ts'
import { constantTimeEqual } from './secrets.ts'

export const CSRF_HEADER = 'X-CSRF-Token'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface CsrfOptions {
  /** Full request paths that need no token. Default: the sign-in route. */
  exemptPaths?: readonly string[]
}

/** Mount on `/api/*`; answers 403 (`csrf`) when a cookie-authenticated unsafe request lacks the session's token. */
export function csrfProtection(authenticator: SluiceAuthenticator, options: CsrfOptions = {}): MiddlewareHandler {
  const exempt = new Set(options.exemptPaths ?? ['/api/auth/login'])
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || exempt.has(c.req.path) || c.req.header('authorization') !== undefined) return next()
    const session = await authenticator.session(c)
    if (session) {
      const sent = c.req.header(CSRF_HEADER)
      if (sent === undefined) return c.json(errorBody('csrf', `signed-in requests that change something must send the ${CSRF_HEADER} header (its value is in GET /api/auth/me)`), 403)
      if (!constantTimeEqual(sent, session.csrfToken)) return c.json(errorBody('csrf', `the ${CSRF_HEADER} header does not match this session's token (sign in again, or read it from GET /api/auth/me)`), 403)
    }
    await next()
  }
}
