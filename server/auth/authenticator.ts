/**
 * Who is calling: a browser session (cookie `sluice_session`) or an API token
 * (`Authorization: Bearer slk_…`). A request that carries an Authorization header is judged by
 * it alone, cookie or not; it then has no ambient authority, which is why CSRF checks
 * (csrf.ts) exempt it.
 *
 * Sessions: the cookie holds a random secret; the database holds its SHA-256 as the session
 * id, the user, the session's CSRF token and its expiry. The principal is read from the user row
 * on every request, so a role change or a disabled user takes effect at the next request.
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import type { Authenticator } from '../http/api-env.ts'
import type { AuthStore, UserRow } from './auth-store.ts'
import { verifyDecoy, verifyPassword } from './passwords.ts'
import type { Principal } from './roles.ts'
import { constantTimeEqual, parseApiToken, randomSecret, sha256Hex } from './secrets.ts'

export const SESSION_COOKIE = 'sluice_session'
/** How long a session lasts from sign-in. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000
/** A token's last use is written at most this often, so busy tokens do not cost a write per request. */
export const TOKEN_TOUCH_INTERVAL_MS = 60 * 1000

export interface AuthOptions {
  /** The server's clock (epoch ms): session expiry and token use. */
  now(): number
  sessionTtlMs?: number
  /**
   * The cookie's Secure attribute: `auto` (the default) sets it when the request came over
   * https; `true` always (behind a TLS-terminating proxy), `false` never.
   */
  secureCookies?: boolean | 'auto'
}

/** A signed-in browser session. */
export interface SessionInfo {
  principal: Principal
  /** What the browser must send back in `X-CSRF-Token` on unsafe requests. */
  csrfToken: string
  expiresAt: number
}

export interface SluiceAuthenticator extends Authenticator {
  /** The request's cookie session, when it has a live one (looked up once per request). */
  session(c: Context): Promise<SessionInfo | null>
  /** Checks name and password; on success starts a session and sets its cookie. Null when they do not match an enabled user. */
  signIn(c: Context, name: string, password: string): Promise<SessionInfo | null>
  /** Ends the request's session (if any) and clears the cookie. */
  signOut(c: Context): Promise<void>
}

const userPrincipal = (user: UserRow): Principal => ({ kind: 'user', id: user.id, name: user.name, role: user.role })

export function createAuthenticator(store: AuthStore, options: AuthOptions): SluiceAuthenticator {
  const ttl = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS
  const sessions = new WeakMap<Request, Promise<SessionInfo | null>>()

  const cookieOptions = (c: Context): CookieOptions => ({
    path: '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: options.secureCookies === 'auto' || options.secureCookies === undefined ? new URL(c.req.url).protocol === 'https:' : options.secureCookies,
  })

  async function lookUpSession(c: Context): Promise<SessionInfo | null> {
    const secret = getCookie(c, SESSION_COOKIE)
    if (!secret) return null
    const found = await store.sessionWithUser(sha256Hex(secret), options.now())
    if (!found || found.user.disabled) return null
    return { principal: userPrincipal(found.user), csrfToken: found.session.csrfToken, expiresAt: found.session.expiresAt }
  }

  function session(c: Context): Promise<SessionInfo | null> {
    let pending = sessions.get(c.req.raw)
    if (!pending) sessions.set(c.req.raw, (pending = lookUpSession(c)))
    return pending
  }

  async function tokenPrincipal(header: string): Promise<Principal | null> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    const parts = match ? parseApiToken(match[1] as string) : null
    if (!parts) return null
    const token = await store.tokenById(parts.id)
    if (!token || token.revokedAt !== null || !constantTimeEqual(sha256Hex(parts.secret), token.tokenHash)) return null
    const now = options.now()
    if (token.lastUsedAt === null || now - token.lastUsedAt >= TOKEN_TOUCH_INTERVAL_MS) await store.touchToken(token.id, now)
    return { kind: 'token', id: token.id, name: token.name, role: token.role }
  }

  return {
    async principalOf(c) {
      const authorization = c.req.header('authorization')
      if (authorization !== undefined) return tokenPrincipal(authorization)
      return (await session(c))?.principal ?? null
    },
    session,
    async signIn(c, name, password) {
      const user = await store.userByName(name)
      // Unknown and disabled users cost a verification too: timing does not tell them apart.
      const matches = user ? await verifyPassword(user.passwordHash, password) : await verifyDecoy(password)
      if (!user || !matches || user.disabled) return null
      const now = options.now()
      await store.deleteExpiredSessions(now)
      const previous = getCookie(c, SESSION_COOKIE)
      if (previous) await store.deleteSession(sha256Hex(previous))
      const secret = randomSecret()
      const info: SessionInfo = { principal: userPrincipal(user), csrfToken: randomSecret(), expiresAt: now + ttl }
      await store.insertSession({ id: sha256Hex(secret), userId: user.id, csrfToken: info.csrfToken, expiresAt: info.expiresAt, createdAt: now })
      setCookie(c, SESSION_COOKIE, secret, { ...cookieOptions(c), maxAge: Math.floor(ttl / 1000) })
      sessions.set(c.req.raw, Promise.resolve(info))
      return info
    },
    async signOut(c) {
      const secret = getCookie(c, SESSION_COOKIE)
      if (secret) await store.deleteSession(sha256Hex(secret))
      sessions.set(c.req.raw, Promise.resolve(null))
      deleteCookie(c, SESSION_COOKIE, cookieOptions(c))
    },
  }
}
