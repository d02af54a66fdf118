/**
 * `/api/auth`: browser sign-in. `POST /login` checks name and password (rate limited per
 * address and per name) and sets the session cookie; `POST /logout` ends the session;
 * `GET /me` answers who is calling and, for a cookie session, the CSRF token the editor sends
 * back in `X-CSRF-Token`.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { SluiceAuthenticator } from '../auth/authenticator.ts'
import { loginRateLimit, type LoginRateLimit } from '../auth/login-rate-limit.ts'
import { MAX_PASSWORD_LENGTH } from '../auth/passwords.ts'
import { ROLES } from '../auth/roles.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { apiRoute, json } from '../http/api-route.ts'
import { ApiError, errorSchema } from '../http/errors.ts'

export interface AuthRouteDeps {
  authenticator: SluiceAuthenticator
  loginRateLimit?: LoginRateLimit
}

export const principalSchema = z
  .object({
    kind: z.enum(['user', 'token', 'local']),
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
  })
  .openapi('Principal')

const sessionSchema = z
  .object({
    principal: principalSchema,
    csrfToken: z.string().openapi({ description: 'Send it in X-CSRF-Token with every POST, PUT, PATCH and DELETE of this session' }),
    expiresAt: z.iso.datetime(),
  })
  .openapi('Session')

const login = apiRoute('public', {
  method: 'post', path: '/login', summary: 'Sign in: sets the session cookie (HttpOnly, SameSite=Strict)', tags: ['auth'],
  request: {
    body: {
      content: { 'application/json': { schema: z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }) } },
      required: true,
    },
  },
  responses: {
    200: json(sessionSchema, 'Signed in'),
    429: json(errorSchema, 'Too many failed sign-ins; Retry-After says when to try again'),
  },
})
const logout = apiRoute('public', {
  method: 'post', path: '/logout', summary: 'Sign out: ends the session and clears its cookie', tags: ['auth'],
  responses: { 204: { description: 'Signed out (also when there was no session)' } },
})
const me = apiRoute('viewer', {
  method: 'get', path: '/me', summary: 'Who is calling, and the CSRF token of a cookie session', tags: ['auth'],
  responses: {
    200: json(z.object({
      principal: principalSchema,
      csrfToken: z.string().nullable().openapi({ description: 'Null for API tokens and local mode, which need none' }),
    })),
  },
})

const iso = (ms: number) => new Date(ms).toISOString()

export function authRoutes({ authenticator, loginRateLimit: limits }: AuthRouteDeps) {
  const app = new OpenAPIHono<ApiEnv>()
  app.use('/login', ...loginRateLimit(limits))
  return app
    .openapi(login, async (c) => {
      const { name, password } = c.req.valid('json')
      const session = await authenticator.signIn(c, name, password)
      // One answer for an unknown name, a wrong password and a disabled user: it tells nothing.
      if (!session) throw new ApiError(401, 'invalid-credentials', 'wrong user name or password')
      return c.json({ principal: session.principal, csrfToken: session.csrfToken, expiresAt: iso(session.expiresAt) }, 200)
    })
    .openapi(logout, async (c) => {
      await authenticator.signOut(c)
      return c.body(null, 204)
    })
    .openapi(me, async (c) => {
      const principal = c.get('principal') as NonNullable<ApiEnv['Variables']['principal']>
      const session = principal.kind === 'user' ? await authenticator.session(c) : null
      return c.json({ principal, csrfToken: session?.csrfToken ?? null }, 200)
    })
}
