/**
 * For the auth tests: the auth, users and tokens route modules composed as server/app.ts
 * composes route modules (the principal middleware, CSRF protection on /api/*, the one error
 * mapper), over an in-memory SQLite store and a settable clock, plus a cookie-keeping
 * "browser" that signs in as a user.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { StorePort } from '../../engine/ports/store.ts'
import { openStore } from '../../store/open-store.ts'
import type { ApiEnv } from '../http/api-env.ts'
import { respondToError, validationFailure } from '../http/errors.ts'
import { authRoutes } from '../routes/auth.ts'
import { tokenRoutes } from '../routes/tokens.ts'
import { userRoutes } from '../routes/users.ts'
import { addUser } from './accounts.ts'
import { openAuthStore, type AuthStore } from './auth-store.ts'
import { createAuthenticator, SESSION_COOKIE, type AuthOptions } from './authenticator.ts'
import { csrfProtection } from './csrf.ts'
import type { LoginRateLimit } from './login-rate-limit.ts'
import type { Role } from './roles.ts'

export const T0 = Date.UTC(2026, 0, 1)
/** Every test user's password. */
export const PASSWORD = 'correct horse battery'

export interface Browser {
  /** The session cookie's secret, once signed in. */
  cookie: string | null
  csrfToken: string | null
  /** A request with the cookie (and the CSRF token unless `csrf: false`). */
  request(method: string, path: string, body?: unknown, options?: { csrf?: boolean | string; headers?: Record<string, string> }): Promise<Response>
}

export interface AuthTestApi {
  app: OpenAPIHono<ApiEnv>
  store: StorePort
  authStore: AuthStore
  clock: { now: number }
  /** A JSON request without cookies. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>
  addUser(name: string, role: Role): Promise<void>
  /** Signs `name` in with PASSWORD; fails the test when that does not work. */
  signIn(name: string): Promise<Browser>
  close(): Promise<void>
}

export async function authTestApi(options: { auth?: Partial<AuthOptions>; loginRateLimit?: LoginRateLimit } = {}): Promise<AuthTestApi> {
  const clock = { now: T0 }
  const now = () => clock.now
  const store = await openStore({ db: ':memory:', now })
  const authStore = openAuthStore(store)
  const authenticator = createAuthenticator(authStore, { now, ...options.auth })
  const defaultHook = (result: { success: boolean; error?: unknown; target: string }, c: { json: (body: unknown, status: 400) => Response }) => {
    if (!result.success) return c.json(validationFailure(result.error as never, result.target), 400)
  }
  const api = new OpenAPIHono<ApiEnv>({ defaultHook: defaultHook as never })
  api.use('*', async (c, next) => {
    c.set('principal', await authenticator.principalOf(c))
    await next()
  })
  api.route('/auth', authRoutes({ authenticator, ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}) }))
  api.route('/users', userRoutes({ authStore, now }))
  api.route('/tokens', tokenRoutes({ authStore, now }))
  const app = new OpenAPIHono<ApiEnv>()
  app.use('/api/*', csrfProtection(authenticator))
  app.route('/api', api)
  app.onError(respondToError)

  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(app.request(path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }))

  return {
    app, store, authStore, clock, request,
    async addUser(name, role) {
      await addUser(authStore, { name, role, password: PASSWORD }, clock.now)
    },
    async signIn(name) {
      const response = await request('POST', '/api/auth/login', { name, password: PASSWORD })
      if (response.status !== 200) throw new Error(`sign-in of ${name} answered ${response.status}: ${await response.text()}`)
      const browser: Browser = {
        cookie: sessionCookie(response),
        csrfToken: ((await response.json()) as { csrfToken: string }).csrfToken,
        request(method, path, body, { csrf = true, headers = {} } = {}) {
          const token = typeof csrf === 'string' ? csrf : csrf ? browser.csrfToken : null
          return request(method, path, body, { ...headers, ...(browser.cookie ? { cookie: `${SESSION_COOKIE}=${browser.cookie}` } : {}), ...(token ? { 'x-csrf-token': token } : {}) })
        },
      }
      return browser
    },
    close: () => store.close(),
  }
}

/** The session cookie's value a response sets, or null. */
export function sessionCookie(response: Response): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))
  return header ? decodeURIComponent(header.slice(SESSION_COOKIE.length + 1).split(';')[0] as string) : null
}
